import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { badInput, notFound } from '../../errors.js';
import { isUuid } from '../../lib/ids.js';
import { UsageLog } from './usage-log.entity.js';
import type { UsageLogFilter } from './usage-log.filter.js';
import { findLogPage, type LogPosition, logConditions, parameters } from './usage-log.query.js';

/** Refuses a bad filter, naming the field, before anything runs. */
export function checkLogFilter(teamId: string, filter: UsageLogFilter | null | undefined): void {
  logConditions(teamId, filter, parameters().bind);
}

export type UsageLogPage = { logs: { log: UsageLog; position: LogPosition }[]; hasMore: boolean; next: LogPosition | null; searchedUntil: Date | null };

/**
 * A page of the team's logs matching a filter (see findLogPage), as entities. `bounded`: a search
 * no index serves stops after a budget of logs read and says how far it got (the Logs page, and
 * GET /logs with `resumeFromLog`).
 */
export async function listUsageLogs(
  em: EntityManager,
  db: pg.Pool,
  teamId: string,
  filter: UsageLogFilter | null | undefined,
  opts: { limit: number; after?: LogPosition | null; direction?: 'older' | 'newer'; bounded: boolean; resumeFromLog?: boolean },
): Promise<UsageLogPage> {
  const page = await findLogPage(db, teamId, filter, opts);
  return {
    logs: page.rows.map(({ at, error_name, error_message, ...row }) => {
      const log = em.map(UsageLog, row);
      log.listedError = { name: error_name, message: error_message };
      return { log, position: { at, id: row.id } };
    }),
    hasMore: page.hasMore,
    next: page.next,
    searchedUntil: page.searchedUntil,
  };
}

/**
 * How far back the team's logs go: the retention setting, and the first UTC day with logs still
 * kept — from the rollups (index-only), not a look at every partition.
 */
export async function logRetention(db: pg.Pool, teamId: string, days: number): Promise<{ days: number; oldestAt: Date | null; oldestLogAt: Date | null }> {
  // The rollups name the first day with logs; the oldest log is then found in that day's
  // partition alone (the team's time index), not by a min() over every partition.
  const { rows } = await db.query<{ oldest: Date | null; oldest_log: Date | null }>(
    `with first_day as (
       select min(day)::timestamp at time zone 'UTC' as oldest from usage_rollup
        where team_id = $1 and day >= (select logs_since from usage_log_retention))
     select oldest,
            (select min(created_at) from usage_log where team_id = $1 and created_at >= oldest and created_at < oldest + interval '1 day') as oldest_log
       from first_day`,
    [teamId],
  );
  const oldest = rows[0]?.oldest ?? null;
  return { days, oldestAt: oldest, oldestLogAt: rows[0]?.oldest_log ?? oldest };
}

/** One of the team's logs with its bodies; null when it has none with this id (GraphQL's usageLog). */
export async function findUsageLog(em: EntityManager, teamId: string, id: string): Promise<UsageLog | null> {
  return isUuid(id) ? await em.findOne(UsageLog, { id, teamId }, { populate: ['requestBody', 'responseBody'] }) : null;
}

/** The same, NOT_FOUND when there is none (GET /logs/:id). */
export async function getUsageLog(em: EntityManager, teamId: string, id: string): Promise<UsageLog> {
  const log = await findUsageLog(em, teamId, id);
  if (!log) throw notFound('Log');
  return log;
}

export type UsageBucket = { date: string; requests: number; errors: number };

/** The most days `ApiKey.usage(days)` covers; more is BAD_USER_INPUT naming `days`. */
export const USAGE_MAX_DAYS = 90;

export function checkUsageDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > USAGE_MAX_DAYS) throw badInput('days', `days must be between 1 and ${USAGE_MAX_DAYS}.`);
  return days;
}

/** What the key page and the key list show of a key's use, read at one instant. */
export type KeyUsage = {
  /** Requests made with the key (api_key.request_count); null when there is no such key of the team */
  requestCount: number | null;
  lastUsedAt: Date | null;
  /** Requests and errors per UTC day, oldest first, today last: as many days as asked for */
  days: UsageBucket[];
};

/**
 * A key's request count, last use, and requests and errors (4xx and 5xx) per UTC day (days
 * without use included) for each of a team's keys, in ONE statement: the counts and the chart of
 * a page are one snapshot, so they agree even while a batch of logs commits between two reads
 * (the key page once said 39 requests while its chart said 41). The ApiKey.requestCount,
 * lastUsedAt, usage, recentRequests and recentErrorRate of a request all come from it (the
 * DataLoader batches a request's keys). Reads the rollups — one row per key and day at most,
 * still there once retention has dropped the logs — and each key's counters, written in the same
 * statement as the rollups (usage-rollup.ts). `days` 0: the counters only.
 */
export async function keyUsageForKeys(em: EntityManager, teamId: string, apiKeyIds: readonly string[], days: number): Promise<Map<string, KeyUsage>> {
  if (days !== 0) checkUsageDays(days);
  const result = new Map<string, KeyUsage>(apiKeyIds.map((id) => [id, { requestCount: null, lastUsedAt: null, days: [] }]));
  if (apiKeyIds.length === 0) return result;
  // One array parameter (knex would spread a JS array into a list of them); ids come from key rows.
  const ids = `{${apiKeyIds.filter(isUuid).join(',')}}`;
  const rows = await em
    .getConnection()
    .execute<{ api_key_id: string; request_count: number | null; last_used_at: string | null; date: string | null; requests: number; errors: number }[]>(
      `select k.id as api_key_id, a.request_count, to_char(a.last_used_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_used_at,
            to_char(d.day, 'YYYY-MM-DD') as date,
            coalesce(r.requests, 0) as requests, coalesce(r.status_4xx + r.status_5xx, 0) as errors
       from unnest(?::uuid[]) as k(id)
       left join api_key a on a.id = k.id and a.team_id = ?
       left join lateral generate_series((now() at time zone 'UTC')::date - (?::int - 1), (now() at time zone 'UTC')::date, interval '1 day') as d(day) on true
       left join usage_rollup r on r.team_id = ? and r.api_key_id = k.id and r.day = d.day::date
      order by k.id, d.day`,
      [ids, teamId, days, teamId],
    );
  for (const r of rows) {
    const usage = result.get(r.api_key_id);
    if (!usage) continue;
    usage.requestCount = r.request_count === null ? null : Number(r.request_count);
    usage.lastUsedAt = r.last_used_at === null ? null : new Date(r.last_used_at);
    if (r.date) usage.days.push({ date: r.date, requests: Number(r.requests), errors: Number(r.errors) });
  }
  return result;
}

/** Requests and errors per UTC day for one key (see keyUsageForKeys). */
export async function usageByDay(em: EntityManager, teamId: string, apiKeyId: string, days: number): Promise<UsageBucket[]> {
  checkUsageDays(days);
  return (await keyUsageForKeys(em, teamId, [apiKeyId], days)).get(apiKeyId)?.days ?? [];
}
