import 'reflect-metadata';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUpAdmin, sql, startTestServer, type TestClient, type TestServer, uniqueEmail, waitFor } from './harness.js';

/*
 * A second outside review of teams, members, invitations, roles, accounts and sessions: each
 * defect pinned with the requests that showed it.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
});
afterAll(() => server?.stop());

const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token invitation { id } } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id email role team { id } } }`;
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { id } }`;
const CHANGE_PASSWORD = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) }`;

async function invite(admin: TestClient, email: string, role = 'MEMBER') {
  const res = await admin.gql(INVITE, { input: { email, role } });
  expect(res.errors).toBeUndefined();
  return res.data!.inviteMember as { token: string; invitation: { id: string } };
}

async function auditOf(admin: TestClient, action: string) {
  const res = await admin.gql(`{ auditEvents(first: 100) { edges { node { action targetId actor { id } metadata } } } }`);
  expect(res.errors).toBeUndefined();
  return (res.data!.auditEvents.edges as { node: { action: string; targetId: string; actor: { id: string } | null; metadata: unknown } }[])
    .map((e) => e.node)
    .filter((n) => n.action === action);
}

/** Holds a team's row (as team.lock.ts takes it) in a transaction of the test's own, until `release`. */
async function holdTeam(teamId: string) {
  const c = new pg.Client({ connectionString: server.databaseUrl });
  await c.connect();
  await c.query('begin');
  await c.query('select 1 from team where id = $1 for update', [teamId]);
  return {
    /** Resolves once a request of the app waits for the team's row. */
    waited: () =>
      waitFor(
        async () => {
          const rows = await sql(
            server.databaseUrl,
            `select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%from team where id%for no key update%'`,
          );
          return rows.length > 0 ? true : undefined;
        },
        10_000,
        'a request waiting for the team lock',
      ),
    async release() {
      await c.query('commit');
      await c.end();
    },
  };
}

describe('a new invitation to an address with a pending one', () => {
  it('records the replaced invitation as revoked, with whom it invited, as what and why (it vanished from the trail)', async () => {
    const { client, user } = await signUpAdmin(server);
    const email = uniqueEmail('reinvited');
    const first = await invite(client, email, 'ADMIN');
    const second = await invite(client, email.toUpperCase(), 'MEMBER');
    expect(await auditOf(client, 'member.invitation_revoked')).toEqual([
      {
        action: 'member.invitation_revoked',
        targetId: first.invitation.id,
        actor: { id: user.id },
        metadata: { email, role: 'ADMIN', reason: 'replaced by a new invitation' },
      },
    ]);
    // The new one is the one pending, and the first link no longer works.
    expect((await client.gql(`{ team { invitations { id } } }`)).data!.team.invitations).toEqual([{ id: second.invitation.id }]);
    const old = await server.client().gql(ACCEPT, { input: { token: first.token, password: PASSWORD } });
    expect(old.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
  });

  it('a first invitation records no revocation', async () => {
    const { client } = await signUpAdmin(server);
    await invite(client, uniqueEmail('first-time'));
    expect(await auditOf(client, 'member.invitation_revoked')).toEqual([]);
  });
});

describe('accepting an invitation with an existing account while its password is changed', () => {
  it('does not sign in with the old password once the change is made (its session outlived the change)', async () => {
    const own = await signUpAdmin(server, 'Own team');
    const other = await signUpAdmin(server, 'Other team');
    const { token } = await invite(other.client, own.email);
    const newPassword = 'a brand new passphrase';
    // The accept checks the old password, then waits for the other team's row while the owner changes it.
    const hold = await holdTeam(other.user.team.id);
    const joining = server.client();
    let accepted: Awaited<ReturnType<TestClient['gql']>> | undefined;
    const accepting = joining.gql(ACCEPT, { input: { token, password: PASSWORD } }).then((r) => {
      accepted = r;
    });
    try {
      await hold.waited();
      const changed = await own.client.gql(CHANGE_PASSWORD, { input: { currentPassword: PASSWORD, newPassword } });
      expect(changed.errors).toBeUndefined();
    } finally {
      await hold.release();
    }
    await accepting;
    expect(accepted!.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await joining.gql(`{ me { id } }`)).data!.me).toBeNull();
    expect(await sql(server.databaseUrl, 'select 1 from membership where user_id = $1 and team_id = $2', [own.user.id, other.user.team.id])).toEqual([]);
    // The invitation is still pending, and the new password joins with it.
    const retry = await server.client().gql(ACCEPT, { input: { token, password: newPassword } });
    expect(retry.errors).toBeUndefined();
    expect(retry.data!.acceptInvitation.team.id).toBe(other.user.team.id);
    // Only the new password signs in.
    expect((await server.client().gql(SIGN_IN, { input: { email: own.email, password: PASSWORD } })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
