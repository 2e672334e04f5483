import type { ListLogsResponseSuccess } from 'resend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, count, createKey, itRefusesQueries, MISSING_ID, type RefusedQuery, sdk, setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let acme: Team;
let other: Team;
let key: { token: string; id: string };
let createdToken: string;

const KEY_USAGE = `query($id: ID!) { apiKey(id: $id) { requestCount lastUsedAt usageStatus } }`;
const SDK_AGENT = 'resend-node:6.38.0';
type LogItem = ListLogsResponseSuccess['data'][number] & { api_key_id: string };

// What the key below does, oldest first: [method, endpoint, status].
const EXPECTED: [string, string, number][] = [
  ['GET', '/domains', 200],
  ['POST', '/contacts', 200],
  ['POST', '/contacts', 422],
  ['GET', `/contacts/${MISSING_ID}`, 404],
  ['POST', '/api-keys', 200],
  ['GET', '/unknown', 404],
  ['PUT', '/domains', 405],
];

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  other = await setUpTeam(server, 'Other');
  key = await createKey(acme.admin, { name: 'Logged', permission: 'FULL_ACCESS' });

  // Sequential, so that the logs' order is the order of the requests.
  const resend = sdk(server, key.token);
  expect((await resend.domains.list()).error).toBeNull();
  expect((await resend.contacts.create({ email: 'ada@example.com', firstName: 'Ada' })).error).toBeNull();
  expect((await resend.contacts.create({ email: 'not an email' })).error?.statusCode).toBe(422);
  expect((await resend.contacts.get(MISSING_ID)).error?.statusCode).toBe(404);
  const created = await resend.apiKeys.create({ name: 'Made by a key' });
  createdToken = created.data!.token;
  expect((await api(server, '/unknown', { token: key.token, headers: { 'user-agent': 'curl/8.0' } })).status).toBe(404);
  expect((await api(server, '/domains', { method: 'PUT', token: key.token, body: '{}' })).status).toBe(405);
  // The other team's key makes one request too.
  expect((await sdk(server, other.full.token).domains.list()).error).toBeNull();
  await server.app.services.usageRecorder.flush();
});
afterAll(() => server?.stop());

describe('usage of a key', () => {
  it('counts every request, refused ones included, and marks the key ACTIVE', async () => {
    const res = await acme.admin.gql(KEY_USAGE, { id: key.id });
    expect(res.errors).toBeUndefined();
    expect(res.data!.apiKey).toEqual({ requestCount: EXPECTED.length, lastUsedAt: expect.any(String), usageStatus: 'ACTIVE' });
    expect(Date.now() - Date.parse(res.data!.apiKey.lastUsedAt)).toBeLessThan(60_000);
  });

  it('logs no request without a valid key', async () => {
    const before = await count(server, 'usage_log');
    await api(server, '/domains');
    await api(server, '/domains', { token: 're_notatoken' });
    await server.app.services.usageRecorder.flush();
    expect(await count(server, 'usage_log')).toBe(before);
  });
});

describe('GET /logs', () => {
  it("lists the team's request logs, newest first, with their statuses", async () => {
    const { data, error } = await sdk(server, acme.full.token).logs.list();
    expect(error).toBeNull();
    expect(data!.object).toBe('list');
    expect(data!.has_more).toBe(false);
    expect(data!.data).toHaveLength(EXPECTED.length);
    expect(data!.data.map((l) => [l.method, l.endpoint, l.response_status])).toEqual([...EXPECTED].reverse());
    for (const log of data!.data) {
      expect(log).toEqual({
        id: expect.any(String),
        created_at: expect.stringMatching(/Z$/),
        endpoint: expect.any(String),
        method: expect.any(String),
        response_status: expect.any(Number),
        user_agent: log.endpoint === '/unknown' ? 'curl/8.0' : log.method === 'PUT' ? expect.any(String) : SDK_AGENT,
        api_key_id: key.id,
      });
    }
  });

  it('pages with limit, after and before', async () => {
    const resend = sdk(server, acme.full.token);
    // Newer logs (these very reads) may land at the top at any time: anchor on the key's older ones.
    // api_key_id is ours: Resend's list type does not name it.
    const all = (await resend.logs.list({ limit: 100 })).data!.data as LogItem[];
    const mine = all.filter((l) => l.api_key_id === key.id).map((l) => l.id);
    expect(mine).toHaveLength(EXPECTED.length);
    expect(all.slice(-EXPECTED.length).map((l) => l.id)).toEqual(mine);
    const page1 = (await resend.logs.list({ limit: 3, after: mine[0] })).data!;
    expect(page1.data.map((l) => l.id)).toEqual(mine.slice(1, 4));
    expect(page1.has_more).toBe(true);
    const page2 = (await resend.logs.list({ limit: 3, after: mine[3] })).data!;
    expect(page2.data.map((l) => l.id)).toEqual(mine.slice(4, 7));
    expect(page2.has_more).toBe(false);
    const back = (await resend.logs.list({ limit: 2, before: mine[3] })).data!;
    expect(back.data.map((l) => l.id)).toEqual(mine.slice(1, 3));
    expect(back.has_more).toBe(true);
    expect((await resend.logs.list({ limit: 1 })).data!.has_more).toBe(true);
  });
});

describe('GET /logs/:id', () => {
  it('shows the request and response bodies', async () => {
    const resend = sdk(server, acme.full.token);
    const list = (await resend.logs.list()).data!.data;
    const refused = list.find((l) => l.method === 'POST' && l.response_status === 422)!;
    const { data, error } = await resend.logs.get(refused.id);
    expect(error).toBeNull();
    expect(data).toEqual({
      object: 'log',
      ...refused,
      duration_ms: expect.any(Number),
      request_body: { email: 'not an email' },
      response_body: { statusCode: 422, name: 'validation_error', message: 'Enter a valid email address.' },
    });
    const get = list.find((l) => l.method === 'GET' && l.endpoint === '/domains')!;
    expect((await resend.logs.get(get.id)).data).toMatchObject({ request_body: null, response_body: { object: 'list' } });
  });

  it('redacts the token of a key created through the API', async () => {
    const resend = sdk(server, acme.full.token);
    const list = (await resend.logs.list()).data!.data;
    const created = list.find((l) => l.endpoint === '/api-keys')!;
    const { data } = await resend.logs.get(created.id);
    expect(data!.response_body).toEqual({ id: expect.any(String), token: '[redacted]' });
  });

  it('no log row contains a token', async () => {
    for (const token of [key.token, createdToken, acme.full.token]) {
      expect(await count(server, 'usage_log', `position($1 in usage_log::text) > 0`, [token.slice(3)])).toBe(0);
    }
    expect(await count(server, 'usage_log')).toBeGreaterThan(EXPECTED.length);
  });

  it("answers another team's log exactly like a missing one", async () => {
    const [theirs] = await sql<{ id: string }>(server.databaseUrl, 'select id from usage_log where team_id = $1 limit 1', [other.teamId]);
    expect(theirs).toBeDefined();
    const resend = sdk(server, acme.full.token);
    const expected = { statusCode: 404, name: 'not_found', message: 'Log not found.' };
    expect((await resend.logs.get(theirs.id)).error).toEqual(expected);
    expect((await resend.logs.get(MISSING_ID)).error).toEqual(expected);
    expect((await resend.logs.get('log_1')).error).toEqual(expected);
    const list = (await resend.logs.list({ limit: 100 })).data!.data;
    expect(list.map((l) => l.id)).not.toContain(theirs.id);
  });
});

describe('GET /logs filters', () => {
  type Listed = { status: number; body: { object: string; has_more: boolean; data: LogItem[] } };
  const list = async (query: string, token = acme.full.token) => (await api(server, `/logs?${query}`, { token })) as Listed;
  const statuses = (res: Listed) => res.body.data.map((l) => l.response_status);
  // The statuses of the key's requests, newest first, that a filter keeps.
  const byStatus = (keep: (status: number) => boolean) =>
    [...EXPECTED]
      .reverse()
      .map(([, , s]) => s)
      .filter(keep);

  it('narrows to one API key', async () => {
    const res = await list(`api_key_id=${key.id}&limit=100`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((l) => [l.method, l.endpoint, l.response_status])).toEqual([...EXPECTED].reverse());
    expect(res.body.data.every((l) => l.api_key_id === key.id)).toBe(true);
  });

  it('narrows to a status class or an exact status code', async () => {
    expect(statuses(await list(`api_key_id=${key.id}&status=4xx`))).toEqual(byStatus((s) => s >= 400 && s < 500));
    expect(statuses(await list(`api_key_id=${key.id}&status=2xx`))).toEqual(byStatus((s) => s < 300));
    expect(statuses(await list(`api_key_id=${key.id}&status=5xx`))).toEqual([]);
    expect(statuses(await list(`api_key_id=${key.id}&status_code=404`))).toEqual([404, 404]);
    // The Logs page's `status` takes a code too.
    expect(statuses(await list(`api_key_id=${key.id}&status=422`))).toEqual([422]);
  });

  it('narrows to a date range, by instant or by day', async () => {
    const mine = (await list(`api_key_id=${key.id}&limit=100`)).body.data;
    const [newest, oldest] = [mine[0].created_at, mine[mine.length - 1].created_at];
    const inRange = (from: string, to: string) => mine.filter((l) => l.created_at >= from && l.created_at <= to).map((l) => l.id);
    const ids = async (query: string) => (await list(`api_key_id=${key.id}&limit=100&${query}`)).body.data.map((l) => l.id);
    const [from, to] = [mine[5].created_at, mine[1].created_at];
    expect(await ids(`from=${from}&to=${to}`)).toEqual(inRange(from, to));
    expect(await ids(`from=${from}`)).toEqual(inRange(from, newest));
    expect(await ids(`to=${encodeURIComponent(to.replace('Z', '+00:00'))}`)).toEqual(inRange(oldest, to));
    // A day is taken in UTC, whole: `to` includes every request of its day.
    expect(await ids(`from=${oldest.slice(0, 10)}&to=${newest.slice(0, 10)}`)).toHaveLength(EXPECTED.length);
    expect(await ids('to=2000-01-01')).toEqual([]);
    expect(await ids('from=2999-01-01T00:00:00Z')).toEqual([]);
  });

  it('combines filters with paging', async () => {
    const fours = byStatus((s) => s >= 400 && s < 500);
    const page1 = await list(`api_key_id=${key.id}&status=4xx&limit=2`);
    expect(statuses(page1)).toEqual(fours.slice(0, 2));
    expect(page1.body.has_more).toBe(true);
    const page2 = await list(`api_key_id=${key.id}&status=4xx&limit=2&after=${page1.body.data[1].id}`);
    expect(statuses(page2)).toEqual(fours.slice(2, 4));
    expect(page2.body.has_more).toBe(false);
    // Any of the team's logs is a cursor, matching or not (a search that stopped answers one): the
    // 4xx logs older than the newest 2xx (POST /api-keys).
    const ok = (await list(`api_key_id=${key.id}&status=2xx&limit=1`)).body.data[0];
    const res = await list(`api_key_id=${key.id}&status=4xx&after=${ok.id}`);
    expect(res.status).toBe(200);
    expect(statuses(res)).toEqual(fours.slice(2));
  });

  it('narrows to a method, and to an endpoint with everything under it', async () => {
    const calls = async (query: string) => (await list(`api_key_id=${key.id}&${query}`)).body.data.map((l) => `${l.method} ${l.endpoint} ${l.response_status}`);
    const expected = (keep: (method: string, endpoint: string) => boolean) =>
      [...EXPECTED]
        .reverse()
        .filter(([m, e]) => keep(m, e))
        .map(([m, e, st]) => `${m} ${e} ${st}`);
    expect(await calls('method=POST')).toEqual(expected((m) => m === 'POST'));
    expect(await calls('endpoint=/contacts')).toEqual(expected((_, e) => e === '/contacts' || e.startsWith('/contacts/')));
    expect(await calls('endpoint=/contacts/')).toEqual(expected((_, e) => e === '/contacts' || e.startsWith('/contacts/')));
    expect(await calls('endpoint=/contacts&method=GET')).toEqual([`GET /contacts/${MISSING_ID} 404`]);
    expect(await calls('endpoint=/domains&status=4xx')).toEqual(['PUT /domains 405']);
    // A path segment matches whole: /dom is not /domains; wildcards are literal.
    expect(await calls('endpoint=/dom')).toEqual([]);
    expect(await calls('endpoint=/%25')).toEqual([]);
    // The same filter in GraphQL, and in an export of these logs.
    const gql = await acme.admin.gql(`query($f: UsageLogFilter) { usageLogs(filter: $f, first: 100) { edges { node { method endpoint } } } }`, {
      f: { apiKeyId: key.id, method: 'POST', endpoint: '/contacts' },
    });
    expect(gql.data!.usageLogs.edges.map((e: { node: { method: string; endpoint: string } }) => `${e.node.method} ${e.node.endpoint}`)).toEqual([
      'POST /contacts',
      'POST /contacts',
    ]);
    const exported = await acme.admin.gql(`mutation($input: CreateExportInput!) { createExport(input: $input) { rowCount } }`, {
      input: { resource: 'LOGS', filters: { apiKeyId: key.id, endpoint: '/contacts' } },
    });
    expect(exported.data!.createExport.rowCount).toBe(3);
    const refusedExport = await acme.admin.gql(`mutation($input: CreateExportInput!) { createExport(input: $input) { id } }`, {
      input: { resource: 'LOGS', filters: { method: 'FETCH' } },
    });
    expect(refusedExport.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filters.method' });
  });

  it('an endpoint of /graphql matches every GraphQL operation made with a key', async () => {
    const gqlKey = await createKey(acme.admin, { name: 'GraphQL user', permission: 'FULL_ACCESS' });
    for (const query of ['query Domains { domains { id } }', 'query Keys { apiKeys { id } }']) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gqlKey.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      expect(res.status).toBe(200);
    }
    await server.app.services.usageRecorder.flush();
    const logged = (await list(`api_key_id=${gqlKey.id}&endpoint=/graphql`)).body.data.map((l) => `${l.method} ${l.endpoint}`);
    expect(logged).toEqual(['POST /graphql Keys', 'POST /graphql Domains']);
  });

  it("matches nothing for another team's key or a missing key", async () => {
    for (const id of [other.full.id, MISSING_ID]) {
      const res = await list(`api_key_id=${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ object: 'list', has_more: false, data: [] });
    }
    // The other team's own view of its key is unaffected.
    expect((await list(`api_key_id=${other.full.id}`, other.full.token)).body.data.length).toBeGreaterThan(0);
  });

  const refused: RefusedQuery[] = [
    ['an api_key_id that is not a UUID', 'api_key_id=key_1', /`api_key_id` must be a valid UUID/],
    ['an empty api_key_id', 'api_key_id=', /`api_key_id` must be a single non-empty value/],
    ['a status_code that is not a number', 'status_code=abc', /`status_code` must be an HTTP status code/],
    ['a status_code out of range', 'status_code=700', /between 100 and 599/],
    ['a status that is neither a class nor a code', 'status=4x', /`status` must be a status class/],
    ['a status class out of range', 'status=6xx', /`status` must be a status class/],
    ['a status code given as status, out of range', 'status=099', /between 100 and 599/],
    ['both status and status_code', 'status=4xx&status_code=404', /either `status` or `status_code`/],
    ['a from that is not a date', 'from=yesterday', /`from` must be an ISO-8601 date/],
    ['a to that is not a real day', 'to=2026-02-30', /`to` must be an ISO-8601 date/],
    ['a date-time without its offset', 'from=2026-01-31T00:00:00', /`from` must be an ISO-8601 date/],
    ['a from given twice', 'from=2026-01-01&from=2026-01-02', /`from` must be a single non-empty value/],
    ['a reversed range', 'from=2026-02-01&to=2026-01-31', /`from` must be before `to`/],
    ['an unknown method', 'method=FETCH', /Method must be one of GET, POST, PATCH, PUT, DELETE/],
    ['a method in lower case', 'method=post', /Method must be one of/],
    ['an endpoint that is not a path', 'endpoint=contacts', /Endpoint must be a path like \/emails/],
  ];
  itRefusesQueries((query) => api(server, `/logs?${query}`, { token: acme.full.token }), refused);
});
