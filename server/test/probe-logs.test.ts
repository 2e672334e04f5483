import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildRollups } from '../src/modules/usage-log/usage-rollup.js';
import { type GqlResult, sql, startTestServer, type TestServer } from './harness.js';
import { api, setUpTeam, type Team } from './rest-harness.js';

// What a reviewer who never saw the other tests tried against the request logs' lists.

let server: TestServer;
let acme: Team;

const LIST = `query($f: UsageLogFilter, $n: Int, $a: String) {
  usageLogs(filter: $f, first: $n, after: $a) { edges { cursor node { id createdAt } } pageInfo { hasNextPage endCursor } searchedUntil }
}`;

const cursor = (text: string) => Buffer.from(text).toString('base64url');

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  await sql(
    server.databaseUrl,
    `insert into usage_log (id, team_id, api_key_id, method, endpoint, status_code, duration_ms, created_at)
     select gen_random_uuid(), $1, $2, 'POST', '/emails', case when i % 10 = 0 then 422 else 200 end, 1, now() - i * interval '7 minutes'
       from generate_series(1, 200) as i`,
    [acme.teamId, acme.full.id],
  );
  await rebuildRollups(server.app.services.pool);
}, 60_000);
afterAll(() => server?.stop());

describe('usageLogs(after:)', () => {
  it('refuses a cursor naming a day the calendar does not have (February 30th) as an invalid cursor, not an internal error', async () => {
    for (const at of ['2026-02-30T00:00:00Z', '2026-04-31T12:00:00.123456Z', '2026-01-01T24:00:00Z']) {
      const res = await acme.admin.gql(LIST, { n: 5, a: cursor(`${at}|00000000-0000-4000-8000-000000000000`) });
      expect(res.errors?.[0], at).toMatchObject({ message: 'Invalid cursor.', extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    }
    // A real one still pages on.
    const first = await acme.admin.gql(LIST, { n: 5 });
    const next = await acme.admin.gql(LIST, { n: 5, a: first.data!.usageLogs.pageInfo.endCursor });
    expect(next.errors).toBeUndefined();
    expect(next.data!.usageLogs.edges).toHaveLength(5);
  });
});

describe('GET /logs/:id and usageLog(id): the logged bodies', () => {
  /** Sends a body with the team's full-access key, and the log that request left. */
  async function logOf(body: Record<string, unknown>) {
    const sent = await api(server, '/domains', { method: 'POST', token: acme.full.token, body: JSON.stringify(body) });
    expect(sent.status).toBe(422);
    await server.app.services.usageRecorder.flush();
    const list = await api(server, '/logs?limit=1&endpoint=/domains&method=POST', { token: acme.full.token });
    const { id } = (list.body as { data: { id: string }[] }).data[0];
    const rest = await api(server, `/logs/${id}`, { token: acme.full.token });
    const graphql = await acme.admin.gql('query($id: ID!) { usageLog(id: $id) { requestBody } }', { id });
    expect(graphql.data!.usageLog.requestBody).toEqual((rest.body as { request_body: unknown }).request_body);
    return { id, requestBody: (rest.body as { request_body: Record<string, unknown> }).request_body };
  }

  it('redact a token sent as a field name, as they redact it in a value (the answer itself names it redacted)', async () => {
    const token = acme.sending.token;
    const { id, requestBody } = await logOf({ name: 'a.example.com', [token]: 1, tags: { [token]: 'v', [`Bearer ${token}`]: 'w' } });
    expect(JSON.stringify(requestBody)).not.toContain(token.slice(3));
    expect(requestBody).toMatchObject({ name: 'a.example.com', 're_[redacted]': 1 });
    expect(await sql(server.databaseUrl, 'select 1 from usage_log where id = $1 and position($2 in request_body::text) > 0', [id, token.slice(3)])).toEqual([]);
  });

  it('keep 100 fields of an object and say how many more there were, and cut a field name as long as an attachment', async () => {
    const many: Record<string, unknown> = { name: 'a.example.com' };
    // 9,000: a body of more than 10,000 fields is refused before it is read (rest/json-body.ts).
    for (let i = 0; i < 9_000; i++) many[`field${i}`] = i;
    const { requestBody } = await logOf(many);
    expect(Object.keys(requestBody)).toHaveLength(101);
    expect(requestBody['…']).toBe('[8901 more fields]');
    const long = 'word '.repeat(100_000);
    const cut = (await logOf({ name: 'a.example.com', [long]: 1 })).requestBody;
    const names = Object.keys(cut);
    expect(names).toHaveLength(2);
    expect(names[1]).toMatch(/^(word ){40}… \[500000 characters\]$/);
  });

  it('keep 200,000 characters of a body at most, the rest of its lists counted: 100 lists of 100 strings were kept whole', async () => {
    const line = `${'text '.repeat(18)}`;
    const lists = Array.from({ length: 100 }, () => Array.from({ length: 100 }, (_, i) => `${line}${i}`));
    const body = { name: 'a.example.com', lists };
    expect(JSON.stringify(body).length).toBeGreaterThan(900_000);
    const { requestBody } = await logOf(body);
    const size = JSON.stringify(requestBody).length;
    expect(size).toBeLessThan(210_000);
    expect(size).toBeGreaterThan(190_000);
    const kept = requestBody.lists as unknown[][];
    expect(kept[0]).toHaveLength(100);
    expect(kept[0][0]).toBe(`${line}0`);
    expect(kept.at(-1)).toMatch(/^… \[\d+ more\]$/);
  });
});

describe('usageLogs(filter:): every condition given holds', () => {
  const ids = async (f: Record<string, unknown>) => {
    const res = await acme.admin.gql(LIST, { f, n: 100 });
    expect(res.errors, JSON.stringify(f)).toBeUndefined();
    return (res.data!.usageLogs.edges as { node: { id: string } }[]).map((e) => e.node.id);
  };
  const truth = async (where: string) =>
    (
      await sql<{ id: string }>(server.databaseUrl, `select id from usage_log where team_id = $1 and ${where} order by created_at desc, id desc limit 100`, [
        acme.teamId,
      ])
    ).map((r) => r.id);

  it('a status code with a class, or two classes, or two methods, match what both match: nothing when they disagree', async () => {
    expect(await truth('status_code = 200')).toHaveLength(100);
    expect(await ids({ statusCode: 200, responseClass: 'CLIENT_ERROR' })).toEqual([]);
    expect(await ids({ statusCode: 200, statusClass: 4 })).toEqual([]);
    expect(await ids({ statusClass: 2, responseClass: 'CLIENT_ERROR' })).toEqual([]);
    expect(await ids({ method: 'GET', httpMethod: 'POST' })).toEqual([]);
    // And when they agree, what either alone matches.
    expect(await ids({ statusCode: 422, responseClass: 'CLIENT_ERROR' })).toEqual(await truth('status_code = 422'));
    expect(await ids({ statusClass: 4, responseClass: 'CLIENT_ERROR' })).toEqual(await truth('status_code between 400 and 499'));
    expect(await ids({ method: 'POST', httpMethod: 'POST' })).toEqual(await truth("method = 'POST'"));
  });
});

describe('usageLogs: a search no index serves, once retention has dropped old logs', () => {
  it('ends at the oldest day whose logs are kept, not after paging through every day the rollups still count', async () => {
    // A year of rollups whose logs retention dropped: 50,000 requests a day, before the first day kept.
    const [{ since }] = await sql<{ since: string }>(
      server.databaseUrl,
      `select to_char(min(created_at) at time zone 'UTC', 'YYYY-MM-DD') as since from usage_log where team_id = $1`,
      [acme.teamId],
    );
    await sql(
      server.databaseUrl,
      `insert into usage_rollup (team_id, api_key_id, day, requests, status_2xx, last_used_at)
       select $1, $2, d::date, 50000, 50000, d from generate_series($3::date - 365, $3::date - 1, interval '1 day') as d`,
      [acme.teamId, acme.full.id, since],
    );
    await sql(server.databaseUrl, 'update usage_log_retention set logs_since = $1::date', [since]);
    try {
      // A key and a status together (no index serves both), matching none of the kept logs.
      const f = { apiKeyId: acme.full.id, statusCode: 503 };
      let after: string | null = null;
      let requests = 0;
      for (; requests < 200; ) {
        const res: GqlResult<Record<string, any>> = await acme.admin.gql(LIST, { f, n: 50, a: after });
        requests++;
        expect(res.errors).toBeUndefined();
        const c: { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string }; searchedUntil: string | null } = res.data!.usageLogs;
        expect(c.edges).toEqual([]);
        if (c.searchedUntil) expect(Date.parse(c.searchedUntil)).toBeGreaterThanOrEqual(Date.parse(`${since}T00:00:00Z`));
        if (!c.pageInfo.hasNextPage) break;
        after = c.pageInfo.endCursor;
      }
      expect(requests).toBe(1);
    } finally {
      await sql(server.databaseUrl, `update usage_log_retention set logs_since = '-infinity'`);
    }
  });
});

describe('usageLogs: the bodies of the logs of a page', () => {
  it('are the ones usageLog(id) shows, not null (a list read its logs without them)', async () => {
    await api(server, '/domains', { method: 'POST', token: acme.full.token, body: JSON.stringify({ name: 'not a domain' }) });
    await api(server, '/domains', { method: 'GET', token: acme.full.token });
    await server.app.services.usageRecorder.flush();
    const list = await acme.admin.gql(`{ usageLogs(first: 20, filter: { endpoint: "/domains" }) { edges { node { id requestBody responseBody } } } }`);
    expect(list.errors).toBeUndefined();
    const nodes: { id: string; requestBody: unknown; responseBody: unknown }[] = list.data!.usageLogs.edges.map((e: { node: unknown }) => e.node);
    expect(nodes.length).toBeGreaterThanOrEqual(2);
    for (const node of nodes) {
      const one = await acme.admin.gql('query($id: ID!) { usageLog(id: $id) { id requestBody responseBody } }', { id: node.id });
      expect(node).toEqual(one.data!.usageLog);
    }
    expect(nodes.some((n) => n.responseBody !== null && n.requestBody !== null)).toBe(true);
    // A member of another team reads none of them through its own list.
    const other = await setUpTeam(server, 'Other');
    const theirs = await other.admin.gql(`{ usageLogs(first: 100) { edges { node { id requestBody } } } }`);
    expect(JSON.stringify(theirs.data)).not.toContain('not a domain');
  });
});

describe('the endpoint filter /', () => {
  it('is every path, as /emails is everything under /emails: GET /logs and usageLogs list what they list without it', async () => {
    // Up to now: the requests below are logged too.
    await server.app.services.usageRecorder.flush();
    const to = encodeURIComponent(new Date().toISOString());
    const all = await api(server, `/logs?limit=30&to=${to}`, { token: acme.full.token });
    const root = await api(server, `/logs?limit=30&to=${to}&endpoint=${encodeURIComponent('/')}`, { token: acme.full.token });
    const ids = (r: { body: unknown }) => (r.body as { data: { id: string }[] }).data.map((l) => l.id);
    expect(root.status).toBe(200);
    expect(ids(root)).toHaveLength(30);
    expect(ids(root)).toEqual(ids(all));
    const list = await acme.admin.gql(LIST, { f: { endpoint: '/', to: decodeURIComponent(to) }, n: 20 });
    const plain = await acme.admin.gql(LIST, { f: { to: decodeURIComponent(to) }, n: 20 });
    expect(list.data!.usageLogs.edges).toEqual(plain.data!.usageLogs.edges);
  });
});
