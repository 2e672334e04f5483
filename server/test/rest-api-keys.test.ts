import type { UpdateApiKeyOptions } from 'resend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_PATTERN } from '../src/modules/api-key/token.js';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, count, createDomain, MISSING_ID, sdk, setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let acme: Team;
let other: Team;

const GET_KEY = `query($id: ID!) { apiKey(id: $id) { id name permission domain { id } createdBy { id } } }`;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  other = await setUpTeam(server, 'Other');
});
afterAll(() => server?.stop());

describe('POST /api-keys', () => {
  it('creates a full-access key by default and answers the token once', async () => {
    const { data, error } = await sdk(server, acme.full.token).apiKeys.create({ name: '  Deploy bot ' });
    expect(error).toBeNull();
    expect(Object.keys(data!).sort()).toEqual(['id', 'token']);
    expect(data!.token).toMatch(TOKEN_PATTERN);
    const key = (await acme.admin.gql(GET_KEY, { id: data!.id })).data!.apiKey;
    expect(key).toMatchObject({ name: 'Deploy bot', permission: 'FULL_ACCESS', domain: null, createdBy: null });

    // The new token works at once, and is stored only as a hash.
    const { error: listError } = await sdk(server, data!.token).apiKeys.list();
    expect(listError).toBeNull();
    expect(await count(server, 'api_key', 'token_hash = encode(sha256($1::bytea), $2)', [data!.token, 'hex'])).toBe(1);
    const [{ dump }] = await sql<{ dump: string }>(server.databaseUrl, `select string_agg(k::text, '') as dump from api_key k`);
    expect(dump).not.toContain(data!.token.slice(3));
  });

  it('creates a sending-access key restricted to a domain of the team', async () => {
    const { data, error } = await sdk(server, acme.full.token).apiKeys.create({
      name: 'Newsletter',
      permission: 'sending_access',
      domain_id: acme.domainId,
    });
    expect(error).toBeNull();
    const key = (await acme.admin.gql(GET_KEY, { id: data!.id })).data!.apiKey;
    expect(key).toMatchObject({ permission: 'SENDING_ACCESS', domain: { id: acme.domainId } });
    // The key was created by a key: the audit trail says which one.
    const [audit] = await sql(server.databaseUrl, `select action, actor_id, actor_api_key_id from audit_event where target_id = $1`, [data!.id]);
    expect(audit).toEqual({ action: 'api_key.created', actor_id: null, actor_api_key_id: acme.full.id });
  });

  const refused: [string, Record<string, unknown>, string, RegExp][] = [
    ['a missing name', { permission: 'full_access' }, 'missing_required_field', /name/],
    ['an empty name', { name: '   ' }, 'validation_error', /Name is required/],
    ['a 51-character name', { name: 'n'.repeat(51) }, 'validation_error', /at most 50/],
    ['a name that is not a string', { name: 42 }, 'validation_error', /`name` must be a string/],
    ['an unknown permission', { name: 'k', permission: 'admin' }, 'invalid_parameter', /full_access.*sending_access/],
    ['the GraphQL spelling of a permission', { name: 'k', permission: 'FULL_ACCESS' }, 'invalid_parameter', /full_access/],
    ['a domain on a full-access key', { name: 'k', permission: 'full_access', domain_id: 'ACME_DOMAIN' }, 'validation_error', /sending-access/],
    ['an unknown domain', { name: 'k', permission: 'sending_access', domain_id: MISSING_ID }, 'validation_error', /Domain not found/],
    ["another team's domain", { name: 'k', permission: 'sending_access', domain_id: 'OTHER_DOMAIN' }, 'validation_error', /Domain not found/],
  ];
  for (const [label, input, name, message] of refused) {
    it(`refuses ${label} with 422 ${name} and writes nothing`, async () => {
      const body = { ...input };
      if (body.domain_id === 'ACME_DOMAIN') body.domain_id = acme.domainId;
      if (body.domain_id === 'OTHER_DOMAIN') body.domain_id = other.domainId;
      const before = await count(server, 'api_key');
      const res = await api(server, '/api-keys', { method: 'POST', token: acme.full.token, body: JSON.stringify(body) });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, name });
      expect((res.body as { message: string }).message).toMatch(message);
      expect(await count(server, 'api_key')).toBe(before);
    });
  }

  it('refuses a body that is not an object', async () => {
    const res = await api(server, '/api-keys', { method: 'POST', token: acme.full.token, body: '["x"]' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ name: 'validation_error', message: 'The request body must be a JSON object.' });
  });
});

describe('GET /api-keys', () => {
  it("lists the team's keys, newest first, without tokens or hashes", async () => {
    const { data, error } = await sdk(server, acme.full.token).apiKeys.list();
    expect(error).toBeNull();
    expect(data!.object).toBe('list');
    expect(data!.has_more).toBe(false);
    const ids = (
      await sql<{ id: string }>(server.databaseUrl, 'select id from api_key where team_id = $1 order by created_at desc, id desc', [acme.teamId])
    ).map((r) => r.id);
    expect(data!.data.map((k) => k.id)).toEqual(ids);
    const sending = data!.data.find((k) => k.id === acme.sending.id)!;
    expect(sending).toEqual({
      id: acme.sending.id,
      name: 'Acme sending',
      permission: 'sending_access',
      domain_id: null,
      token_start: acme.sending.token.slice(0, 8),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      last_used_at: null,
    });
    const body = JSON.stringify(data);
    for (const t of [acme.full.token, acme.sending.token]) expect(body).not.toContain(t.slice(3));
    expect(body).not.toMatch(/[0-9a-f]{64}/);
    expect(body).not.toContain(other.full.id);
  });

  it('pages with limit and after', async () => {
    const resend = sdk(server, acme.full.token);
    const all = (await resend.apiKeys.list()).data!.data.map((k) => k.id);
    expect(all.length).toBeGreaterThanOrEqual(4);
    const first = await resend.apiKeys.list({ limit: 2 });
    expect(first.data!.has_more).toBe(true);
    expect(first.data!.data.map((k) => k.id)).toEqual(all.slice(0, 2));
    const next = await resend.apiKeys.list({ limit: 2, after: all[1] });
    expect(next.data!.data.map((k) => k.id)).toEqual(all.slice(2, 4));
  });
});

describe('PATCH /api-keys/:id', () => {
  it('renames a key with the SDK and answers the key', async () => {
    const created = (await sdk(server, acme.full.token).apiKeys.create({ name: 'Old name' })).data!;
    const { data, error } = await sdk(server, acme.full.token).apiKeys.update(created.id, { name: 'New name' });
    expect(error).toBeNull();
    expect(data).toMatchObject({ object: 'api_key', id: created.id, name: 'New name', permission: 'full_access' });
    expect((await acme.admin.gql(GET_KEY, { id: created.id })).data!.apiKey.name).toBe('New name');
  });

  it('changes permission and domain; full access clears the domain', async () => {
    const resend = sdk(server, acme.full.token);
    const created = (await resend.apiKeys.create({ name: 'Switch' })).data!;
    const toSending = { name: 'Switch', permission: 'sending_access', domain_id: acme.domainId } as UpdateApiKeyOptions;
    let res = await resend.apiKeys.update(created.id, toSending);
    expect(res.data).toMatchObject({ permission: 'sending_access', domain_id: acme.domainId });
    res = await resend.apiKeys.update(created.id, { name: 'Switch', permission: 'full_access' } as UpdateApiKeyOptions);
    expect(res.data).toMatchObject({ permission: 'full_access', domain_id: null });
    const key = (await acme.admin.gql(GET_KEY, { id: created.id })).data!.apiKey;
    expect(key).toMatchObject({ permission: 'FULL_ACCESS', domain: null });
  });

  it('refuses bad edits and changes nothing', async () => {
    const created = (await sdk(server, acme.full.token).apiKeys.create({ name: 'Keep me' })).data!;
    for (const [body, name] of [
      [{ name: '' }, 'validation_error'],
      [{ name: 'x'.repeat(51) }, 'validation_error'],
      [{ permission: 'root' }, 'invalid_parameter'],
      [{ domain_id: acme.domainId }, 'validation_error'],
      [{ permission: 'sending_access', domain_id: other.domainId }, 'validation_error'],
    ] as const) {
      const res = await api(server, `/api-keys/${created.id}`, { method: 'PATCH', token: acme.full.token, body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body).toMatchObject({ name });
    }
    const [row] = await sql(server.databaseUrl, 'select name, permission, domain_id from api_key where id = $1', [created.id]);
    expect(row).toEqual({ name: 'Keep me', permission: 'FULL_ACCESS', domain_id: null });
  });
});

describe('DELETE /api-keys/:id', () => {
  it('removes a key; its token stops working at once', async () => {
    const resend = sdk(server, acme.full.token);
    const created = (await resend.apiKeys.create({ name: 'Short-lived' })).data!;
    expect((await sdk(server, created.token).domains.list()).error).toBeNull();
    const { data, error } = await resend.apiKeys.remove(created.id);
    expect(error).toBeNull();
    expect(data).toEqual({ object: 'api_key', id: created.id, deleted: true });
    expect(await count(server, 'api_key', 'id = $1', [created.id])).toBe(0);
    const after = await sdk(server, created.token).domains.list();
    expect(after.error).toMatchObject({ statusCode: 403, name: 'invalid_api_key' });
  });
});

describe("another team's key answers exactly like a missing one", () => {
  it('in update and delete, and is left untouched', async () => {
    const resend = sdk(server, acme.full.token);
    for (const call of [(id: string) => resend.apiKeys.update(id, { name: 'Hijacked' }), (id: string) => resend.apiKeys.remove(id)]) {
      const theirs = await call(other.full.id);
      const missing = await call(MISSING_ID);
      const malformed = await call('not-a-uuid');
      expect(theirs.error).toEqual({ statusCode: 404, name: 'not_found', message: 'API key not found.' });
      expect(missing.error).toEqual(theirs.error);
      expect(malformed.error).toEqual(theirs.error);
    }
    const [row] = await sql(server.databaseUrl, 'select name from api_key where id = $1', [other.full.id]);
    expect(row).toEqual({ name: 'Other full' });
  });

  it('a domain of the team can restrict a key, but not after it is gone', async () => {
    const domainId = await createDomain(acme.admin, 'gone.acme.com');
    await acme.admin.gql(`mutation($id: ID!) { deleteDomain(id: $id) }`, { id: domainId });
    const res = await sdk(server, acme.full.token).apiKeys.create({ name: 'k', permission: 'sending_access', domain_id: domainId });
    expect(res.error).toMatchObject({ statusCode: 422, name: 'validation_error', message: 'Domain not found.' });
  });
});
