import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, signUpAdmin, sql, startTestServer, type TestClient, type TestServer } from './harness.js';

const FIELDS = 'id name enabled tokenStart previousTokenStart previousTokenExpiresAt recentRequests recentErrorRate';
const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { ${FIELDS} } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $input) { ${FIELDS} } }`;
const ROLL = `mutation($id: ID!, $input: RollApiKeyInput!) { rollApiKey(id: $id, input: $input) { token apiKey { ${FIELDS} } } }`;
// `expirePreviousToken` is the contract's name; `expirePreviousApiKeyToken`, the name it had first, stays (deprecated).
const EXPIRE = `mutation($id: ID!) { expirePreviousToken(id: $id) { ${FIELDS} } }`;
const EXPIRE_AS_FIRST_NAMED = `mutation($id: ID!) { expirePreviousApiKeyToken(id: $id) { ${FIELDS} } }`;
const GET = `query($id: ID!) { apiKey(id: $id) { ${FIELDS} } }`;
const LIST = `query($filter: ApiKeyFilter) { apiKeys(filter: $filter) { id enabled } apiKeyHealth { total disabled } }`;

let server: TestServer;
let admin: TestClient;
let other: TestClient;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const rest = (token: string, path = '/api-keys'): Promise<{ status: number; body: { message?: string } }> =>
  fetch(`${server.url}/api${path}`, { headers: bearer(token) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { message?: string } }));
const audit = async (id: string) =>
  (await sql<{ action: string }>(server.databaseUrl, 'select action from audit_event where target_id = $1 order by created_at, id', [id])).map((r) => r.action);

async function createKey(name: string) {
  const res = await admin.gql(CREATE, { input: { name, permission: 'FULL_ACCESS' } });
  expect(res.errors).toBeUndefined();
  return res.data!.createApiKey as { token: string; apiKey: { id: string; tokenStart: string } };
}

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  admin = (await signUpAdmin(server, 'Acme')).client;
  other = (await signUpAdmin(server, 'Other')).client;
});
afterAll(() => server?.stop());

describe('disabling a key', () => {
  it('refuses its token on REST and GraphQL with its own message until it is enabled again, audited', async () => {
    const { token, apiKey } = await createKey('Paused');
    expect((await rest(token)).status).toBe(200);

    const disabled = await admin.gql(UPDATE, { id: apiKey.id, input: { enabled: false } });
    expect(disabled.errors).toBeUndefined();
    expect(disabled.data!.updateApiKey).toMatchObject({ enabled: false, name: 'Paused' });

    expect(await rest(token)).toEqual({ status: 403, body: { statusCode: 403, name: 'invalid_api_key', message: 'This API key is disabled.' } });
    const gql = await createClient(server.url).gql(LIST, {}, bearer(token));
    expect(gql.errors?.[0]).toMatchObject({ message: 'This API key is disabled.', extensions: { code: 'UNAUTHENTICATED' } });

    const health = await admin.gql(LIST, { filter: { enabled: false } });
    expect(health.data!.apiKeys).toEqual([{ id: apiKey.id, enabled: false }]);
    expect(health.data!.apiKeyHealth.disabled).toBe(1);

    // Its refused requests are logged and counted: who still calls a disabled key is why one disables it.
    await server.app.services.usageRecorder.flush();
    const logged = await sql<{ status_code: number; endpoint: string }>(
      server.databaseUrl,
      'select status_code, endpoint from usage_log where api_key_id = $1 order by created_at',
      [apiKey.id],
    );
    expect(logged.map((l) => l.status_code)).toEqual([200, 403, 401]);
    expect(logged[1].endpoint).toBe('/api-keys');
    const [{ request_count }] = await sql<{ request_count: number }>(server.databaseUrl, 'select request_count from api_key where id = $1', [apiKey.id]);
    expect(request_count).toBe(3);

    expect((await admin.gql(UPDATE, { id: apiKey.id, input: { enabled: true } })).errors).toBeUndefined();
    expect((await rest(token)).status).toBe(200);
    expect(await audit(apiKey.id)).toEqual(['api_key.created', 'api_key.disabled', 'api_key.enabled']);
    expect((await admin.gql(LIST)).data!.apiKeyHealth.disabled).toBe(0);
  });

  it('a wrong token of a disabled key is still just invalid; another team cannot disable it', async () => {
    const { token, apiKey } = await createKey('Guarded');
    const res = await other.gql(UPDATE, { id: apiKey.id, input: { enabled: false } });
    expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await admin.gql(GET, { id: apiKey.id })).data!.apiKey.enabled).toBe(true);
    expect(await audit(apiKey.id)).toEqual(['api_key.created']);
    await admin.gql(UPDATE, { id: apiKey.id, input: { enabled: false } });
    const wrong = `${token.slice(0, -4)}abcd`;
    expect((await rest(wrong)).body.message).toBe('API key is invalid.');
  });
});

describe('changing the expiry of a key', () => {
  const EXPIRY = `mutation($id: ID!, $input: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $input) { id expiresAt } }`;

  it('sets, keeps (omitted) and removes (null) the expiry, audited', async () => {
    const { token, apiKey } = await createKey('Expiring');
    const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const set = await admin.gql(EXPIRY, { id: apiKey.id, input: { expiresAt: inTenDays } });
    expect(set.data!.updateApiKey.expiresAt).toBe(inTenDays);
    const kept = await admin.gql(EXPIRY, { id: apiKey.id, input: { name: 'Expiring later' } });
    expect(kept.data!.updateApiKey.expiresAt).toBe(inTenDays);
    const removed = await admin.gql(EXPIRY, { id: apiKey.id, input: { expiresAt: null } });
    expect(removed.data!.updateApiKey.expiresAt).toBeNull();
    expect((await rest(token)).status).toBe(200);
    const [first] = await sql<{ metadata: { expiresAt: unknown } }>(
      server.databaseUrl,
      `select metadata from audit_event where target_id = $1 and action = 'api_key.updated' order by created_at, id limit 1`,
      [apiKey.id],
    );
    expect(first.metadata.expiresAt).toEqual({ from: null, to: inTenDays });
  });

  it('refuses an expiry in the past beside its field, changing nothing', async () => {
    const { apiKey } = await createKey('Not expired');
    const res = await admin.gql(EXPIRY, { id: apiKey.id, input: { name: 'Renamed', expiresAt: new Date(Date.now() - 60_000).toISOString() } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expiresAt' });
    expect((await admin.gql(GET, { id: apiKey.id })).data!.apiKey.name).toBe('Not expired');
  });
});

describe("a rolled key's previous token", () => {
  it('is shown with its expiry while it works, and Expire now ends it at once, audited', async () => {
    const { token: oldToken, apiKey } = await createKey('Rolled');
    const rolled = await admin.gql(ROLL, { id: apiKey.id, input: { gracePeriodSeconds: 3600 } });
    const key = rolled.data!.rollApiKey.apiKey;
    expect(key.previousTokenStart).toBe(apiKey.tokenStart);
    const expiresIn = Date.parse(key.previousTokenExpiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(3500_000);
    expect(expiresIn).toBeLessThanOrEqual(3600_000);
    expect((await rest(oldToken)).status).toBe(200);

    const expired = await admin.gql(EXPIRE, { id: apiKey.id });
    expect(expired.errors).toBeUndefined();
    expect(expired.data!.expirePreviousToken).toMatchObject({ previousTokenStart: null, previousTokenExpiresAt: null });
    expect((await rest(oldToken)).status).toBe(403);
    expect((await rest(rolled.data!.rollApiKey.token)).status).toBe(200);
    expect(await audit(apiKey.id)).toEqual(['api_key.created', 'api_key.rolled', 'api_key.previous_token_expired']);

    // Again: nothing left to expire, nothing changes or is audited.
    expect((await admin.gql(EXPIRE, { id: apiKey.id })).errors).toBeUndefined();
    expect(await audit(apiKey.id)).toHaveLength(3);
  });

  it('a roll without grace leaves no previous token; another team gets NOT_FOUND', async () => {
    const { apiKey } = await createKey('Rolled at once');
    const rolled = await admin.gql(ROLL, { id: apiKey.id, input: { gracePeriodSeconds: 0 } });
    expect(rolled.data!.rollApiKey.apiKey).toMatchObject({ previousTokenStart: null, previousTokenExpiresAt: null });
    const { apiKey: graced } = await createKey('Graced');
    await admin.gql(ROLL, { id: graced.id, input: { gracePeriodSeconds: 600 } });
    expect((await other.gql(EXPIRE, { id: graced.id })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await admin.gql(GET, { id: graced.id })).data!.apiKey.previousTokenStart).toBe(graced.tokenStart);
  });

  it('rolled again while in its grace period, stops at once, and the audit event says which token ended and when it would have', async () => {
    const { token: first, apiKey } = await createKey('Rolled twice');
    const once = await admin.gql(ROLL, { id: apiKey.id, input: { gracePeriodSeconds: 3600 } });
    const firstUntil = once.data!.rollApiKey.apiKey.previousTokenExpiresAt as string;
    const twice = await admin.gql(ROLL, { id: apiKey.id, input: { gracePeriodSeconds: 3600 } });
    expect(twice.errors).toBeUndefined();
    expect(twice.data!.rollApiKey.apiKey.previousTokenStart).toBe(once.data!.rollApiKey.apiKey.tokenStart);
    expect((await rest(first)).status).toBe(403);
    expect((await rest(once.data!.rollApiKey.token)).status).toBe(200);
    expect((await rest(twice.data!.rollApiKey.token)).status).toBe(200);
    const events = await sql<{ metadata: Record<string, unknown> }>(
      server.databaseUrl,
      `select metadata from audit_event where target_id = $1 and action = 'api_key.rolled' order by created_at, id`,
      [apiKey.id],
    );
    expect(events.map((e) => e.metadata)).toEqual([
      { gracePeriodSeconds: 3600 },
      { gracePeriodSeconds: 3600, previousTokenEnded: { tokenStart: apiKey.tokenStart, wasValidUntil: firstUntil } },
    ]);
  });

  it('is ended under the name it had first as well (deprecated, the same rules)', async () => {
    const { token: oldToken, apiKey } = await createKey('Rolled, first name');
    await admin.gql(ROLL, { id: apiKey.id, input: { gracePeriodSeconds: 600 } });
    expect((await other.gql(EXPIRE_AS_FIRST_NAMED, { id: apiKey.id })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await rest(oldToken)).status).toBe(200);
    const expired = await admin.gql(EXPIRE_AS_FIRST_NAMED, { id: apiKey.id });
    expect(expired.data!.expirePreviousApiKeyToken).toMatchObject({ previousTokenStart: null, previousTokenExpiresAt: null });
    expect((await rest(oldToken)).status).toBe(403);
  });
});

describe('recent usage of a key', () => {
  it('counts the last 7 days of requests, today last, and the share that failed', async () => {
    const { token, apiKey } = await createKey('Busy');
    const fresh = (await admin.gql(GET, { id: apiKey.id })).data!.apiKey;
    expect(fresh.recentRequests).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(fresh.recentErrorRate).toBeNull();
    expect((await rest(token)).status).toBe(200);
    expect((await rest(token)).status).toBe(200);
    expect((await rest(token)).status).toBe(200);
    expect((await rest(token, '/domains/not-a-domain')).status).toBe(404);
    // Usage is recorded after the response, in the background.
    let key: { recentRequests: number[]; recentErrorRate: number | null } = fresh;
    for (let i = 0; i < 100 && key.recentRequests[6] < 4; i++) {
      await new Promise((r) => setTimeout(r, 100));
      key = (await admin.gql(GET, { id: apiKey.id })).data!.apiKey;
    }
    expect(key.recentRequests).toEqual([0, 0, 0, 0, 0, 0, 4]);
    expect(key.recentErrorRate).toBe(0.25);
  });
});
