import type { ListLogsResponseSuccess } from 'resend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, count, createKey, MISSING_ID, sdk, setUpTeam, type Team } from './rest-harness.js';

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
