import 'reflect-metadata';
import fs from 'node:fs';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, sql, startTestServer, type TestClient, type TestServer, uniqueEmail } from './harness.js';
import { MISSING_ID, setUpTeam, type Team } from './rest-harness.js';

/*
 * Who may call what, written down once and run as data: every GraphQL mutation and query
 * against an ADMIN, a MEMBER, a full-access key, a sending-access key and nobody.
 *
 *   ok    the gate lets it through: data, or an error about the input (BAD_USER_INPUT, NOT_FOUND)
 *   deny  FORBIDDEN, and nothing changes
 *   anon  UNAUTHENTICATED
 */
type Who = 'admin' | 'member' | 'full' | 'sending' | 'anonymous';
type Expect = 'ok' | 'deny' | 'anon';
type Row = { op: string; query: string; vars?: () => Record<string, unknown>; expect: Record<Who, Expect> };

const EVERYONE = { admin: 'ok', member: 'ok', full: 'ok', sending: 'ok', anonymous: 'ok' } as const;
const ALL_OK = { admin: 'ok', member: 'ok', full: 'ok', sending: 'deny', anonymous: 'anon' } as const;
const MANAGE = { admin: 'ok', member: 'deny', full: 'ok', sending: 'deny', anonymous: 'anon' } as const;
const TEAM_ADMIN = { admin: 'ok', member: 'deny', full: 'deny', sending: 'deny', anonymous: 'anon' } as const;
const USERS = { admin: 'ok', member: 'ok', full: 'deny', sending: 'deny', anonymous: 'anon' } as const;
// Sign-up, sign-in and invitations belong to people: a request made with a key may not take them.
const NO_KEYS = { admin: 'ok', member: 'ok', full: 'deny', sending: 'deny', anonymous: 'ok' } as const;

const rows: Row[] = [
  // Mutations
  {
    op: 'signUp',
    query: `mutation($i: SignUpInput!) { signUp(input: $i) { id } }`,
    vars: () => ({ i: { email: uniqueEmail('matrix'), password: PASSWORD, teamName: 'Matrix' } }),
    expect: NO_KEYS,
  },
  {
    op: 'signIn',
    query: `mutation($i: SignInInput!) { signIn(input: $i) { id } }`,
    vars: () => ({ i: { email: memberEmail, password: PASSWORD } }),
    expect: NO_KEYS,
  },
  { op: 'signOut', query: `mutation { signOut }`, expect: NO_KEYS },
  {
    op: 'acceptInvitation',
    query: `mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { id } }`,
    vars: () => ({ i: { token: 'not-a-real-invitation', password: PASSWORD } }),
    expect: NO_KEYS,
  },
  {
    op: 'requestPasswordReset',
    query: `mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) }`,
    vars: () => ({ i: { email: uniqueEmail('nobody') } }),
    expect: NO_KEYS,
  },
  {
    op: 'resetPassword',
    query: `mutation($i: ResetPasswordInput!) { resetPassword(input: $i) { id } }`,
    vars: () => ({ i: { token: 'not-a-real-reset-link', password: PASSWORD } }),
    expect: NO_KEYS,
  },
  {
    op: 'inviteMember',
    query: `mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }`,
    vars: () => ({ i: { email: uniqueEmail('invitee'), role: 'ADMIN' } }),
    expect: TEAM_ADMIN,
  },
  {
    op: 'updateMemberRole',
    query: `mutation($id: ID!) { updateMemberRole(id: $id, role: ADMIN) { id } }`,
    vars: () => ({ id: MISSING_ID }),
    expect: TEAM_ADMIN,
  },
  { op: 'removeMember', query: `mutation($id: ID!) { removeMember(id: $id) }`, vars: () => ({ id: MISSING_ID }), expect: TEAM_ADMIN },
  {
    op: 'renewInvitationLink',
    query: `mutation($id: ID!) { renewInvitationLink(id: $id) { link } }`,
    vars: () => ({ id: MISSING_ID }),
    expect: TEAM_ADMIN,
  },
  { op: 'revokeInvitation', query: `mutation($id: ID!) { revokeInvitation(id: $id) }`, vars: () => ({ id: MISSING_ID }), expect: TEAM_ADMIN },
  {
    op: 'createApiKey',
    query: `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } } }`,
    vars: () => ({ i: { name: 'matrix', permission: 'SENDING_ACCESS' } }),
    expect: MANAGE,
  },
  { op: 'updateApiKey', query: `mutation($id: ID!) { updateApiKey(id: $id, input: { name: "x" }) { id } }`, vars: () => ({ id: MISSING_ID }), expect: MANAGE },
  { op: 'deleteApiKey', query: `mutation($id: ID!) { deleteApiKey(id: $id) }`, vars: () => ({ id: MISSING_ID }), expect: MANAGE },
  {
    op: 'rollApiKey',
    query: `mutation($id: ID!) { rollApiKey(id: $id, input: { gracePeriodSeconds: 0 }) { token } }`,
    vars: () => ({ id: MISSING_ID }),
    expect: MANAGE,
  },
  {
    op: 'createDomain',
    query: `mutation($i: CreateDomainInput!) { createDomain(input: $i) { id } }`,
    vars: () => ({ i: { name: `m${Math.random().toString(36).slice(2, 10)}.example.com` } }),
    expect: MANAGE,
  },
  { op: 'deleteDomain', query: `mutation($id: ID!) { deleteDomain(id: $id) }`, vars: () => ({ id: MISSING_ID }), expect: MANAGE },
  { op: 'createExport', query: `mutation { createExport(input: { resource: DOMAINS }) { id } }`, expect: MANAGE },
  { op: 'verifyDomain', query: `mutation($id: ID!) { verifyDomain(id: $id) { id } }`, vars: () => ({ id: MISSING_ID }), expect: MANAGE },
  { op: 'cancelEmail', query: `mutation($id: ID!) { cancelEmail(id: $id) { id } }`, vars: () => ({ id: MISSING_ID }), expect: MANAGE },
  {
    op: 'rescheduleEmail',
    query: `mutation($id: ID!) { rescheduleEmail(id: $id, scheduledAt: "2030-01-01T00:00:00Z") { id } }`,
    vars: () => ({ id: MISSING_ID }),
    expect: MANAGE,
  },
  {
    op: 'expirePreviousToken',
    query: `mutation($id: ID!) { expirePreviousToken(id: $id) { id } }`,
    vars: () => ({ id: MISSING_ID }),
    expect: MANAGE,
  },
  {
    op: 'expirePreviousApiKeyToken',
    query: `mutation($id: ID!) { expirePreviousApiKeyToken(id: $id) { id } }`,
    vars: () => ({ id: MISSING_ID }),
    expect: MANAGE,
  },
  // A user's own account: their sessions and password.
  { op: 'signOutOtherSessions', query: `mutation { signOutOtherSessions }`, expect: USERS },
  // A team the caller is not in is NOT_FOUND: the matrix checks who may ask.
  { op: 'switchTeam', query: `mutation($id: ID!) { switchTeam(teamId: $id) { id } }`, vars: () => ({ id: MISSING_ID }), expect: USERS },
  { op: 'revokeSession', query: `mutation($id: ID!) { revokeSession(id: $id) }`, vars: () => ({ id: MISSING_ID }), expect: USERS },
  {
    op: 'changePassword',
    query: `mutation($i: ChangePasswordInput!) { changePassword(input: $i) }`,
    vars: () => ({ i: { currentPassword: 'not the password', newPassword: 'another long password' } }),
    expect: USERS,
  },
  // Queries
  { op: 'sessions', query: `{ sessions { id current } }`, expect: USERS },
  { op: 'signUpAllowed', query: `{ signUpAllowed }`, expect: EVERYONE },
  { op: 'thresholds', query: `{ thresholds { expiringSoonDays } }`, expect: EVERYONE },
  {
    op: 'invitationPreview',
    query: `query($t: String!) { invitationPreview(token: $t) { email } }`,
    vars: () => ({ t: 'not-a-real-invitation' }),
    expect: NO_KEYS,
  },
  { op: 'usageLogRetention', query: `{ usageLogRetention { days } }`, expect: ALL_OK },
  { op: 'exportEstimate', query: `{ exportEstimate(input: { resource: DOMAINS }) { rowCount } }`, expect: MANAGE },
  { op: 'me', query: `{ me { id } }`, expect: EVERYONE },
  // PRODUCT.md: a key's access covers "never members, invitations, roles or the team itself".
  { op: 'team', query: `{ team { id name } }`, expect: USERS },
  { op: 'team.members', query: `{ team { members { id user { email } } } }`, expect: USERS },
  { op: 'team.invitations', query: `{ team { invitations { id email } } }`, expect: TEAM_ADMIN },
  { op: 'apiKeys', query: `{ apiKeys { id } }`, expect: ALL_OK },
  { op: 'apiKey', query: `query($id: ID!) { apiKey(id: $id) { id } }`, vars: () => ({ id: MISSING_ID }), expect: ALL_OK },
  { op: 'apiKeyHealth', query: `{ apiKeyHealth { total } }`, expect: ALL_OK },
  { op: 'auditEvents', query: `{ auditEvents(first: 1) { edges { node { id } } } }`, expect: MANAGE },
  { op: 'domains', query: `{ domains { id } }`, expect: ALL_OK },
  { op: 'domain', query: `query($id: ID!) { domain(id: $id) { id records { value } } }`, vars: () => ({ id: MISSING_ID }), expect: ALL_OK },
  { op: 'sendingPolicy', query: `{ sendingPolicy { requireVerifiedDomains } }`, expect: ALL_OK },
  { op: 'usageLogs', query: `{ usageLogs(first: 1) { edges { node { id } } } }`, expect: ALL_OK },
  { op: 'usageLog', query: `query($id: ID!) { usageLog(id: $id) { id } }`, vars: () => ({ id: MISSING_ID }), expect: ALL_OK },
  { op: 'emails', query: `{ emails(first: 1) { edges { node { id } } } }`, expect: ALL_OK },
  { op: 'email', query: `query($id: ID!) { email(id: $id) { id } }`, vars: () => ({ id: MISSING_ID }), expect: ALL_OK },
  { op: 'contacts', query: `{ contacts(first: 1) { edges { node { id } } } }`, expect: ALL_OK },
  { op: 'broadcasts', query: `{ broadcasts(first: 1) { edges { node { id } } } }`, expect: ALL_OK },
  { op: 'exports', query: `{ exports(first: 1) { edges { node { id } } } }`, expect: ALL_OK },
  { op: 'export', query: `query($id: ID!) { export(id: $id) { id } }`, vars: () => ({ id: MISSING_ID }), expect: ALL_OK },
];

let server: TestServer;
let team: Team;
let member: TestClient;
let memberEmail: string;
const callers = {} as Record<Who, () => { client: TestClient; headers: Record<string, string> }>;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  team = await setUpTeam(server, 'Matrix');
  const email = uniqueEmail('member');
  memberEmail = email;
  const invited = await team.admin.gql(`mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }`, { i: { email } });
  member = server.client();
  const accepted = await member.gql(`mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { id } }`, {
    i: { token: invited.data!.inviteMember.token, password: PASSWORD },
  });
  expect(accepted.errors).toBeUndefined();
  callers.admin = () => ({ client: team.admin, headers: {} });
  callers.member = () => ({ client: member, headers: {} });
  callers.full = () => ({ client: server.client(), headers: { authorization: `Bearer ${team.full.token}` } });
  callers.sending = () => ({ client: server.client(), headers: { authorization: `Bearer ${team.sending.token}` } });
  callers.anonymous = () => ({ client: server.client(), headers: {} });
});
afterAll(() => server?.stop());

async function freshSession(of: TestClient): Promise<TestClient> {
  const me = await of.gql(`{ me { email } }`);
  const fresh = server.client();
  const res = await fresh.gql(`mutation($i: SignInInput!) { signIn(input: $i) { id } }`, { i: { email: me.data!.me.email, password: PASSWORD } });
  expect(res.errors).toBeUndefined();
  return fresh;
}

describe('role matrix: every operation × ADMIN / MEMBER / full-access key / sending-access key / anonymous', () => {
  const cases = rows.flatMap((row) => (Object.keys(row.expect) as Who[]).map((who) => [row.op, who, row] as const));
  it.each(cases)('%s as %s', async (_op, who, row) => {
    const { client, headers } = callers[who]();
    // Sign-out and friends change the session: a session caller runs them on a fresh session of its own.
    const changesSession = ['signOut', 'signUp', 'signIn', 'acceptInvitation'].includes(row.op);
    const res =
      changesSession && !headers.authorization && who !== 'anonymous'
        ? await (await freshSession(client)).gql(row.query, row.vars?.())
        : await client.gql(row.query, row.vars?.(), headers);
    const codes = (res.errors ?? []).map((e) => e.extensions?.code);
    const expected = row.expect[who];
    if (expected === 'ok') {
      expect(codes, JSON.stringify(res.errors)).not.toContain('FORBIDDEN');
      expect(codes).not.toContain('UNAUTHENTICATED');
      expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
    } else {
      expect(codes, JSON.stringify(res)).toContain(expected === 'deny' ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    }
  });
});

describe('role matrix: completeness', () => {
  it('has a row for every query and mutation in the schema', () => {
    const schema = buildSchema(fs.readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
    const operations = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) => Object.keys(type.getFields()));
    const listed = new Set(rows.map((row) => row.op));
    // exportProgress is a subscription: its callers are checked over the WebSocket (session-lifetime, faults-websocket).
    expect(operations.filter((op) => !listed.has(op))).toEqual([]);
  });
});

describe('a full-access key cannot take over its team', () => {
  it('cannot invite an admin, see the invitation token, change roles or remove the owner', async () => {
    const key = { authorization: `Bearer ${team.full.token}` };
    const attacker = uniqueEmail('attacker');
    const invited = await server
      .client()
      .gql(`mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token invitation { id } } }`, { i: { email: attacker, role: 'ADMIN' } }, key);
    expect(invited.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(invited.data ?? null).toBeNull();
    expect(await sql(server.databaseUrl, 'select 1 from invitation where email = $1', [attacker])).toHaveLength(0);

    const members = await team.admin.gql(`{ team { members { id role } } }`);
    const owner = members.data!.team.members.find((m: { role: string }) => m.role === 'ADMIN');
    for (const query of [`mutation($id: ID!) { removeMember(id: $id) }`, `mutation($id: ID!) { updateMemberRole(id: $id, role: MEMBER) { id } }`]) {
      const res = await server.client().gql(query, { id: owner.id }, key);
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    const after = await team.admin.gql(`{ team { members { id role } } }`);
    expect(after.data!.team.members).toEqual(members.data!.team.members);
  });

  it('a request made with a key keeps the key as its actor: signUp in the same operation neither runs nor hides the request', async () => {
    const key = { authorization: `Bearer ${team.full.token}` };
    await server.app.services.usageRecorder.flush();
    const before = await sql<{ n: number }>(server.databaseUrl, 'select request_count as n from api_key where id = $1', [team.full.id]);
    const name = `hidden-${Date.now()}.example.com`;
    const res = await server
      .client()
      .gql(
        `mutation($d: CreateDomainInput!, $s: SignUpInput!) { createDomain(input: $d) { id } signUp(input: $s) { id } }`,
        { d: { name }, s: { email: uniqueEmail('hider'), password: PASSWORD, teamName: 'Hider' } },
        key,
      );
    expect(res.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
    expect(res.headers.get('set-cookie')).toBeNull();
    await server.app.services.usageRecorder.flush();
    const logs = await sql<{ endpoint: string }>(server.databaseUrl, 'select endpoint from usage_log where api_key_id = $1 and request_body::text like $2', [
      team.full.id,
      `%${name}%`,
    ]);
    expect(logs).toHaveLength(1);
    const after = await sql<{ n: number }>(server.databaseUrl, 'select request_count as n from api_key where id = $1', [team.full.id]);
    expect(after[0].n).toBe(before[0].n + 1);
  });
});
