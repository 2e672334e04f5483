import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsList } from '../src/db/migrations/index.js';
import { initOrm } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';
import { createTestDatabase, sql } from './harness.js';

// Before usage_log.requests, a rate-limit summary ("(rate limited)", { refused: n }) was counted as
// one request in the rollups and the key's count. The upgrade counts it as the n it stands for.
const BEFORE = migrationsList[migrationsList.findIndex((m) => m.name === 'Migration20261204010100_usage_log_requests') - 1].name;
const TEAM = '11111111-1111-4111-8111-111111111111';
const KEY = '00000000-0000-4000-8000-000000000001';

let url: string;
let orm: MikroORM;

beforeAll(async () => {
  url = await createTestDatabase('requests_upgrade');
  orm = await initOrm(url, createLogger('silent'));
  await orm.getMigrator().up({ to: BEFORE });
});
afterAll(() => orm?.close());

describe('upgrading to usage_log.requests', () => {
  it("counts an old rate-limit summary as the refused requests it sums up, in its log, its day's rollup and its key's count", async () => {
    await sql(url, `insert into team (id, name, created_at) values ($1, 'Team', now())`, [TEAM]);
    await sql(
      url,
      `insert into api_key (id, team_id, name, permission, token_start, token_hash, created_at, updated_at, request_count, last_used_at)
       values ($1, $2, 'k', 'FULL_ACCESS', 're_x', md5('x'), now(), now(), 3, now())`,
      [KEY, TEAM],
    );
    const at = new Date(Date.now() - 60_000);
    const log = (endpoint: string, method: string, status: number, body: unknown) =>
      sql(
        url,
        `insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, duration_ms, response_body, created_at)
         values (gen_random_uuid(), $1, $2, 'k', $3, $4, $5, 1, $6, $7)`,
        [TEAM, KEY, method, endpoint, status, JSON.stringify(body), at],
      );
    await log('/domains', 'GET', 200, null);
    await log('/domains', 'GET', 429, { refused: 7 });
    await log('(rate limited)', '*', 429, { refused: 25, message: '25 more requests refused by the rate limit in this minute.' });
    await sql(
      url,
      `insert into usage_rollup (team_id, api_key_id, day, requests, status_2xx, status_3xx, status_4xx, status_5xx, last_used_at)
       values ($1, $2, ($3::timestamptz at time zone 'UTC')::date, 3, 1, 0, 2, 0, $3)`,
      [TEAM, KEY, at],
    );

    await orm.getMigrator().up();

    const logs = await sql<{ endpoint: string; requests: number }>(url, `select endpoint, requests from usage_log order by endpoint, status_code`);
    expect(logs).toEqual([
      { endpoint: '(rate limited)', requests: 25 },
      { endpoint: '/domains', requests: 1 },
      { endpoint: '/domains', requests: 1 },
    ]);
    expect(await sql(url, `select requests, status_2xx, status_4xx from usage_rollup`)).toEqual([{ requests: 27, status_2xx: 1, status_4xx: 26 }]);
    expect(await sql(url, `select request_count from api_key`)).toEqual([{ request_count: 27 }]);
  });
});
