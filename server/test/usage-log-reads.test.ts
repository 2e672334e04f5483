import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLogPage, type LogPosition, type UsageLogFilter } from '../src/modules/usage-log/usage-log.query.js';
import { rebuildRollups } from '../src/modules/usage-log/usage-rollup.js';
import { type GqlResult, sql, startTestServer, type TestServer } from './harness.js';
import { createKey, setUpTeam, type Team } from './rest-harness.js';

const DAY = 86_400_000;
const ROWS = 1500;
let server: TestServer;
let acme: Team;
let other: Team;
let keys: string[];

type Log = { id: string; api_key_id: string; method: string; endpoint: string; status_code: number; created_at: Date };
let all: Log[];

const ENDPOINTS = ['/emails', '/emails/batch', '/emails/abc', '/emailsx', '/domains', '/domains/d1', '/graphql ApiKeys', '/graphql', '/api-keys/k1'];
const METHODS = ['GET', 'POST', 'DELETE', 'PATCH'];
const CODES = [200, 201, 401, 404, 422, 429, 500, 503];

/** What a filter must return: the raw logs filtered here, newest first. */
function expected(f: UsageLogFilter): string[] {
  const match = (l: Log) =>
    (!f.apiKeyId || l.api_key_id === f.apiKeyId) &&
    (f.statusCode == null || l.status_code === f.statusCode) &&
    (f.statusClass == null || Math.floor(l.status_code / 100) === f.statusClass) &&
    (!f.method || l.method === f.method) &&
    (!f.endpoint || l.endpoint === f.endpoint || l.endpoint.startsWith(`${f.endpoint}/`) || l.endpoint.startsWith(`${f.endpoint} `)) &&
    (!f.from || l.created_at >= f.from) &&
    (!f.to || l.created_at <= f.to);
  return all.filter(match).map((l) => l.id);
}

const QUERY = `query($filter: UsageLogFilter, $first: Int, $after: String) {
  usageLogs(filter: $filter, first: $first, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } searchedUntil }
}`;

/** Every page of usageLogs, following endCursor to the end. */
async function pageThrough(filter: Record<string, unknown>, first = 40): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 200; i++) {
    const res: GqlResult<Record<string, any>> = await acme.admin.gql(QUERY, { filter, first, after });
    expect(res.errors, JSON.stringify(filter)).toBeUndefined();
    const c: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } = res.data!.usageLogs;
    ids.push(...c.edges.map((e: { node: { id: string } }) => e.node.id));
    if (!c.pageInfo.hasNextPage) return ids;
    after = c.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  other = await setUpTeam(server, 'Other');
  const third = await createKey(acme.admin, { name: 'Third', permission: 'FULL_ACCESS' });
  keys = [acme.full.id, acme.sending.id, third.id];
  // Spread over ten days, some at the very same instant (ties are broken by id).
  await sql(
    server.databaseUrl,
    `insert into usage_log (id, team_id, api_key_id, method, endpoint, status_code, duration_ms, created_at)
     select gen_random_uuid(), $1, ($2::uuid[])[1 + (i * 7) % 3], ($3::text[])[1 + (i * 5) % 4], ($4::text[])[1 + (i * 11) % 9],
            ($5::int[])[1 + (i * 13) % 8], 1, now() - (i / 3) * interval '9 minutes 37 seconds'
       from generate_series(1, $6::int) as i`,
    [acme.teamId, keys, METHODS, ENDPOINTS, CODES, ROWS],
  );
  // The other team's logs, at the same times: never in Acme's lists.
  await sql(
    server.databaseUrl,
    `insert into usage_log (id, team_id, api_key_id, method, endpoint, status_code, duration_ms, created_at)
     select gen_random_uuid(), $1, $2, 'POST', '/emails', 500, 1, now() - i * interval '17 minutes' from generate_series(1, 300) as i`,
    [other.teamId, other.full.id],
  );
  // Written behind the recorder's back, as a backfill: rollups rebuilt as after one.
  await rebuildRollups(server.app.services.pool);
  all = await sql<Log>(
    server.databaseUrl,
    'select id, api_key_id, method, endpoint, status_code, created_at from usage_log where team_id = $1 order by created_at desc, id desc',
    [acme.teamId],
  );
}, 60_000);
afterAll(() => server?.stop());

describe('the Logs page filters', () => {
  const now = Date.now();
  const FILTERS: Record<string, unknown>[] = [
    {},
    { apiKeyId: 'KEY1' },
    { statusCode: 422 },
    { statusClass: 5 },
    { method: 'DELETE' },
    { method: 'POST', endpoint: '/emails' },
    { endpoint: '/emails' },
    { endpoint: '/graphql' },
    { endpoint: '/domains/d1' },
    { apiKeyId: 'KEY2', statusClass: 4 },
    { apiKeyId: 'KEY0', statusCode: 503, method: 'GET' },
    { statusClass: 2, endpoint: '/api-keys' },
    { method: 'PATCH', endpoint: '/emails', from: new Date(now - 4 * DAY).toISOString(), to: new Date(now - 2 * DAY).toISOString() },
    { from: new Date(now - 1 * DAY).toISOString() },
    { apiKeyId: 'KEY0', to: new Date(now - 5 * DAY).toISOString() },
  ];
  for (const template of FILTERS) {
    it(`return exactly the matching logs, newest first, paged without loss or repeat: ${JSON.stringify(template)}`, async () => {
      const filter = JSON.parse(JSON.stringify(template).replace(/KEY(\d)/g, (_, n) => keys[Number(n)]));
      const want = expected({ ...filter, from: filter.from && new Date(filter.from), to: filter.to && new Date(filter.to) });
      expect(await pageThrough(filter)).toEqual(want);
    });
  }

  it('a search no index serves, with small windows: stops at its budget, says how far it got, and goes on from there', async () => {
    const pool = server.app.services.pool;
    const filter: UsageLogFilter = { apiKeyId: keys[1], statusCode: 503 };
    const want = expected(filter);
    expect(want.length).toBeGreaterThan(0);
    const got: string[] = [];
    let after: LogPosition | null = null;
    let stops = 0;
    for (let i = 0; i < 100; i++) {
      const page = await findLogPage(pool, acme.teamId, filter, { limit: 10, after, bounded: true, windows: [20, 40] });
      got.push(...page.rows.map((r) => r.id));
      if (page.searchedUntil) {
        stops++;
        // Nothing newer than where it stopped was left out.
        expect(page.next && new Date(page.next.at)).toEqual(page.searchedUntil);
        expect(page.rows.length).toBeLessThan(10);
      }
      if (!page.hasMore) break;
      after = page.next;
    }
    expect(stops).toBeGreaterThan(5);
    expect(got).toEqual(want);
  });

  it('the same search, unbounded, reads on until its page is full', async () => {
    const filter: UsageLogFilter = { apiKeyId: keys[1], statusCode: 503 };
    const page = await findLogPage(server.app.services.pool, acme.teamId, filter, { limit: 10, bounded: false });
    expect(page.searchedUntil).toBeNull();
    expect(page.rows.map((r) => r.id)).toEqual(expected(filter).slice(0, 10));
  });

  it('refuses bad filters naming them, as before', async () => {
    for (const [filter, field] of [
      [{ statusCode: 99 }, 'statusCode'],
      [{ statusClass: 7 }, 'statusClass'],
      [{ method: 'FETCH' }, 'method'], // no method Node parses (TRACE is one, and a filter since 84cd2d6)
      [{ endpoint: 'emails' }, 'endpoint'],
      [{ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from'],
    ] as const) {
      const res = await acme.admin.gql(QUERY, { filter });
      expect(res.errors?.[0].extensions, JSON.stringify(filter)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});

describe('usageLogRetention', () => {
  it('says how many days logs are kept and from which day the team’s oldest one is', async () => {
    const res = await acme.admin.gql('{ usageLogRetention { days oldestAt oldestLogAt } }');
    expect(res.errors).toBeUndefined();
    // oldestAt: its UTC day; oldestLogAt: the log's own time, for a reader in any time zone.
    expect(res.data!.usageLogRetention).toEqual({
      days: 30,
      oldestAt: `${all.at(-1)!.created_at.toISOString().slice(0, 10)}T00:00:00.000Z`,
      oldestLogAt: all.at(-1)!.created_at.toISOString(),
    });
  });
});

describe('LOGS exports', () => {
  it('read the days one after another, newest first, with the rows no day partition holds, under one header', async () => {
    const team = await setUpTeam(server, 'Spread');
    // Today, three days ago, beyond the partitions on both sides (the default partition).
    await sql(
      server.databaseUrl,
      `insert into usage_log (id, team_id, api_key_id, method, endpoint, status_code, duration_ms, created_at, user_agent)
       select gen_random_uuid(), $1, $2, 'POST', '/emails', 200, 1, t, 'at ' || t::text
         from unnest(array[now() + interval '400 days', now() - interval '1 minute', now() - interval '3 days', now() - interval '3 days 2 hours', now() - interval '500 days']) as t`,
      [team.teamId, team.full.id],
    );
    const res = await team.admin.gql(`mutation { createExport(input: { resource: LOGS }) { id status downloadUrl } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.createExport.status).toBe('READY');
    const file = await fetch(res.data!.createExport.downloadUrl.replace(server.config.PUBLIC_URL, server.url), { headers: { cookie: team.admin.cookie! } });
    const lines = (await file.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^id,created_at,/);
    expect(lines.filter((l) => l.startsWith('id,'))).toHaveLength(1);
    const times = lines.slice(1).map((l) => Date.parse(l.split(',')[1]));
    expect(times).toHaveLength(5);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});
