import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsList } from '../src/db/migrations/index.js';
import { initOrm } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';
import { createTestDatabase, sql } from './harness.js';

// The schema as it was before the logs were partitioned: upgrading from it must keep every row.
const BEFORE = migrationsList[migrationsList.findIndex((m) => m.name === 'Migration20261203130000_usage_log_partitions') - 1].name;
const TEAMS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
const ROWS = 5000;

let url: string;
let orm: MikroORM;

/** Every row as text, in a stable order: equal before and after means no row lost or changed. */
const fingerprint = async () =>
  (
    await sql<{ n: string; digest: string }>(
      url,
      `select count(*) as n, md5(string_agg(concat_ws('|', id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, request_body::text, response_body::text, created_at), ',' order by id)) as digest from usage_log`,
    )
  )[0];

beforeAll(async () => {
  url = await createTestDatabase('upgrade');
  orm = await initOrm(url, createLogger('silent'));
  await orm.getMigrator().up({ to: BEFORE });
});
afterAll(() => orm?.close());

describe('upgrading a database with unpartitioned logs', () => {
  it('copies every row into the partitioned table, months old or from the future, with or without a key', async () => {
    for (const [i, id] of TEAMS.entries()) await sql(url, `insert into team (id, name, created_at) values ($1, $2, now())`, [id, `Team ${i}`]);
    // Spread over four months back and a day ahead, some with bodies, some without a key.
    await sql(
      url,
      `insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, request_body, response_body, created_at)
       select gen_random_uuid(), (array[$1, $2]::uuid[])[1 + i % 2],
              case when i % 7 = 0 then null else ('00000000-0000-4000-8000-00000000000' || (i % 5))::uuid end,
              case when i % 7 = 0 then null else 'key ' || (i % 5) end,
              (array['GET', 'POST', 'DELETE'])[1 + i % 3], '/emails/' || i, (array[200, 201, 404, 422, 500])[1 + i % 5], 'agent/' || i, i % 100,
              case when i % 3 = 0 then jsonb_build_object('to', 'a@example.com', 'n', i) end,
              case when i % 4 = 0 then '{"id": "x"}'::jsonb end,
              now() + interval '1 day' - (i * interval '35 minutes 3.5 seconds')
         from generate_series(1, $3::int) as i`,
      [...TEAMS, ROWS],
    );
    const before = await fingerprint();
    expect(Number(before.n)).toBe(ROWS);

    await orm.getMigrator().up();

    const [table] = await sql<{ strategy: string }>(url, `select partstrat as strategy from pg_partitioned_table where partrelid = 'usage_log'::regclass`);
    expect(table.strategy).toBe('r');
    expect(await fingerprint()).toEqual(before);
    // Each row sits in the partition of its own UTC day, none in the default partition.
    const misplaced = await sql(
      url,
      `select 1 from usage_log where tableoid::regclass::text <> 'usage_log_p' || to_char(created_at at time zone 'UTC', 'YYYYMMDD') limit 1`,
    );
    expect(misplaced).toEqual([]);
    const [old] = await sql<{ n: string }>(url, `select count(*) as n from usage_log where created_at < now() - interval '100 days'`);
    expect(Number(old.n)).toBeGreaterThan(0);
  });

  it('counts every old row in the rollups, per team, key and day, and sets no retention horizon yet', async () => {
    const [diff] = await sql<{ n: string }>(
      url,
      `select count(*) as n from (
         (select team_id, api_key_id, day, requests, status_2xx, status_4xx, status_5xx, last_used_at from usage_rollup
          except
          select team_id, api_key_id, (created_at at time zone 'UTC')::date, count(*), count(*) filter (where status_code between 200 and 299),
                 count(*) filter (where status_code between 400 and 499), count(*) filter (where status_code between 500 and 599), max(created_at)
            from usage_log group by 1, 2, 3)
         union all
         (select team_id, api_key_id, (created_at at time zone 'UTC')::date, count(*), count(*) filter (where status_code between 200 and 299),
                 count(*) filter (where status_code between 400 and 499), count(*) filter (where status_code between 500 and 599), max(created_at)
            from usage_log group by 1, 2, 3
          except
          select team_id, api_key_id, day, requests, status_2xx, status_4xx, status_5xx, last_used_at from usage_rollup)
       ) d`,
    );
    expect(Number(diff.n)).toBe(0);
    const [{ requests }] = await sql<{ requests: string }>(url, 'select sum(requests) as requests from usage_rollup');
    expect(Number(requests)).toBe(ROWS);
    expect(await sql(url, 'select logs_since::text from usage_log_retention')).toEqual([{ logs_since: '-infinity' }]);
  });

  it('leaves the old table behind no more, and every index leading with team_id', async () => {
    expect(await sql(url, `select 1 from pg_class where relname = 'usage_log_unpartitioned'`)).toEqual([]);
    const indexes = await sql<{ def: string }>(url, `select indexdef as def from pg_indexes where tablename = 'usage_log' and indexname <> 'usage_log_pkey'`);
    expect(indexes.length).toBeGreaterThanOrEqual(4);
    for (const { def } of indexes) expect(def).toMatch(/\(team_id, /);
  });
});
