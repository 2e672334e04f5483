import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_PATTERN } from '../src/modules/api-key/token.js';
import { createClient, PASSWORD, revokedEverywhere, signUpAdmin, sql, startTestServer, type TestClient, type TestServer, uniqueEmail } from './harness.js';

const KEY_FIELDS = `id name permission tokenStart createdAt updatedAt lastUsedAt usageStatus requestCount expiresAt
  domain { id name } createdBy { id email }`;
const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { ${KEY_FIELDS} } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $input) { ${KEY_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteApiKey(id: $id) }`;
const LIST = `query($filter: ApiKeyFilter) { apiKeys(filter: $filter) { ${KEY_FIELDS} } }`;
const GET = `query($id: ID!) { apiKey(id: $id) { ${KEY_FIELDS} } }`;
const ROLL = `mutation($id: ID!, $input: RollApiKeyInput!) { rollApiKey(id: $id, input: $input) { token apiKey { id tokenStart } } }`;

let server: TestServer;
let admin: TestClient;
let domainId: string;
let other: TestClient;
let otherDomainId: string;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const keyCount = async () => Number((await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from api_key'))[0].n);

async function createDomain(client: TestClient, name: string): Promise<string> {
  const res = await client.gql(`mutation($input: CreateDomainInput!) { createDomain(input: $input) { id } }`, { input: { name } });
  expect(res.errors).toBeUndefined();
  return res.data!.createDomain.id;
}

async function createKey(client: TestClient, input: Record<string, unknown>, headers?: Record<string, string>) {
  const res = await client.gql(CREATE, { input }, headers);
  expect(res.errors).toBeUndefined();
  return res.data!.createApiKey as { token: string; apiKey: any };
}

beforeAll(async () => {
  // The per-team rate limit (tested in rest-errors) is off: these tests make many key requests at once.
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  const a = await signUpAdmin(server, 'Acme');
  admin = a.client;
  domainId = await createDomain(admin, 'acme.com');
  const b = await signUpAdmin(server, 'Other');
  other = b.client;
  otherDomainId = await createDomain(other, 'other.com');
});
afterAll(() => server?.stop());

describe('createApiKey — happy', () => {
  it('returns the token once and stores only its hash', async () => {
    const { token, apiKey } = await createKey(admin, { name: '  Production  ', permission: 'FULL_ACCESS' });
    expect(token).toMatch(TOKEN_PATTERN);
    expect(apiKey).toMatchObject({
      name: 'Production',
      permission: 'FULL_ACCESS',
      domain: null,
      tokenStart: token.slice(0, 8),
      lastUsedAt: null,
      usageStatus: 'NEVER_USED',
      requestCount: 0,
    });
    expect(apiKey.createdBy.email).toMatch(/^admin-/);

    // The token appears in no query result after creation...
    const list = await admin.gql(LIST);
    expect(JSON.stringify(list)).not.toContain(token);
    expect(JSON.stringify(await admin.gql(GET, { id: apiKey.id }))).not.toContain(token);
    // ...and in no database row: dump every table as text and search it.
    const tables = await sql<{ tablename: string }>(server.databaseUrl, `select tablename from pg_tables where schemaname = 'public'`);
    for (const { tablename } of tables) {
      const rows = await sql(server.databaseUrl, `select t::text as row from "${tablename}" t`);
      for (const r of rows) expect(String(r.row)).not.toContain(token.slice(3));
    }
    const [row] = await sql<{ token_hash: string }>(server.databaseUrl, 'select token_hash from api_key where id = $1', [apiKey.id]);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('creates a sending-access key tied to a domain of the team', async () => {
    const { apiKey } = await createKey(admin, { name: 'Sender', permission: 'SENDING_ACCESS', domainId });
    expect(apiKey.permission).toBe('SENDING_ACCESS');
    expect(apiKey.domain).toEqual({ id: domainId, name: 'acme.com' });
  });

  it('accepts a 50-character name and a future expiry', async () => {
    const expiresAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const { apiKey } = await createKey(admin, { name: 'x'.repeat(50), permission: 'FULL_ACCESS', expiresAt });
    expect(apiKey.name).toHaveLength(50);
    expect(apiKey.expiresAt).toBe(expiresAt);
  });

  it('records an audit event without the token', async () => {
    const { token, apiKey } = await createKey(admin, { name: 'Audited', permission: 'FULL_ACCESS' });
    const rows = await sql<{ action: string; actor_id: string; metadata: unknown }>(
      server.databaseUrl,
      'select action, actor_id, metadata from audit_event where target_id = $1',
      [apiKey.id],
    );
    expect(rows.map((r) => r.action)).toEqual(['api_key.created']);
    expect(rows[0].actor_id).toBe(apiKey.createdBy.id);
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});

describe('createApiKey — bad input changes nothing', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['an empty name', { name: '', permission: 'FULL_ACCESS' }, 'name'],
    ['a whitespace name', { name: '   ', permission: 'FULL_ACCESS' }, 'name'],
    ['a 51-character name', { name: 'y'.repeat(51), permission: 'FULL_ACCESS' }, 'name'],
    ['a domain with full access', { name: 'k', permission: 'FULL_ACCESS', domainId: 'DOMAIN' }, 'domainId'],
    ['an unknown domain', { name: 'k', permission: 'SENDING_ACCESS', domainId: '00000000-0000-4000-8000-000000000000' }, 'domainId'],
    ['a non-UUID domain', { name: 'k', permission: 'SENDING_ACCESS', domainId: 'nope' }, 'domainId'],
    ["another team's domain", { name: 'k', permission: 'SENDING_ACCESS', domainId: 'OTHER_DOMAIN' }, 'domainId'],
    ['a past expiry', { name: 'k', permission: 'FULL_ACCESS', expiresAt: '2020-01-01T00:00:00.000Z' }, 'expiresAt'],
  ];
  for (const [label, input, field] of cases) {
    it(`refuses ${label}`, async () => {
      const before = await keyCount();
      const resolved = {
        ...input,
        ...(input.domainId === 'DOMAIN' ? { domainId } : {}),
        ...(input.domainId === 'OTHER_DOMAIN' ? { domainId: otherDomainId } : {}),
      };
      const res = await admin.gql(CREATE, { input: resolved });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.errors?.[0].message).toMatch(/\w/);
      expect(await keyCount()).toBe(before);
    });
  }

  it("answers another team's domain exactly like an unknown one", async () => {
    const a = await admin.gql(CREATE, { input: { name: 'k', permission: 'SENDING_ACCESS', domainId: otherDomainId } });
    const b = await admin.gql(CREATE, { input: { name: 'k', permission: 'SENDING_ACCESS', domainId: '00000000-0000-4000-8000-000000000000' } });
    expect(a.errors?.[0].message).toBe(b.errors?.[0].message);
  });

  it('refuses an unknown permission', async () => {
    const before = await keyCount();
    const res = await admin.gql(CREATE, { input: { name: 'k', permission: 'ROOT' } });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await keyCount()).toBe(before);
  });
});

describe('updateApiKey and deleteApiKey', () => {
  it('edits name, permission and domain; full access clears the domain', async () => {
    const { apiKey } = await createKey(admin, { name: 'Edit me', permission: 'FULL_ACCESS' });
    let res = await admin.gql(UPDATE, { id: apiKey.id, input: { name: 'Edited', permission: 'SENDING_ACCESS', domainId } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateApiKey).toMatchObject({ name: 'Edited', permission: 'SENDING_ACCESS', domain: { id: domainId } });
    res = await admin.gql(UPDATE, { id: apiKey.id, input: { permission: 'FULL_ACCESS' } });
    expect(res.data!.updateApiKey).toMatchObject({ name: 'Edited', permission: 'FULL_ACCESS', domain: null });
    const actions = await sql<{ action: string }>(server.databaseUrl, 'select action from audit_event where target_id = $1 order by created_at', [apiKey.id]);
    expect(actions.map((a) => a.action)).toEqual(['api_key.created', 'api_key.updated', 'api_key.updated']);
  });

  it('refuses bad edits and changes nothing', async () => {
    const { apiKey } = await createKey(admin, { name: 'Stable', permission: 'SENDING_ACCESS', domainId });
    for (const [input, field] of [
      [{ name: ' ' }, 'name'],
      [{ name: 'z'.repeat(51) }, 'name'],
      [{ permission: 'FULL_ACCESS', domainId }, 'domainId'],
      [{ domainId: otherDomainId }, 'domainId'],
    ] as const) {
      const res = await admin.gql(UPDATE, { id: apiKey.id, input });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const res = await admin.gql(GET, { id: apiKey.id });
    expect(res.data!.apiKey).toMatchObject({ name: 'Stable', permission: 'SENDING_ACCESS', domain: { id: domainId } });
  });

  it("answers another team's key id like a missing one, in get, update and delete", async () => {
    const { apiKey } = await createKey(admin, { name: 'Mine', permission: 'FULL_ACCESS' });
    expect((await other.gql(GET, { id: apiKey.id })).data!.apiKey).toBeNull();
    const upd = await other.gql(UPDATE, { id: apiKey.id, input: { name: 'Theirs' } });
    const missing = await other.gql(UPDATE, { id: '00000000-0000-4000-8000-000000000000', input: { name: 'Theirs' } });
    expect(upd.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(upd.errors?.[0].message).toBe(missing.errors?.[0].message);
    const del = await other.gql(DELETE, { id: apiKey.id });
    expect(del.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await other.gql(DELETE, { id: 'not-a-uuid' })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await admin.gql(GET, { id: apiKey.id })).data!.apiKey.name).toBe('Mine');
  });

  it('deletes permanently and the token stops working at once', async () => {
    const { token, apiKey } = await createKey(admin, { name: 'Doomed', permission: 'FULL_ACCESS' });
    const api = createClient(server.url);
    expect((await api.gql('{ apiKeys { id } }', {}, bearer(token))).errors).toBeUndefined();
    const del = await admin.gql(DELETE, { id: apiKey.id });
    expect(del.data!.deleteApiKey).toBe(apiKey.id);
    const after = await api.gql('{ apiKeys { id } }', {}, bearer(token));
    expect(after.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.status).toBe(401);
    expect((await admin.gql(GET, { id: apiKey.id })).data!.apiKey).toBeNull();
  });

  it('refuses to delete a domain that a key is restricted to', async () => {
    const d = await createDomain(admin, 'restricted.acme.com');
    await createKey(admin, { name: 'Tied', permission: 'SENDING_ACCESS', domainId: d });
    const res = await admin.gql('mutation($id: ID!) { deleteDomain(id: $id) }', { id: d });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await admin.gql('{ domains { id } }')).data!.domains.map((x: { id: string }) => x.id)).toContain(d);
  });
});

describe('usage status, filters and health', () => {
  it('derives NEVER_USED, ACTIVE and INACTIVE from lastUsedAt', async () => {
    const fresh = await createKey(admin, { name: 'Status fresh', permission: 'FULL_ACCESS' });
    const active = await createKey(admin, { name: 'Status active', permission: 'FULL_ACCESS' });
    const idle = await createKey(admin, { name: 'Status idle', permission: 'SENDING_ACCESS' });
    await sql(server.databaseUrl, `update api_key set last_used_at = now() - interval '29 days' where id = $1`, [active.apiKey.id]);
    await sql(server.databaseUrl, `update api_key set last_used_at = now() - interval '31 days' where id = $1`, [idle.apiKey.id]);
    const status = async (id: string) => (await admin.gql(GET, { id })).data!.apiKey.usageStatus;
    expect(await status(fresh.apiKey.id)).toBe('NEVER_USED');
    expect(await status(active.apiKey.id)).toBe('ACTIVE');
    expect(await status(idle.apiKey.id)).toBe('INACTIVE');

    const names = async (filter: Record<string, unknown>) => ((await admin.gql(LIST, { filter })).data!.apiKeys as { name: string }[]).map((k) => k.name);
    expect(await names({ usageStatus: 'INACTIVE' })).toEqual(['Status idle']);
    expect(await names({ usageStatus: 'ACTIVE' })).toEqual(['Status active']);
    expect(await names({ search: 'status' })).toEqual(['Status idle', 'Status active', 'Status fresh']);
    expect(await names({ search: 'status', permission: 'SENDING_ACCESS' })).toEqual(['Status idle']);
    expect(await names({ search: '100%_' })).toEqual([]);

    const health = (await admin.gql('{ apiKeyHealth { total neverUsed inactive fullAccess expiringSoon } }')).data!.apiKeyHealth;
    const all = (await admin.gql(LIST)).data!.apiKeys as { permission: string; usageStatus: string; expiresAt: string | null }[];
    expect(health.total).toBe(all.length);
    expect(health.inactive).toBe(all.filter((k) => k.usageStatus === 'INACTIVE').length);
    expect(health.neverUsed).toBe(all.filter((k) => k.usageStatus === 'NEVER_USED').length);
    expect(health.fullAccess).toBe(all.filter((k) => k.permission === 'FULL_ACCESS').length);
    expect(health.expiringSoon).toBeGreaterThanOrEqual(1);
  });

  it('tells any client, signed in or not, the thresholds behind these rules', async () => {
    const { data, errors } = await createClient(server.url).gql('{ thresholds { inactiveAfterDays expiringSoonDays exportDownloadDays exportInlineMaxRows } }');
    expect(errors).toBeUndefined();
    expect(data!.thresholds).toEqual({ inactiveAfterDays: 30, expiringSoonDays: 7, exportDownloadDays: 7, exportInlineMaxRows: 1000 });
  });
});

describe('authentication with a key on /graphql', () => {
  it('a full-access key acts for its own team only', async () => {
    const { token } = await createKey(admin, { name: 'Tooling', permission: 'FULL_ACCESS' });
    const api = createClient(server.url);
    const mine = await api.gql(LIST, {}, bearer(token));
    expect(mine.errors).toBeUndefined();
    const ids = (mine.data!.apiKeys as { id: string }[]).map((k) => k.id);
    const theirs = await createKey(other, { name: 'Theirs', permission: 'FULL_ACCESS' });
    expect(ids).not.toContain(theirs.apiKey.id);
    expect((await api.gql(GET, { id: theirs.apiKey.id }, bearer(token))).data!.apiKey).toBeNull();

    const created = await api.gql(CREATE, { input: { name: 'By key', permission: 'SENDING_ACCESS' } }, bearer(token));
    expect(created.errors).toBeUndefined();
    expect(created.data!.createApiKey.apiKey.createdBy).toBeNull();
    const [audit] = await sql<{ actor_api_key_id: string; actor_id: string | null }>(
      server.databaseUrl,
      'select actor_api_key_id, actor_id from audit_event where target_id = $1',
      [created.data!.createApiKey.apiKey.id],
    );
    expect(audit.actor_id).toBeNull();
    expect(audit.actor_api_key_id).toBeTruthy();
    expect((await api.gql('{ me { id } }', {}, bearer(token))).data!.me).toBeNull();
  });

  it('a sending-access key is FORBIDDEN on GraphQL', async () => {
    const { token } = await createKey(admin, { name: 'Sender only', permission: 'SENDING_ACCESS' });
    const res = await createClient(server.url).gql(LIST, {}, bearer(token));
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const before = await keyCount();
    const create = await createClient(server.url).gql(CREATE, { input: { name: 'x', permission: 'FULL_ACCESS' } }, bearer(token));
    expect(create.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await keyCount()).toBe(before);
  });

  it('malformed, mistyped, expired and unknown tokens are UNAUTHENTICATED', async () => {
    const { token, apiKey } = await createKey(admin, { name: 'Soon expired', permission: 'FULL_ACCESS' });
    const typo = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);
    const api = createClient(server.url);
    for (const header of ['Bearer', 'Bearer ', 'Basic abc', `Bearer ${typo}`, 'Bearer re_123', `Bearer ${token}x`, `Token ${token}`]) {
      const res = await api.gql(LIST, {}, { authorization: header });
      expect(res.errors?.[0].extensions?.code, header).toBe('UNAUTHENTICATED');
    }
    expect((await api.gql(LIST, {}, bearer(token))).errors).toBeUndefined();
    await sql(server.databaseUrl, `update api_key set expires_at = now() - interval '1 second' where id = $1`, [apiKey.id]);
    // The verifier caches keys; an expiry change made behind its back is picked up once the
    // cached entry's own expiry is reached — here, by asking a fresh server on the same database.
    const second = await startSecondInstance();
    try {
      expect((await createClient(second.url).gql(LIST, {}, bearer(token))).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await second.stop();
    }
  });

  it('a MEMBER can list keys but not create one', async () => {
    const invite = await admin.gql(`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, {
      input: { email: uniqueEmail('member'), role: 'MEMBER' },
    });
    const member = server.client();
    const accepted = await member.gql(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id } }`, {
      input: { token: invite.data!.inviteMember.token, password: PASSWORD },
    });
    expect(accepted.errors).toBeUndefined();
    expect((await member.gql(LIST)).errors).toBeUndefined();
    const before = await keyCount();
    const res = await member.gql(CREATE, { input: { name: 'nope', permission: 'FULL_ACCESS' } });
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await keyCount()).toBe(before);
  });
});

describe('rolling a key', () => {
  it('issues a new token; the old one works for the grace period only', async () => {
    const { token: oldToken, apiKey } = await createKey(admin, { name: 'Rolled', permission: 'FULL_ACCESS' });
    const api = createClient(server.url);
    const rolled = await admin.gql(ROLL, { id: apiKey.id, input: { gracePeriodSeconds: 3600 } });
    expect(rolled.errors).toBeUndefined();
    const newToken = rolled.data!.rollApiKey.token;
    expect(newToken).not.toBe(oldToken);
    expect(rolled.data!.rollApiKey.apiKey).toEqual({ id: apiKey.id, tokenStart: newToken.slice(0, 8) });
    expect((await api.gql(LIST, {}, bearer(newToken))).errors).toBeUndefined();
    expect((await api.gql(LIST, {}, bearer(oldToken))).errors).toBeUndefined();

    const again = await admin.gql(ROLL, { id: apiKey.id, input: { gracePeriodSeconds: 0 } });
    expect((await api.gql(LIST, {}, bearer(newToken))).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await api.gql(LIST, {}, bearer(oldToken))).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await api.gql(LIST, {}, bearer(again.data!.rollApiKey.token))).errors).toBeUndefined();
    const actions = await sql<{ action: string }>(server.databaseUrl, `select action from audit_event where target_id = $1 and action = 'api_key.rolled'`, [
      apiKey.id,
    ]);
    expect(actions).toHaveLength(2);
  });

  it('refuses a grace period outside 0…7 days', async () => {
    const { apiKey } = await createKey(admin, { name: 'Not rolled', permission: 'FULL_ACCESS' });
    for (const g of [-1, 604801]) {
      const res = await admin.gql(ROLL, { id: apiKey.id, input: { gracePeriodSeconds: g } });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'gracePeriodSeconds' });
    }
    const [row] = await sql<{ token_start: string }>(server.databaseUrl, 'select token_start from api_key where id = $1', [apiKey.id]);
    expect(row.token_start).toBe(apiKey.tokenStart);
  });
});

async function startSecondInstance() {
  const { createApp } = await import('../src/app.js');
  const { loadConfig } = await import('../src/config.js');
  const { initOrm } = await import('../src/db/orm.js');
  const { createLogger } = await import('../src/logger.js');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: server.databaseUrl,
    CLIENT_DIST: '/nonexistent',
    RATE_LIMIT_PER_SECOND: '0',
  });
  const orm = await initOrm(server.databaseUrl, createLogger('silent'));
  const app = await createApp({ config, orm, logger: createLogger('silent') });
  const url = await app.listen(0, '127.0.0.1');
  return {
    url,
    app,
    stop: async () => {
      await app.close();
      await orm.close();
    },
  };
}

describe('revocation across instances', () => {
  it('a key deleted on one instance stops working on another at once', async () => {
    const second = await startSecondInstance();
    try {
      const { token, apiKey } = await createKey(admin, { name: 'Shared', permission: 'FULL_ACCESS' });
      const viaSecond = createClient(second.url);
      // Warm the second instance's cache.
      expect((await viaSecond.gql(LIST, {}, bearer(token))).errors).toBeUndefined();
      // Once the second instance has been told (NOTIFY), its next request is refused.
      expect((await revokedEverywhere([second.app], apiKey.id, () => admin.gql(DELETE, { id: apiKey.id }))).errors).toBeUndefined();
      expect((await viaSecond.gql(LIST, {}, bearer(token))).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await second.stop();
    }
  });
});

describe('audit trail', () => {
  it('lists key actions with who did them and never a secret; members cannot read it', async () => {
    const { token, apiKey } = await createKey(admin, { name: 'Audit trail', permission: 'FULL_ACCESS' });
    await admin.gql(UPDATE, { id: apiKey.id, input: { name: 'Audit trail 2' } });
    await admin.gql(DELETE, { id: apiKey.id });
    const res = await admin.gql(`{ auditEvents(first: 100) { edges { node { action targetId createdAt actor { id } metadata } } pageInfo { hasNextPage } } }`);
    expect(res.errors).toBeUndefined();
    const mine = res.data!.auditEvents.edges.map((e: any) => e.node).filter((n: any) => n.targetId === apiKey.id);
    expect(mine.map((n: any) => n.action)).toEqual(['api_key.deleted', 'api_key.updated', 'api_key.created']);
    expect(mine.every((n: any) => n.actor?.id === apiKey.createdBy.id)).toBe(true);
    expect(JSON.stringify(res.data)).not.toContain(token.slice(3));
    const otherTeam = await other.gql(`{ auditEvents { edges { node { targetId } } } }`);
    expect(otherTeam.data!.auditEvents.edges.map((e: any) => e.node.targetId)).not.toContain(apiKey.id);
  });
});

describe('DataLoaders', () => {
  it('resolve domain and createdBy of any number of keys with one query each', async () => {
    const { createApp } = await import('../src/app.js');
    const { loadConfig } = await import('../src/config.js');
    const { initOrm } = await import('../src/db/orm.js');
    const { createLogger } = await import('../src/logger.js');
    const queries: string[] = [];
    const logger = createLogger('silent');
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: server.databaseUrl,
      CLIENT_DIST: '/nonexistent',
      WORKERS: 'false',
    });
    const orm = await initOrm(server.databaseUrl, logger, (sql) => queries.push(sql));
    const app = await createApp({ config, orm, logger });
    try {
      const url = await app.listen(0, '127.0.0.1');
      const viaApp = createClient(url);
      viaApp.cookie = admin.cookie;
      const second = await createDomain(admin, 'loader.acme.com');
      for (let i = 0; i < 6; i++) {
        await createKey(admin, { name: `Loader ${i}`, permission: 'SENDING_ACCESS', domainId: i % 2 ? domainId : second });
      }
      queries.length = 0;
      const res = await viaApp.gql(`{ apiKeys(filter: { search: "Loader" }) { id domain { name } createdBy { email } } }`);
      expect(res.errors).toBeUndefined();
      expect(res.data!.apiKeys).toHaveLength(6);
      expect(new Set(res.data!.apiKeys.map((k: any) => k.domain.name))).toEqual(new Set(['acme.com', 'loader.acme.com']));
      const from = (table: string) => queries.filter((q) => new RegExp(`from "${table}"`).test(q));
      expect(from('domain')).toHaveLength(1);
      expect(from('app_user')).toHaveLength(1);
    } finally {
      await app.close();
      await orm.close();
    }
  });
});
