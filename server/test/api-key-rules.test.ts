import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type InProcessServer,
  PASSWORD,
  revokedEverywhere,
  signUpAdmin,
  sql,
  startApp,
  startTestServer,
  type TestClient,
  type TestServer,
  uniqueEmail,
} from './harness.js';
import { createDomain, createKey } from './rest-harness.js';

// Rules of the key lifecycle that a refactor could quietly break: each test here failed when its
// rule was broken in the product code (see the commit that added it).
const UPDATE = `mutation($id: ID!, $input: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $input) { id name permission domain { id } } }`;
const ROLL = `mutation($id: ID!, $input: RollApiKeyInput!) { rollApiKey(id: $id, input: $input) { token apiKey { id } } }`;
const HEALTH = `{ apiKeyHealth { total neverUsed inactive fullAccess expiringSoon } }`;
const LIST = `query($filter: ApiKeyFilter) { apiKeys(filter: $filter) { name usageStatus } }`;

let server: TestServer;
let second: InProcessServer;
let admin: TestClient;
let domainId: string;
let otherDomainId: string;

/** Another instance on the same database, with caches of its own (no workers, no rate limit). */
const startSecondInstance = () => startApp(server.databaseUrl, { RATE_LIMIT_PER_SECOND: '0', WORKERS: 'false' });

/** A REST call to one instance. */
async function call(url: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${url}/api${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as { name?: string };
  return { status: res.status, name: json.name };
}

/** Makes a change to a key on the first instance and waits until the second has been told of it (NOTIFY). */
const heardBySecond = <T>(keyId: string, change: () => Promise<T>) => revokedEverywhere([second.app], keyId, change);

const send = (from: string) => ({ from, to: 'someone@example.org', subject: 'rules', text: 'hi' });

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  second = await startSecondInstance();
  admin = (await signUpAdmin(server, 'Rules')).client;
  domainId = await createDomain(admin, 'rules.example.com');
  otherDomainId = await createDomain(admin, 'other-rules.example.com');
});
afterAll(async () => {
  await second?.stop();
  await server?.stop();
});

describe('an edit takes effect at once, on every instance', () => {
  it('a permission downgrade: the key is restricted on its next request to either instance', async () => {
    const key = await createKey(admin, { name: 'Downgraded', permission: 'FULL_ACCESS' });
    // Both instances have verified (and cached) the key.
    for (const url of [server.url, second.url]) expect((await call(url, '/domains', key.token)).status).toBe(200);
    await heardBySecond(key.id, async () => {
      expect((await admin.gql(UPDATE, { id: key.id, input: { permission: 'SENDING_ACCESS' } })).errors).toBeUndefined();
      // The instance that made the change needs no NOTIFY.
      expect(await call(server.url, '/domains', key.token)).toEqual({ status: 401, name: 'restricted_api_key' });
    });
    expect(await call(second.url, '/domains', key.token)).toEqual({ status: 401, name: 'restricted_api_key' });
    // An upgrade likewise.
    expect((await heardBySecond(key.id, () => admin.gql(UPDATE, { id: key.id, input: { permission: 'FULL_ACCESS' } }))).errors).toBeUndefined();
    for (const url of [server.url, second.url]) expect((await call(url, '/domains', key.token)).status).toBe(200);
  });

  it('a domain change: the old domain is refused and the new one accepted on the next send', async () => {
    const key = await createKey(admin, { name: 'Moved', permission: 'SENDING_ACCESS', domainId });
    for (const url of [server.url, second.url]) expect((await call(url, '/emails', key.token, send('a@rules.example.com'))).status).toBe(200);
    const res = await heardBySecond(key.id, () => admin.gql(UPDATE, { id: key.id, input: { permission: 'SENDING_ACCESS', domainId: otherDomainId } }));
    expect(res.data?.updateApiKey.domain).toEqual({ id: otherDomainId });
    for (const url of [server.url, second.url]) {
      expect(await call(url, '/emails', key.token, send('a@rules.example.com'))).toEqual({ status: 403, name: 'invalid_from_address' });
      expect((await call(url, '/emails', key.token, send('a@other-rules.example.com'))).status).toBe(200);
    }
  });
});

describe('rolling', () => {
  it('the old token stops working when its grace period ends, on an instance that had it cached', async () => {
    const key = await createKey(admin, { name: 'Rolled with grace', permission: 'FULL_ACCESS' });
    for (const url of [server.url, second.url]) expect((await call(url, '/domains', key.token)).status).toBe(200);
    const rolled = await heardBySecond(key.id, () => admin.gql(ROLL, { id: key.id, input: { gracePeriodSeconds: 2 } }));
    expect(rolled.errors).toBeUndefined();
    const [{ until }] = await sql<{ until: Date }>(server.databaseUrl, 'select previous_token_expires_at as until from api_key where id = $1', [key.id]);
    expect(until.getTime()).toBeGreaterThan(Date.now());
    // During the grace period both tokens work, on both instances (and each has cached the old one again).
    for (const url of [server.url, second.url]) {
      expect((await call(url, '/domains', key.token)).status).toBe(200);
      expect((await call(url, '/domains', rolled.data!.rollApiKey.token)).status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, until.getTime() - Date.now()) + 100));
    for (const url of [server.url, second.url]) {
      expect(await call(url, '/domains', key.token)).toEqual({ status: 403, name: 'invalid_api_key' });
      expect((await call(url, '/domains', rolled.data!.rollApiKey.token)).status).toBe(200);
    }
  });
});

describe('members', () => {
  it('are refused on update, delete and roll of a real key, and on the audit trail; the key is unchanged', async () => {
    const key = await createKey(admin, { name: 'Not theirs', permission: 'FULL_ACCESS' });
    const invited = await admin.gql(`mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }`, {
      i: { email: uniqueEmail('member'), role: 'MEMBER' },
    });
    const member = server.client();
    const joined = await member.gql(`mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { id } }`, {
      i: { token: invited.data!.inviteMember.token, password: PASSWORD },
    });
    expect(joined.errors).toBeUndefined();
    const attempts = {
      update: await member.gql(UPDATE, { id: key.id, input: { name: 'Hijacked', permission: 'SENDING_ACCESS' } }),
      delete: await member.gql(`mutation($id: ID!) { deleteApiKey(id: $id) }`, { id: key.id }),
      roll: await member.gql(ROLL, { id: key.id, input: { gracePeriodSeconds: 0 } }),
      audit: await member.gql(`{ auditEvents(first: 10) { edges { node { action } } } }`),
    };
    for (const [what, res] of Object.entries(attempts)) {
      expect(res.errors?.[0].extensions?.code, what).toBe('FORBIDDEN');
      expect(res.data ?? null, what).toBeNull();
    }
    const [row] = await sql(server.databaseUrl, 'select name, permission, token_start, previous_token_hash from api_key where id = $1', [key.id]);
    expect(row).toEqual({ name: 'Not theirs', permission: 'FULL_ACCESS', token_start: key.token.slice(0, 8), previous_token_hash: null });
    expect((await call(server.url, '/domains', key.token)).status).toBe(200);
    const audit = await sql(server.databaseUrl, 'select action from audit_event where target_id = $1', [key.id]);
    expect(audit.map((a) => a.action)).toEqual(['api_key.created']);
  });
});

describe('usage status and expiry at their boundaries', () => {
  it('INACTIVE from exactly 30 days without use, ACTIVE a minute before — in the status, the filter and the health counts', async () => {
    const { client } = await signUpAdmin(server, 'Boundary');
    const recent = await createKey(client, { name: 'Used 30 days less a minute ago', permission: 'FULL_ACCESS' });
    const old = await createKey(client, { name: 'Used 30 days ago', permission: 'SENDING_ACCESS' });
    await sql(server.databaseUrl, `update api_key set last_used_at = now() - interval '30 days' + interval '1 minute' where id = $1`, [recent.id]);
    await sql(server.databaseUrl, `update api_key set last_used_at = now() - interval '30 days' where id = $1`, [old.id]);
    expect((await client.gql(LIST)).data!.apiKeys).toEqual([
      { name: 'Used 30 days ago', usageStatus: 'INACTIVE' },
      { name: 'Used 30 days less a minute ago', usageStatus: 'ACTIVE' },
    ]);
    expect((await client.gql(LIST, { filter: { usageStatus: 'INACTIVE' } })).data!.apiKeys.map((k: { name: string }) => k.name)).toEqual(['Used 30 days ago']);
    expect((await client.gql(LIST, { filter: { usageStatus: 'ACTIVE' } })).data!.apiKeys.map((k: { name: string }) => k.name)).toEqual([
      'Used 30 days less a minute ago',
    ]);
    expect((await client.gql(HEALTH)).data!.apiKeyHealth).toEqual({ total: 2, neverUsed: 0, inactive: 1, fullAccess: 1, expiringSoon: 0 });
  });

  it('expiringSoon counts keys expiring within 7 days: a minute inside counts, a minute outside and an expired key do not', async () => {
    const { client } = await signUpAdmin(server, 'Expiring');
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const DAY = 86_400_000;
    await createKey(client, { name: 'Inside', permission: 'FULL_ACCESS', expiresAt: at(7 * DAY - 60_000) });
    await createKey(client, { name: 'Outside', permission: 'FULL_ACCESS', expiresAt: at(7 * DAY + 60_000) });
    await createKey(client, { name: 'Tomorrow', permission: 'SENDING_ACCESS', expiresAt: at(DAY) });
    const gone = await createKey(client, { name: 'Expired', permission: 'SENDING_ACCESS', expiresAt: at(DAY) });
    await sql(server.databaseUrl, `update api_key set expires_at = now() - interval '1 minute' where id = $1`, [gone.id]);
    expect((await client.gql(HEALTH)).data!.apiKeyHealth.expiringSoon).toBe(2);
    const soon = (await client.gql(LIST, { filter: { expiringSoon: true } })).data!.apiKeys.map((k: { name: string }) => k.name);
    expect(soon.sort()).toEqual(['Inside', 'Tomorrow']);
  });
});

describe('audit events', () => {
  it('member actions (invited, joined, role changed, removed, invitation revoked) and export creation, each with its actor and target', async () => {
    const { client, user } = await signUpAdmin(server, 'Audited');
    const email = uniqueEmail('audited');
    const invited = await client.gql(`mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token invitation { id } } }`, {
      i: { email, role: 'MEMBER' },
    });
    const invitationId = invited.data!.inviteMember.invitation.id;
    const member = server.client();
    const joined = await member.gql(`mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { id } }`, {
      i: { token: invited.data!.inviteMember.token, password: PASSWORD },
    });
    const memberUserId = joined.data!.acceptInvitation.id;
    const members = (await client.gql(`{ team { members { id user { id } } } }`)).data!.team.members;
    const membershipId = members.find((m: { user: { id: string } }) => m.user.id === memberUserId).id;
    expect((await client.gql(`mutation($id: ID!) { updateMemberRole(id: $id, role: ADMIN) { id } }`, { id: membershipId })).errors).toBeUndefined();
    expect((await client.gql(`mutation($id: ID!) { removeMember(id: $id) }`, { id: membershipId })).errors).toBeUndefined();
    const pending = await client.gql(`mutation($i: InviteMemberInput!) { inviteMember(input: $i) { invitation { id } } }`, {
      i: { email: uniqueEmail('revoked'), role: 'ADMIN' },
    });
    const revokedId = pending.data!.inviteMember.invitation.id;
    expect((await client.gql(`mutation($id: ID!) { revokeInvitation(id: $id) }`, { id: revokedId })).errors).toBeUndefined();
    const exp = await client.gql(`mutation { createExport(input: { resource: DOMAINS }) { id } }`);
    const exportId = exp.data!.createExport.id;

    const res = await client.gql(`{ auditEvents(first: 50) { edges { node { action targetId actor { id } } } } }`);
    expect(res.errors).toBeUndefined();
    const events = res.data!.auditEvents.edges.map((e: { node: { action: string } }) => e.node).filter((n: { action: string }) => n.action !== 'team.created');
    expect(events).toEqual([
      { action: 'export.created', targetId: exportId, actor: { id: user.id } },
      { action: 'member.invitation_revoked', targetId: revokedId, actor: { id: user.id } },
      { action: 'member.invited', targetId: revokedId, actor: { id: user.id } },
      { action: 'member.removed', targetId: membershipId, actor: { id: user.id } },
      { action: 'member.role_changed', targetId: membershipId, actor: { id: user.id } },
      { action: 'member.joined', targetId: membershipId, actor: { id: memberUserId } },
      { action: 'member.invited', targetId: invitationId, actor: { id: user.id } },
    ]);
    expect(JSON.stringify(res.data)).not.toContain(invited.data!.inviteMember.token);

    // A full-access key reads the trail of what it may touch: keys and exports, not members,
    // invitations or the team (invitees' addresses and roles are in their metadata).
    const key = await createKey(client, { name: 'Auditor', permission: 'FULL_ACCESS' });
    const asKey = server.client();
    const byKey = await asKey.gql('{ auditEvents(first: 100) { edges { node { action metadata } } } }', {}, { authorization: `Bearer ${key.token}` });
    expect(byKey.errors).toBeUndefined();
    const actions = byKey.data!.auditEvents.edges.map((e: { node: { action: string } }) => e.node.action);
    expect(actions).toEqual(['api_key.created', 'export.created']);
    expect(JSON.stringify(byKey.data)).not.toContain(email);
  });
});
