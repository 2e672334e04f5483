import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { initOrm, migrate } from '../src/db/orm.js';
import { MAX_QUERY_COST } from '../src/graphql/cost.js';
import { createLogger } from '../src/logger.js';
import { MAX_API_KEYS_PER_TEAM } from '../src/modules/api-key/api-key.service.js';
import { USAGE_MAX_DAYS } from '../src/modules/usage-log/usage-log.service.js';
import { rebuildRollups } from '../src/modules/usage-log/usage-rollup.js';
import { createClient, createTestDatabase, PASSWORD, sql, type TestClient, uniqueEmail } from './harness.js';

// One team with the most keys it may hold, and a server whose every ORM statement is seen.
let app: App;
let orm: MikroORM;
let url: string;
let databaseUrl: string;
let admin: TestClient;
let teamId: string;
const statements: string[] = [];

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    CLIENT_DIST: '/nonexistent',
    RATE_LIMIT_PER_SECOND: '0',
  });
  orm = await initOrm(databaseUrl, createLogger('silent'), (message) => statements.push(message));
  await migrate(orm);
  app = await createApp({ config, orm, logger: createLogger('silent') });
  url = await app.listen(0, '127.0.0.1');
  admin = createClient(url);
  const res = await admin.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { team { id } } }`, {
    input: { email: uniqueEmail('cost'), password: PASSWORD, teamName: 'Costly' },
  });
  teamId = res.data!.signUp.team.id;
  // MAX_API_KEYS_PER_TEAM keys, one used on three days.
  await sql(
    databaseUrl,
    `insert into api_key (id, team_id, name, permission, token_start, token_hash, created_at, updated_at, request_count)
     select gen_random_uuid(), $1, 'key ' || i, 'FULL_ACCESS', 're_x', md5(i::text) || md5((i + 1)::text), now() - i * interval '1 second', now(), 0
       from generate_series(1, $2::int) as i`,
    [teamId, MAX_API_KEYS_PER_TEAM],
  );
  await sql(
    databaseUrl,
    `insert into usage_log (id, team_id, api_key_id, method, endpoint, status_code, duration_ms, created_at)
     select gen_random_uuid(), $1, (select id from api_key where name = 'key 1'), 'POST', '/emails', case when i % 4 = 0 then 500 else 200 end, 1,
            now() - (i % 3) * interval '1 day'
       from generate_series(1, 12) as i`,
    [teamId],
  );
  // Logs written behind the recorder's back, as a backfill: their rollups are rebuilt, as after one.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  await rebuildRollups(pool).finally(() => pool.end());
}, 60_000);
afterAll(async () => {
  await app?.close();
  await orm?.close();
});

const USAGE = `usage(days: $days) { date requests errors }`;

describe('query cost', () => {
  it('five aliases of apiKeys { usage(days: 366) } over 500 keys are refused before anything runs', async () => {
    const query = `{ ${[1, 2, 3, 4, 5].map((i) => `a${i}: apiKeys { id usage(days: 366) { date requests errors } }`).join(' ')} }`;
    statements.length = 0;
    const started = performance.now();
    const res = await admin.gql(query);
    const took = performance.now() - started;
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0].message).toMatch(new RegExp(`Query is too costly: [0-9,]+ exceeds the limit of ${MAX_QUERY_COST.toLocaleString('en-US')}`));
    expect(statements.filter((s) => /api_key|usage_log|usage_rollup/.test(s))).toEqual([]);
    expect(took).toBeLessThan(3000); // it ran 7 s before; generous for a loaded machine
  });

  it('counts a list once per item: apiKeys { usage(days: 90) } over every key is refused, over the first 30 it runs', async () => {
    const refused = await admin.gql(`query($days: Int!) { apiKeys { id ${USAGE} } }`, { days: 90 });
    expect(refused.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const ok = await admin.gql(`query($days: Int!) { apiKeys(first: 30) { id name ${USAGE} } }`, { days: 90 });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.apiKeys).toHaveLength(30);
    expect(ok.data!.apiKeys[0].usage).toHaveLength(90);
  });

  it("the dashboard's API keys page, at the most keys a team may hold, is within the limit", async () => {
    const res = await admin.gql(`query ApiKeysPage($filter: ApiKeyFilter) {
      apiKeys(filter: $filter) { __typename id name permission tokenStart createdAt lastUsedAt usageStatus requestCount expiresAt enabled
        previousTokenStart previousTokenExpiresAt domain { __typename id name } }
      apiKeyHealth { __typename total neverUsed inactive fullAccess expiringSoon disabled } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.apiKeys).toHaveLength(MAX_API_KEYS_PER_TEAM);
    // The sparklines come in a query of their own: with the list they would cost over the limit.
    const usage = await admin.gql(
      `query ApiKeysRecentUsage($filter: ApiKeyFilter) { apiKeys(filter: $filter) { __typename id recentRequests recentErrorRate } }`,
    );
    expect(usage.errors).toBeUndefined();
    expect(usage.data!.apiKeys).toHaveLength(MAX_API_KEYS_PER_TEAM);
  });

  it('paginated lists count their page: usageLogs(first: 100) of a big selection is refused, first: 20 runs', async () => {
    const wide = 'id method endpoint statusCode userAgent durationMs createdAt apiKeyId apiKeyName';
    const selection = `edges { cursor node { ${wide} apiKey { id name usage(days: 30) { date requests errors } } } }`;
    expect((await admin.gql(`{ usageLogs(first: 100) { ${selection} } }`)).errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await admin.gql(`{ usageLogs(first: 20) { ${selection} } }`)).errors).toBeUndefined();
  });
});

describe('ApiKey.usage', () => {
  it('is one SQL statement for all the keys of a request, with the right counts', async () => {
    statements.length = 0;
    const res = await admin.gql(`query($days: Int!) { apiKeys(first: 25) { name ${USAGE} } }`, { days: 7 });
    expect(res.errors).toBeUndefined();
    expect(statements.filter((s) => s.includes('usage_rollup'))).toHaveLength(1);
    const used = res.data!.apiKeys.find((k: { name: string }) => k.name === 'key 1');
    const total = used.usage.reduce((n: number, b: { requests: number }) => n + b.requests, 0);
    const errors = used.usage.reduce((n: number, b: { errors: number }) => n + b.errors, 0);
    expect([total, errors]).toEqual([12, 3]);
    expect(used.usage).toHaveLength(7);
    expect(used.usage.map((b: { date: string }) => b.date)).toEqual([...used.usage.map((b: { date: string }) => b.date)].sort());
    expect(res.data!.apiKeys.find((k: { name: string }) => k.name === 'key 2').usage.every((b: { requests: number }) => b.requests === 0)).toBe(true);
  });

  it(`is capped at ${USAGE_MAX_DAYS} days: more is BAD_USER_INPUT naming days`, async () => {
    const [key] = await sql<{ id: string }>(databaseUrl, `select id from api_key where name = 'key 1'`);
    const res = await admin.gql(`query($id: ID!) { apiKey(id: $id) { usage(days: ${USAGE_MAX_DAYS + 1}) { date } } }`, { id: key.id });
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'days' } });
    expect(res.errors?.[0].message).toMatch(/days must be between 1 and 90/);
  });
});

describe('how many keys', () => {
  it(`a team holds at most ${MAX_API_KEYS_PER_TEAM} keys; apiKeys(first) takes 1 … ${MAX_API_KEYS_PER_TEAM}`, async () => {
    const res = await admin.gql(`mutation { createApiKey(input: { name: "one too many", permission: FULL_ACCESS }) { token } }`);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/at most 500 API keys/);
    expect((await sql(databaseUrl, `select 1 from api_key where name = 'one too many'`)).length).toBe(0);
    expect((await admin.gql(`{ apiKeys(first: 501) { id } }`)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect((await admin.gql(`{ apiKeys(first: 0) { id } }`)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
