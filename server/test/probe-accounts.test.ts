import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUpAdmin, sql, startTestServer, type TestClient, type TestServer, uniqueEmail } from './harness.js';

/*
 * Defects found by an outside review of accounts, sessions, teams, invitations, domains and their
 * audit trail, each pinned with the requests that showed it; and rules the review checked that no
 * other test pinned.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
});
afterAll(() => server?.stop());

const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token invitation { id } } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id email role team { id } } }`;
const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { id email } }`;

async function invite(admin: TestClient, email: string, role = 'MEMBER') {
  const res = await admin.gql(INVITE, { input: { email, role } });
  expect(res.errors).toBeUndefined();
  return res.data!.inviteMember as { token: string; invitation: { id: string } };
}

const accept = (token: string, password = PASSWORD) => server.client().gql(ACCEPT, { input: { token, password } });

async function auditOf(admin: TestClient, action: string) {
  const res = await admin.gql(`{ auditEvents(first: 100) { edges { node { action targetId actor { id } metadata } } } }`);
  expect(res.errors).toBeUndefined();
  return (res.data!.auditEvents.edges as { node: { action: string; targetId: string; actor: { id: string } | null; metadata: unknown } }[])
    .map((e) => e.node)
    .filter((n) => n.action === action);
}

describe('accepting invitations of two teams to one new address at once', () => {
  it('makes one account that belongs to both teams; neither accept is an INTERNAL_SERVER_ERROR (the second insert of the user was a 500)', async () => {
    for (let round = 0; round < 3; round++) {
      const a = await signUpAdmin(server, 'Team A');
      const b = await signUpAdmin(server, 'Team B');
      const email = uniqueEmail('both');
      const [ia, ib] = [await invite(a.client, email), await invite(b.client, email)];
      const results = await Promise.all([accept(ia.token), accept(ib.token)]);
      for (const res of results) {
        expect(res.errors).toBeUndefined();
        expect(res.data!.acceptInvitation.email).toBe(email);
      }
      expect(results.map((r) => r.data!.acceptInvitation.team.id).sort()).toEqual([a.user.team.id, b.user.team.id].sort());
      const users = await sql<{ id: string }>(server.databaseUrl, 'select id from app_user where email = $1', [email]);
      expect(users).toHaveLength(1);
      const teams = await sql<{ team_id: string }>(server.databaseUrl, 'select team_id from membership where user_id = $1', [users[0].id]);
      expect(teams.map((m) => m.team_id).sort()).toEqual([a.user.team.id, b.user.team.id].sort());
      // Both invitations are used up.
      const pending = await sql(server.databaseUrl, 'select 1 from invitation where email = $1 and accepted_at is null', [email]);
      expect(pending).toEqual([]);
    }
  });

  it('a second accept with another password than the account just created is refused as a wrong password, and its invitation stays usable', async () => {
    const a = await signUpAdmin(server, 'Team A');
    const b = await signUpAdmin(server, 'Team B');
    const email = uniqueEmail('other-password');
    const [ia, ib] = [await invite(a.client, email), await invite(b.client, email)];
    const [first, second] = await Promise.all([accept(ia.token), accept(ib.token, 'another password entirely')]);
    const outcomes = [first, second].map((r) => (r.errors ? r.errors[0].extensions?.code : 'joined'));
    // Whichever created the account, the other one needed that account's password.
    expect(outcomes.sort()).toEqual(['UNAUTHENTICATED', 'joined'].sort());
    const refusedToken = first.errors ? ia.token : ib.token;
    const winnersPassword = first.errors ? 'another password entirely' : PASSWORD;
    const retry = await accept(refusedToken, winnersPassword);
    // The account's password is the winner's: the refused invitation is accepted with it.
    expect(retry.errors).toBeUndefined();
    expect(await sql(server.databaseUrl, 'select 1 from invitation where email = $1 and accepted_at is null', [email])).toEqual([]);
  });
});

describe('inviting one address several times at once', () => {
  it('leaves one pending invitation and one working link (each invite deleted none and added its own: three live links)', async () => {
    const { client, user } = await signUpAdmin(server);
    const email = uniqueEmail('double-click');
    const results = await Promise.all([0, 1, 2].map(() => client.gql(INVITE, { input: { email, role: 'ADMIN' } })));
    for (const res of results) expect(res.errors).toBeUndefined();
    const pending = await sql(server.databaseUrl, 'select id from invitation where team_id = $1 and email = $2 and accepted_at is null', [user.team.id, email]);
    expect(pending).toHaveLength(1);
    const listed = await client.gql(`{ team { invitations { id email } } }`);
    expect(listed.data!.team.invitations.filter((i: { email: string }) => i.email === email)).toHaveLength(1);
    const previews = await Promise.all(
      results.map((r) => server.client().gql(`query($t: String!) { invitationPreview(token: $t) { email } }`, { t: r.data!.inviteMember.token })),
    );
    expect(previews.filter((p) => p.data!.invitationPreview !== null)).toHaveLength(1);
  });
});

describe('the audit trail names the member an action was about', () => {
  it('a revoked invitation keeps whom it invited and as what (the row is deleted: its event said nothing)', async () => {
    const { client, user } = await signUpAdmin(server);
    const email = uniqueEmail('revoked');
    const { invitation } = await invite(client, email, 'ADMIN');
    const res = await client.gql(`mutation($id: ID!) { revokeInvitation(id: $id) }`, { id: invitation.id });
    expect(res.errors).toBeUndefined();
    expect(await auditOf(client, 'member.invitation_revoked')).toEqual([
      { action: 'member.invitation_revoked', targetId: invitation.id, actor: { id: user.id }, metadata: { email, role: 'ADMIN' } },
    ]);
  });

  it("a role change names whose role, which stays readable once the member is removed (the membership's id named no one)", async () => {
    const { client, user } = await signUpAdmin(server);
    const email = uniqueEmail('promoted');
    const { token } = await invite(client, email);
    const joined = await accept(token);
    const memberUserId = joined.data!.acceptInvitation.id;
    const members = await client.gql(`{ team { members { id user { email } } } }`);
    const membershipId = members.data!.team.members.find((m: { user: { email: string } }) => m.user.email === email).id;
    expect((await client.gql(`mutation($id: ID!) { updateMemberRole(id: $id, role: ADMIN) { role } }`, { id: membershipId })).errors).toBeUndefined();
    expect((await client.gql(`mutation($id: ID!) { removeMember(id: $id) }`, { id: membershipId })).errors).toBeUndefined();
    expect(await auditOf(client, 'member.role_changed')).toEqual([
      {
        action: 'member.role_changed',
        targetId: membershipId,
        actor: { id: user.id },
        metadata: { userId: memberUserId, email, from: 'MEMBER', to: 'ADMIN' },
      },
    ]);
  });
});

describe('password length', () => {
  it('counts characters (code points), not UTF-16 units: five emoji are too short, 200 are not too long', async () => {
    const short = await server.client().gql(SIGN_UP, { input: { email: uniqueEmail('emoji'), password: '😀'.repeat(5), teamName: 'T' } });
    expect(short.errors?.[0]).toMatchObject({ message: 'Password must be at least 10 characters.', extensions: { code: 'BAD_USER_INPUT', field: 'password' } });
    const long = await server.client().gql(SIGN_UP, { input: { email: uniqueEmail('emoji'), password: '😀'.repeat(200), teamName: 'T' } });
    expect(long.errors).toBeUndefined();
    const tooLong = await server.client().gql(SIGN_UP, { input: { email: uniqueEmail('emoji'), password: '😀'.repeat(257), teamName: 'T' } });
    expect(tooLong.errors?.[0]).toMatchObject({ message: 'Password must be at most 256 characters.', extensions: { field: 'password' } });
    // The long one signs in with it.
    const signIn = await server.client().gql(`mutation($input: SignInInput!) { signIn(input: $input) { id } }`, {
      input: { email: long.data!.signUp.email, password: '😀'.repeat(200) },
    });
    expect(signIn.errors).toBeUndefined();
  });
});

describe('rules the review checked', () => {
  it('a mutation sent over GET with the session cookie is refused (405) and does not run: the session stays', async () => {
    const { client } = await signUpAdmin(server);
    const res = await fetch(`${server.url}/graphql?query=${encodeURIComponent('mutation { signOut }')}`, {
      headers: { cookie: client.cookie!, 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(405);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect((await client.gql(`{ me { id } }`)).data!.me).not.toBeNull();
  });

  it('a cross-site form post with the cookie (text/plain, urlencoded) is refused as CSRF and does not sign out', async () => {
    const { client } = await signUpAdmin(server);
    for (const [type, body] of [
      ['text/plain', JSON.stringify({ query: 'mutation { signOut }' })],
      ['application/x-www-form-urlencoded', 'query=mutation%20%7B%20signOut%20%7D'],
    ]) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': type, cookie: client.cookie!, origin: 'https://evil.example' },
        body,
      });
      expect(res.status).toBe(400);
    }
    expect((await client.gql(`{ me { id } }`)).data!.me).not.toBeNull();
  });

  it("a demoted admin's open session acts as a member at once; a removed member's is ended, and a re-sign-in is refused", async () => {
    const { client } = await signUpAdmin(server);
    const email = uniqueEmail('second-admin');
    const { token } = await invite(client, email, 'ADMIN');
    const second = server.client();
    expect((await second.gql(ACCEPT, { input: { token, password: PASSWORD } })).errors).toBeUndefined();
    const members = await client.gql(`{ team { members { id user { email } } } }`);
    const id = members.data!.team.members.find((m: { user: { email: string } }) => m.user.email === email).id;
    expect((await client.gql(`mutation($id: ID!) { updateMemberRole(id: $id, role: MEMBER) { role } }`, { id })).errors).toBeUndefined();
    const refused = await second.gql(INVITE, { input: { email: uniqueEmail(), role: 'ADMIN' } });
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await second.gql(`{ auditEvents { edges { node { id } } } }`)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await client.gql(`mutation($id: ID!) { removeMember(id: $id) }`, { id })).errors).toBeUndefined();
    expect((await second.gql(`{ me { id } }`)).data!.me).toBeNull();
    const signIn = await server.client().gql(`mutation($input: SignInInput!) { signIn(input: $input) { id } }`, { input: { email, password: PASSWORD } });
    expect(signIn.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('domain names', () => {
  const CREATE_DOMAIN = `mutation($input: CreateDomainInput!) { createDomain(input: $input) { id name records { fqdn } } }`;
  const labels = (n: number) => Array.from({ length: n }, () => 'a'.repeat(63)).join('.');

  it('a name whose DKIM record could not exist in DNS (over 234 characters) is refused, over GraphQL and REST, and nothing is written', async () => {
    const { client, user } = await signUpAdmin(server);
    const longest = `${labels(3)}.${'b'.repeat(42)}`;
    expect(longest).toHaveLength(234);
    const ok = await client.gql(CREATE_DOMAIN, { input: { name: longest } });
    expect(ok.errors).toBeUndefined();
    // Every record it asks for fits in DNS.
    for (const r of ok.data!.createDomain.records as { fqdn: string }[]) expect(r.fqdn.length).toBeLessThanOrEqual(253);
    const key = await client.gql(`mutation { createApiKey(input: { name: "k", permission: FULL_ACCESS }) { token } }`);
    for (const name of [`${labels(3)}.${'b'.repeat(43)}`, `${labels(3)}.${'b'.repeat(61)}`]) {
      const res = await client.gql(CREATE_DOMAIN, { input: { name } });
      expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'name' } });
      expect(res.errors?.[0].message).toMatch(/at most 234 characters.*keyring\._domainkey/);
      const rest = await fetch(`${server.url}/api/domains`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.data!.createApiKey.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      expect(rest.status).toBe(422);
      expect(await rest.json()).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(/at most 234/) });
    }
    expect(await sql(server.databaseUrl, 'select name from domain where team_id = $1', [user.team.id])).toEqual([{ name: longest }]);
  });

  it('an internationalised name is refused with its ASCII (xn--) form to enter instead; a look-alike of an ASCII name is refused plainly', async () => {
    const { client, user } = await signUpAdmin(server);
    const res = await client.gql(CREATE_DOMAIN, { input: { name: 'Bücher.example' } });
    expect(res.errors?.[0]).toMatchObject({
      message: 'Enter an internationalised domain name in its ASCII form: xn--bcher-kva.example for bücher.example.',
      extensions: { code: 'BAD_USER_INPUT', field: 'name' },
    });
    for (const name of ['ｅxample.com', 'ex\u200bample.com']) {
      const lookAlike = await client.gql(CREATE_DOMAIN, { input: { name } });
      expect(lookAlike.errors?.[0].message).toBe('Enter a valid domain name, like example.com or mail.example.com.');
    }
    expect((await client.gql(CREATE_DOMAIN, { input: { name: 'xn--bcher-kva.example' } })).data!.createDomain.name).toBe('xn--bcher-kva.example');
    expect(await sql(server.databaseUrl, 'select name from domain where team_id = $1', [user.team.id])).toEqual([{ name: 'xn--bcher-kva.example' }]);
  });
});

describe('a user in several teams', () => {
  const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { id team { name } } }`;
  const ME = `{ me { id role team { id name } teams { id name role current } } }`;

  it('signs in to the oldest team and moves to another with switchTeam (the team joined later was out of reach once signed out)', async () => {
    const own = await signUpAdmin(server, 'Own team');
    const other = await signUpAdmin(server, 'Other team');
    const { token } = await invite(other.client, own.email);
    expect((await accept(token)).errors).toBeUndefined();

    const browser = server.client();
    expect((await browser.gql(SIGN_IN, { input: { email: own.email, password: PASSWORD } })).data!.signIn.team.name).toBe('Own team');
    const before = browser.cookie;
    const me = await browser.gql(ME);
    expect(me.data!.me.teams).toEqual([
      { id: own.user.team.id, name: 'Own team', role: 'ADMIN', current: true },
      { id: other.user.team.id, name: 'Other team', role: 'MEMBER', current: false },
    ]);

    const switched = await browser.gql(`mutation($id: ID!) { switchTeam(teamId: $id) { id role team { name } } }`, { id: other.user.team.id });
    expect(switched.errors).toBeUndefined();
    expect(switched.data!.switchTeam).toEqual({ id: own.user.id, role: 'MEMBER', team: { name: 'Other team' } });
    expect(browser.cookie).not.toBe(before);
    const after = await browser.gql(ME);
    expect(after.data!.me).toMatchObject({ role: 'MEMBER', team: { id: other.user.team.id } });
    expect(after.data!.me.teams.map((t: { current: boolean }) => t.current)).toEqual([false, true]);
    // A member there: admin work is refused; the cookie it held is ended, not left live beside the new one.
    expect((await browser.gql(`mutation { createDomain(input: { name: "switch.example.com" }) { id } }`)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const old = server.client();
    old.cookie = before;
    expect((await old.gql(`{ me { id } }`)).data!.me).toBeNull();
    const sessions = await sql(server.databaseUrl, 'select team_id from session where user_id = $1', [own.user.id]);
    expect(sessions.filter((s) => s.team_id === own.user.team.id)).toHaveLength(1); // the sign-up's own session only
  });

  it("a team the user is not in (another's, missing, malformed) is NOT_FOUND and the session stays where it was; another user's teams are never listed", async () => {
    const a = await signUpAdmin(server, 'Mine');
    const b = await signUpAdmin(server, 'Theirs');
    for (const id of [b.user.team.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await a.client.gql(`mutation($id: ID!) { switchTeam(teamId: $id) { id } }`, { id });
      expect(res.errors?.[0]).toMatchObject({ message: 'Team not found.', extensions: { code: 'NOT_FOUND' } });
    }
    expect((await a.client.gql(`{ me { team { id } } }`)).data!.me.team.id).toBe(a.user.team.id);
    const { token } = await invite(a.client, uniqueEmail('colleague'));
    expect((await accept(token)).errors).toBeUndefined();
    const members = await a.client.gql(`{ team { members { user { email teams { id } } } } }`);
    const others = members.data!.team.members.filter((m: { user: { email: string } }) => m.user.email !== a.email);
    expect(others.map((m: { user: { teams: unknown[] } }) => m.user.teams)).toEqual([[]]);
  });
});

describe('invitation links an admin was shown, once that admin is removed or made a member', () => {
  async function teamWithSecondAdmin() {
    const owner = await signUpAdmin(server, 'Owned');
    const email = uniqueEmail('second-admin');
    const { token } = await invite(owner.client, email, 'ADMIN');
    const second = server.client();
    expect((await second.gql(ACCEPT, { input: { token, password: PASSWORD } })).errors).toBeUndefined();
    const members = await owner.client.gql(`{ team { members { id user { email } } } }`);
    const membershipId = members.data!.team.members.find((m: { user: { email: string } }) => m.user.email === email).id as string;
    return { owner, second, membershipId };
  }

  it('a removed admin cannot come back through an invitation they sent and kept (they joined again, as an admin)', async () => {
    const { owner, second, membershipId } = await teamWithSecondAdmin();
    const puppet = uniqueEmail('puppet');
    const kept = await invite(second, puppet, 'ADMIN');
    const ownersInvitee = uniqueEmail('owners-invitee');
    const owners = await invite(owner.client, ownersInvitee);
    expect((await owner.client.gql(`mutation($id: ID!) { removeMember(id: $id) }`, { id: membershipId })).errors).toBeUndefined();

    const back = await accept(kept.token, 'the removed admin again');
    expect(back.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'token' } });
    expect(await sql(server.databaseUrl, 'select 1 from app_user where email = $1', [puppet])).toEqual([]);
    // The owner's own invitation is untouched, and the trail says what went and why.
    const pending = await owner.client.gql(`{ team { invitations { email } } }`);
    expect(pending.data!.team.invitations).toEqual([{ email: ownersInvitee }]);
    expect(await auditOf(owner.client, 'member.invitation_revoked')).toEqual([
      {
        action: 'member.invitation_revoked',
        targetId: kept.invitation.id,
        actor: { id: owner.user.id },
        metadata: { email: puppet, role: 'ADMIN', reason: 'the admin shown its link was removed from the team' },
      },
    ]);
    expect((await accept(owners.token)).errors).toBeUndefined();
  });

  it('an admin made a member loses the links they sent or renewed; links renewed since by another admin stay', async () => {
    const { owner, second, membershipId } = await teamWithSecondAdmin();
    const sent = await invite(second, uniqueEmail('sent-by-second'), 'ADMIN');
    const ownersInvitee = uniqueEmail('renewed-by-second');
    const owners = await invite(owner.client, ownersInvitee, 'ADMIN');
    const renewed = await second.gql(`mutation($id: ID!) { renewInvitationLink(id: $id) { link } }`, { id: owners.invitation.id });
    expect(renewed.errors).toBeUndefined();
    const renewedToken = new URL(renewed.data!.renewInvitationLink.link).searchParams.get('token')!;
    // The second admin's link to this one was replaced by the owner's renewal: theirs no longer works anyway.
    const third = await invite(second, uniqueEmail('renewed-by-owner'));
    const again = await owner.client.gql(`mutation($id: ID!) { renewInvitationLink(id: $id) { link } }`, { id: third.invitation.id });
    const ownersToken = new URL(again.data!.renewInvitationLink.link).searchParams.get('token')!;

    expect((await owner.client.gql(`mutation($id: ID!) { updateMemberRole(id: $id, role: MEMBER) { role } }`, { id: membershipId })).errors).toBeUndefined();
    for (const token of [sent.token, renewedToken]) {
      expect((await accept(token)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    }
    expect((await accept(ownersToken)).errors).toBeUndefined();
    const revoked = await auditOf(owner.client, 'member.invitation_revoked');
    expect(revoked.map((e) => e.targetId).sort()).toEqual([sent.invitation.id, owners.invitation.id].sort());
    for (const e of revoked) expect(e.metadata).toMatchObject({ reason: 'the admin shown its link was made a member' });
  });
});

describe('switchTeam moves the session, it does not make another', () => {
  it('keeps the session’s id and expiry (a new row beside an ended one outlived a revoke or a password change made meanwhile); a revoked session cannot switch', async () => {
    const own = await signUpAdmin(server, 'Own team');
    const other = await signUpAdmin(server, 'Other team');
    const { token } = await invite(other.client, own.email);
    expect((await accept(token)).errors).toBeUndefined();
    const browser = server.client();
    await browser.gql(`mutation($input: SignInInput!) { signIn(input: $input) { id } }`, { input: { email: own.email, password: PASSWORD } });
    const before = (await browser.gql(`{ sessions { id current expiresAt } }`)).data!.sessions.find((s: { current: boolean }) => s.current);
    expect((await browser.gql(`mutation($id: ID!) { switchTeam(teamId: $id) { id } }`, { id: other.user.team.id })).errors).toBeUndefined();
    const after = (await browser.gql(`{ sessions { id current expiresAt teamName } }`)).data!.sessions.find((s: { current: boolean }) => s.current);
    expect(after).toEqual({ ...before, teamName: 'Other team' });
    // Its owner, elsewhere, ends it by the id they saw: it is ended, wherever it moved.
    expect((await own.client.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: before.id })).errors).toBeUndefined();
    expect((await browser.gql(`{ me { id } }`)).data!.me).toBeNull();
    // A session that is gone cannot switch.
    const gone = server.client();
    await gone.gql(`mutation($input: SignInInput!) { signIn(input: $input) { id } }`, { input: { email: own.email, password: PASSWORD } });
    const goneId = (await gone.gql(`{ sessions { id current } }`)).data!.sessions.find((s: { current: boolean }) => s.current).id;
    await sql(server.databaseUrl, 'delete from session where id = $1', [goneId]);
    const sessionsThere = () => sql(server.databaseUrl, 'select id from session where user_id = $1 and team_id = $2', [own.user.id, other.user.team.id]);
    const there = await sessionsThere();
    const refused = await gone.gql(`mutation($id: ID!) { switchTeam(teamId: $id) { id } }`, { id: other.user.team.id });
    expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await sessionsThere()).toEqual(there);
  });
});
