import type pg from 'pg';
import { countKeyUse, lockUsedKeys } from '../api-key/api-key.usage.js';
import { listLogPartitions, logsSince, utcDay } from './usage-log.partitions.js';

/**
 * A rollup's counts of a set of logs: requests, by status class, and the last one's time. A log
 * counts its `requests` (1, or the refused requests a rate-limit summary sums up), so the
 * rollups and a key's requestCount count requests, as the logs say, not rows.
 */
const inClass = (lo: number) => `coalesce(sum(requests) filter (where status_code between ${lo} and ${lo + 99}), 0)`;
export const COUNTS = `sum(requests), ${inClass(200)}, ${inClass(300)}, ${inClass(400)}, ${inClass(500)}, max(created_at)`;
const ROLLUP_COLUMNS = 'team_id, api_key_id, day, requests, status_2xx, status_3xx, status_4xx, status_5xx, last_used_at';

/**
 * Writes a batch of usage logs (a JSON array of UsageRecorder entries) in one statement, so
 * atomically: the logs, their rollups, and every key's count and last use (api-key.usage.ts). Every batch locks the
 * keys it counts in id order before it touches anything else, and adds to the rollups in key
 * order: two instances writing for the same keys queue instead of deadlocking. A key deleted
 * since the request keeps its id on the log (no FK) and in the rollups.
 */
export const WRITE_USAGE_LOGS = `
  with input as materialized (
    select * from jsonb_to_recordset($1::jsonb) as v(id uuid, team_id uuid, api_key_id uuid, method text, endpoint text, status_code smallint,
           user_agent text, duration_ms int, request_body jsonb, response_body jsonb, created_at timestamptz, requests int)
  ),
  keys as materialized (
    ${lockUsedKeys('select api_key_id from input')}
  ),
  logged as (
    insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, request_body, response_body, created_at, requests)
    select v.id, v.team_id, v.api_key_id, k.name, v.method, v.endpoint, v.status_code, v.user_agent, v.duration_ms, v.request_body, v.response_body, v.created_at,
           greatest(1, coalesce(v.requests, 1))
      from input v left join keys k on k.id = v.api_key_id
    -- a batch retried after its commit's answer was lost: nothing inserted or counted twice
    on conflict do nothing
    returning team_id, api_key_id, status_code, created_at, requests
  ),
  rolled as (
    insert into usage_rollup (${ROLLUP_COLUMNS})
    select team_id, api_key_id, (created_at at time zone 'UTC')::date, ${COUNTS}
      from logged group by 1, 2, 3 order by 1, 2, 3
    on conflict (team_id, api_key_id, day) do update
       set requests = usage_rollup.requests + excluded.requests,
           status_2xx = usage_rollup.status_2xx + excluded.status_2xx, status_3xx = usage_rollup.status_3xx + excluded.status_3xx,
           status_4xx = usage_rollup.status_4xx + excluded.status_4xx, status_5xx = usage_rollup.status_5xx + excluded.status_5xx,
           last_used_at = greatest(usage_rollup.last_used_at, excluded.last_used_at)
  )
  ${countKeyUse('select api_key_id, sum(requests) as n, max(created_at) as last from logged group by api_key_id')}`;

const DAY_MS = 86_400_000;
const isoDay = (t: Date) => t.toISOString().slice(0, 10);

export type RollupRebuild = { days: number; from: string | null; to: string | null; rows: number };

/**
 * Recomputes the rollups of every day whose logs are all still there (from the oldest day
 * partition on, and never a day retention has dropped) from the raw logs; older days keep theirs, which retention leaves as the only
 * record. A day at a time, each in a transaction that holds off the log writers' rollup updates
 * meanwhile (they wait, then add to the new figures): idempotent, safe while the server runs.
 */
export async function rebuildRollups(pool: pg.Pool, onDay?: (day: string, rows: number) => void): Promise<RollupRebuild> {
  const partitions = await listLogPartitions(pool);
  if (partitions.length === 0) return { days: 0, from: null, to: null, rows: 0 };
  const since = await logsSince(pool);
  const first = since && since > partitions[0].from ? since : partitions[0].from;
  // Past the last partition, only the default partition holds logs; and a rollup of a later day
  // with no logs at all is rebuilt too (to nothing).
  const {
    rows: [ends],
  } = await pool.query<{ log: Date | null; rollup: Date | null }>(
    `select (select max(created_at) from usage_log_default) as log,
            (select max(day)::timestamp at time zone 'UTC' from usage_rollup) as rollup`,
  );
  const end = utcDay(new Date(Math.max(partitions[partitions.length - 1].to.getTime() - DAY_MS, ends.log?.getTime() ?? 0, ends.rollup?.getTime() ?? 0)));
  let days = 0;
  let rows = 0;
  for (let day = first; day <= end; day = new Date(day.getTime() + DAY_MS)) {
    const c = await pool.connect();
    try {
      await c.query('begin');
      await c.query('lock table usage_rollup in exclusive mode');
      await c.query('delete from usage_rollup where day = $1::date', [isoDay(day)]);
      const inserted = await c.query(
        `insert into usage_rollup (${ROLLUP_COLUMNS})
         select team_id, api_key_id, $1::date, ${COUNTS}
           from usage_log where created_at >= $2 and created_at < $3 group by 1, 2`,
        [isoDay(day), day, new Date(day.getTime() + DAY_MS)],
      );
      await c.query('commit');
      rows += inserted.rowCount ?? 0;
      onDay?.(isoDay(day), inserted.rowCount ?? 0);
    } catch (e) {
      await c.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
    days++;
  }
  return { days, from: isoDay(first), to: isoDay(end), rows };
}
