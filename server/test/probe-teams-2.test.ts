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
            `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%from team where id%for no key update%'`,
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

describe('an account slowed by the sign-in backoff (guesses from many addresses)', () => {
  type Answer = { ok: boolean; code?: string; retryAfter?: number };
  async function signInFrom(address: string, email: string, password: string): Promise<Answer> {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      // From loopback, X-Forwarded-For is the client's address (trust proxy): documentation ranges only.
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ query: SIGN_IN, variables: { input: { email, password } } }),
    });
    const body = (await res.json()) as { errors?: { extensions?: { code?: string; retryAfter?: number } }[] };
    const e = body.errors?.[0];
    return { ok: !body.errors, code: e?.extensions?.code, retryAfter: e?.extensions?.retryAfter };
  }

  it('a try refused by the backoff costs nothing else: the owner clicking Sign in during it is not held off for 15 minutes', async () => {
    const { email } = await signUpAdmin(server, 'Slowed');
    // A botnet's ten failures from addresses the account never signed in from: the backoff starts.
    for (let i = 0; i < 10; i++) expect((await signInFrom(`198.51.100.${10 + i}`, email, `guess ${i}`)).code).toBe('UNAUTHENTICATED');
    // More guesses, each waiting out the backoff, until it holds for more than 3 s.
    let slowed: Answer | undefined;
    for (let i = 0; i < 20 && !slowed; i++) {
      const r = await signInFrom(`198.51.100.${40 + i}`, email, `late guess ${i}`);
      if (r.code !== 'RATE_LIMITED') continue;
      if ((r.retryAfter ?? 0) >= 4) slowed = r;
      else await new Promise((w) => setTimeout(w, (r.retryAfter ?? 1) * 1000));
    }
    expect(slowed).toBeDefined();
    // The owner, from a new address, tries again and again while it holds: each is asked to wait the backoff.
    const owner = '203.0.113.77';
    for (let i = 0; i < 11; i++) {
      const r = await signInFrom(owner, email, PASSWORD);
      expect(r.code, `try ${i}`).toBe('RATE_LIMITED');
      expect(r.retryAfter, `try ${i}`).toBeLessThanOrEqual(60);
    }
    // Once it is over, the owner signs in (these tries had held that address off the account for 15 minutes).
    const wait = (await signInFrom(owner, email, PASSWORD)).retryAfter ?? 0;
    expect(wait).toBeLessThanOrEqual(60);
    await new Promise((w) => setTimeout(w, wait * 1000 + 200));
    const signedIn = await signInFrom(owner, email, PASSWORD);
    expect(signedIn.ok, JSON.stringify(signedIn)).toBe(true);
  }, 60_000);
});

describe('changing the password renews the cookie of the session that changed it (OWASP: a new session id after a password change)', () => {
  it('a copy of that cookie taken before (a stolen one) is signed out; the browser that changed it stays signed in, the same session', async () => {
    const { client, email } = await signUpAdmin(server, 'Renewed');
    const before = (await client.gql(`{ sessions { id current expiresAt } }`)).data!.sessions;
    const stolen = server.client();
    stolen.cookie = client.cookie;
    expect((await stolen.gql(`{ me { email } }`)).data!.me).toEqual({ email });

    const changed = await client.gql(CHANGE_PASSWORD, { input: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } });
    expect(changed.errors).toBeUndefined();
    const setCookie = changed.headers.getSetCookie().find((c) => c.startsWith('keyring_session='));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(client.cookie).not.toBe(stolen.cookie);

    expect((await stolen.gql(`{ me { email } }`)).data!.me).toBeNull();
    expect((await client.gql(`{ me { email } }`)).data!.me).toEqual({ email });
    // The same session (its id and expiry), under a new cookie.
    expect((await client.gql(`{ sessions { id current expiresAt } }`)).data!.sessions).toEqual(before);
  });

  it('a refused change renews nothing', async () => {
    const { client } = await signUpAdmin(server, 'Not renewed');
    const cookie = client.cookie;
    const refused = await client.gql(CHANGE_PASSWORD, { input: { currentPassword: 'not my password', newPassword: 'a brand new passphrase' } });
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect(client.cookie).toBe(cookie);
    expect((await client.gql(`{ me { id } }`)).data!.me).not.toBeNull();
  });
});

describe('revoking an invitation asks again whether the caller is an admin, as inviting, renewing, role changes and removals do', () => {
  it('an admin made a member (or removed) earlier in the same request revokes nothing: FORBIDDEN, the invitation stays', async () => {
    const owner = await signUpAdmin(server, 'Two admins');
    const secondEmail = uniqueEmail('second');
    const joined = server.client();
    const { token } = await invite(owner.client, secondEmail, 'ADMIN');
    expect((await joined.gql(ACCEPT, { input: { token, password: PASSWORD } })).errors).toBeUndefined();
    const members = (await owner.client.gql(`{ team { members { id user { email } } } }`)).data!.team.members as { id: string; user: { email: string } }[];
    const secondId = members.find((m) => m.user.email === secondEmail)!.id;

    for (const [label, first] of [
      ['made a member', `updateMemberRole(id: $self, role: MEMBER) { id }`],
      ['removed', `removeMember(id: $self)`],
    ] as const) {
      const pending = await invite(owner.client, uniqueEmail('pending'));
      const res = await joined.gql(`mutation($self: ID!, $inv: ID!) { first: ${first} revoke: revokeInvitation(id: $inv) }`, {
        self: secondId,
        inv: pending.invitation.id,
      });
      expect(
        res.errors?.map((e) => [e.path?.[0], e.extensions?.code]),
        label,
      ).toEqual([['revoke', 'FORBIDDEN']]);
      const still = (await owner.client.gql(`{ team { invitations { id } } }`)).data!.team.invitations as { id: string }[];
      expect(
        still.map((i) => i.id),
        label,
      ).toContain(pending.invitation.id);
      if (label === 'made a member') {
        // An admin again, for the second case.
        expect((await owner.client.gql(`mutation($id: ID!) { updateMemberRole(id: $id, role: ADMIN) { id } }`, { id: secondId })).errors).toBeUndefined();
      }
    }
  });
});

describe('signOut ends the session the request acts for', () => {
  it('also after the same request moved it to another team or renewed its cookie (the cookie sent no longer named it: it stayed live)', async () => {
    const own = await signUpAdmin(server, 'Own');
    const other = await signUpAdmin(server, 'Other');
    const { token } = await invite(other.client, own.email);
    expect((await server.client().gql(ACCEPT, { input: { token, password: PASSWORD } })).errors).toBeUndefined();
    for (const [label, first, variables] of [
      ['switchTeam', `switchTeam(teamId: $arg) { id }`, { arg: other.user.team.id }],
      ['changePassword', `changePassword(input: $arg)`, { arg: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } }],
    ] as const) {
      const browser = server.client();
      expect((await browser.gql(SIGN_IN, { input: { email: own.email, password: PASSWORD } })).errors).toBeUndefined();
      const id = (await browser.gql(`{ sessions { id current } }`)).data!.sessions.find((s: { current: boolean }) => s.current).id as string;
      const type = label === 'switchTeam' ? 'ID!' : 'ChangePasswordInput!';
      const res = await browser.gql(`mutation($arg: ${type}) { first: ${first} out: signOut }`, variables);
      expect(res.errors, label).toBeUndefined();
      expect(await sql(server.databaseUrl, 'select 1 from session where id = $1', [id]), label).toEqual([]);
    }
  });
});
