import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUpAdmin, sql, startTestServer, type TestClient, type TestServer } from './harness.js';
import { createKey } from './rest-harness.js';

/*
 * A user's own account: the sessions they are signed in with (in every team), signing the others
 * out, ending one, and changing the password, which ends every other session.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const SESSIONS = '{ sessions { id current teamName userAgent ip createdAt expiresAt } }';
type SessionRow = { id: string; current: boolean; teamName: string; userAgent: string | null; ip: string | null; createdAt: string; expiresAt: string };
const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { id } }';
const CHANGE = 'mutation($input: ChangePasswordInput!) { changePassword(input: $input) }';

async function signIn(email: string, password = PASSWORD, userAgent = 'Probe/1.0'): Promise<TestClient> {
  const client = server.client();
  const res = await client.gql(SIGN_IN, { input: { email, password } }, { 'user-agent': userAgent });
  expect(res.errors).toBeUndefined();
  return client;
}

const signedIn = async (client: TestClient) => (await client.gql('{ me { id } }')).data?.me != null;
const sessions = async (client: TestClient) => (await client.gql<{ sessions: SessionRow[] }>(SESSIONS)).data!.sessions;

/** An admin with three browsers signed in (the sign-up's and two sign-ins). */
async function userWithThreeBrowsers() {
  const { client, email, user } = await signUpAdmin(server, 'Own Account');
  const laptop = await signIn(email, PASSWORD, 'Laptop/2.0');
  const phone = await signIn(email, PASSWORD, 'Phone/3.0');
  return { first: client, laptop, phone, email, userId: user.id };
}

describe('the list of sessions', () => {
  it("lists the user's live sessions, newest first, with the browser and address, and marks the one asking", async () => {
    const { first, laptop, phone } = await userWithThreeBrowsers();
    const stranger = await signUpAdmin(server, 'Stranger');
    const listed = await sessions(laptop);
    expect(listed.map((s) => s.userAgent)).toEqual(['Phone/3.0', 'Laptop/2.0', expect.any(String)]);
    expect(listed.map((s) => s.current)).toEqual([false, true, false]);
    expect(listed.every((s) => s.teamName === 'Own Account' && s.ip === '127.0.0.1')).toBe(true);
    const lifetime = new Date(listed[0].expiresAt).getTime() - new Date(listed[0].createdAt).getTime();
    expect(Math.abs(lifetime - server.config.SESSION_TTL_DAYS * 86_400_000)).toBeLessThan(1000);
    // Another user's sessions are never listed; each browser sees itself as the current one.
    expect((await sessions(stranger.client)).map((s) => s.current)).toEqual([true]);
    expect((await sessions(phone)).find((s) => s.current)?.userAgent).toBe('Phone/3.0');
    expect((await sessions(first)).filter((s) => s.current)).toHaveLength(1);
  });

  it('keeps at most 256 characters of a User-Agent, and lists expired sessions no more', async () => {
    const { email } = await signUpAdmin(server, 'Long Agent');
    const browser = await signIn(email, PASSWORD, `Agent/${'x'.repeat(400)}`);
    const [mine] = (await sessions(browser)).filter((s) => s.current);
    expect(mine.userAgent).toHaveLength(256);
    const others = (await sessions(browser)).filter((s) => !s.current);
    await sql(server.databaseUrl, `update session set expires_at = now() - interval '1 second' where id = $1`, [others[0].id]);
    expect((await sessions(browser)).map((s) => s.id)).toEqual([mine.id]);
  });

  it('shows a User-Agent sent as UTF-8 as its text, without controls or bidirectional overrides', async () => {
    const { email } = await signUpAdmin(server, 'Unicode Agent');
    const raw = Buffer.from('Zoë’s browser \u202e gnp.exe 😀', 'utf8').toString('latin1');
    const browser = await signIn(email, PASSWORD, raw);
    const [mine] = (await sessions(browser)).filter((s) => s.current);
    expect(mine.userAgent).toBe('Zoë’s browser  gnp.exe 😀');
  });

  it('lists the sessions of every team the user is in, by team name', async () => {
    const owner = await signUpAdmin(server, 'Second Team');
    const { email, laptop } = await userWithThreeBrowsers();
    const invited = await owner.client.gql('mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }', { i: { email, role: 'MEMBER' } });
    const joined = server.client();
    expect(
      (
        await joined.gql('mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { id } }', {
          i: { token: invited.data!.inviteMember.token, password: PASSWORD },
        })
      ).errors,
    ).toBeUndefined();
    expect((await sessions(laptop)).map((s) => s.teamName)).toEqual(['Second Team', 'Own Account', 'Own Account', 'Own Account']);
    expect((await sessions(joined)).find((s) => s.current)?.teamName).toBe('Second Team');
  });
});

describe('signing out other sessions', () => {
  it('ends every other session of the user, in every team, and no one else’s', async () => {
    const { first, laptop, phone } = await userWithThreeBrowsers();
    const stranger = await signUpAdmin(server, 'Bystander');
    const res = await laptop.gql('mutation { signOutOtherSessions }');
    expect(res.data).toEqual({ signOutOtherSessions: 2 });
    expect(await signedIn(laptop)).toBe(true);
    expect(await signedIn(first)).toBe(false);
    expect(await signedIn(phone)).toBe(false);
    expect(await signedIn(stranger.client)).toBe(true);
    expect((await sessions(laptop)).map((s) => s.current)).toEqual([true]);
    // Nothing left to end.
    expect((await laptop.gql('mutation { signOutOtherSessions }')).data).toEqual({ signOutOtherSessions: 0 });
  });

  it('ends one session of the user’s; another user’s, a malformed or an ended one is not found', async () => {
    const { first, laptop, phone } = await userWithThreeBrowsers();
    const stranger = await signUpAdmin(server, 'Other Person');
    const phoneId = (await sessions(phone)).find((s) => s.current)!.id;
    const strangerId = (await sessions(stranger.client))[0].id;
    expect((await laptop.gql('mutation($id: ID!) { revokeSession(id: $id) }', { id: phoneId })).data).toEqual({ revokeSession: phoneId });
    expect(await signedIn(phone)).toBe(false);
    expect(await signedIn(first)).toBe(true);
    for (const id of [strangerId, 'not-a-uuid', phoneId]) {
      const refused = await laptop.gql('mutation($id: ID!) { revokeSession(id: $id) }', { id });
      expect(refused.errors?.[0]).toMatchObject({ message: 'Session not found.', extensions: { code: 'NOT_FOUND' } });
    }
    expect(await signedIn(stranger.client)).toBe(true);
    // Its own session too: that is signing out.
    const ownId = (await sessions(laptop)).find((s) => s.current)!.id;
    expect((await laptop.gql('mutation($id: ID!) { revokeSession(id: $id) }', { id: ownId })).errors).toBeUndefined();
    expect(await signedIn(laptop)).toBe(false);
  });
});

describe('changing the password', () => {
  it('checks the current password, sets the new one and ends every other session', async () => {
    const { first, laptop, phone, email } = await userWithThreeBrowsers();
    const res = await laptop.gql(CHANGE, { input: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } });
    expect(res.data).toEqual({ changePassword: 2 });
    expect(await signedIn(laptop)).toBe(true);
    expect(await signedIn(first)).toBe(false);
    expect(await signedIn(phone)).toBe(false);
    const old = await server.client().gql(SIGN_IN, { input: { email, password: PASSWORD } });
    expect(old.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    await signIn(email, 'a brand new passphrase');
  });

  it('refuses a wrong current password, a short, long or unchanged new one, and changes nothing', async () => {
    const { first, laptop, email } = await userWithThreeBrowsers();
    const [{ password_hash: before }] = await sql<{ password_hash: string }>(server.databaseUrl, 'select password_hash from app_user where email = $1', [
      email,
    ]);
    const cases: [Record<string, string>, string, string][] = [
      [{ currentPassword: 'not my password', newPassword: 'a brand new passphrase' }, 'currentPassword', 'Your current password is not correct.'],
      [{ currentPassword: '', newPassword: 'a brand new passphrase' }, 'currentPassword', 'Your current password is not correct.'],
      [{ currentPassword: PASSWORD, newPassword: 'short' }, 'newPassword', 'Password must be at least 10 characters.'],
      [{ currentPassword: PASSWORD, newPassword: 'x'.repeat(257) }, 'newPassword', 'Password must be at most 256 characters.'],
      [{ currentPassword: PASSWORD, newPassword: PASSWORD }, 'newPassword', 'Choose a password different from your current one.'],
    ];
    for (const [input, field, message] of cases) {
      const res = await laptop.gql(CHANGE, { input });
      expect(res.errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT', field } });
    }
    const [{ password_hash: after }] = await sql<{ password_hash: string }>(server.databaseUrl, 'select password_hash from app_user where email = $1', [email]);
    expect(after).toBe(before);
    expect(await signedIn(first)).toBe(true);
    await signIn(email);
  });

  it('throttles guesses at the current password as sign-in does', async () => {
    const { client: laptop } = await signUpAdmin(server, 'Guessing');
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await laptop.gql(CHANGE, { input: { currentPassword: `guess number ${i}`, newPassword: 'a brand new passphrase' } });
      codes.push(res.errors?.[0].extensions?.code);
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill('BAD_USER_INPUT'));
    expect(codes[10]).toBe('RATE_LIMITED');
    // Even the right password waits now, and nothing changed.
    const right = await laptop.gql(CHANGE, { input: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } });
    expect(right.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });
});

describe('changing the password while others use the old one', () => {
  it('leaves no session signed in with the old password, however a sign-in and the change interleave', async () => {
    for (let round = 0; round < 8; round++) {
      const { client: owner, email } = await signUpAdmin(server, 'Race');
      const attacker = server.client();
      const newPassword = `new passphrase ${round}`;
      const [changed, signedInWithOld] = await Promise.all([
        owner.gql(CHANGE, { input: { currentPassword: PASSWORD, newPassword } }),
        new Promise((r) => setTimeout(r, round * 15)).then(() => attacker.gql(SIGN_IN, { input: { email, password: PASSWORD } })),
      ]);
      expect(changed.errors).toBeUndefined();
      // Signed in or refused, the old password leaves nothing behind: its session (if any) is gone.
      if (!signedInWithOld.errors) expect(await signedIn(attacker)).toBe(false);
      expect(await signedIn(owner)).toBe(true);
    }
  });

  it('two changes at once: one wins, the other is told its current password is wrong, and its caller stays signed in', async () => {
    const { client: first, email } = await signUpAdmin(server, 'Two changes');
    const second = await signIn(email);
    const results = await Promise.all([
      first.gql(CHANGE, { input: { currentPassword: PASSWORD, newPassword: 'first new passphrase' } }),
      second.gql(CHANGE, { input: { currentPassword: PASSWORD, newPassword: 'second new passphrase' } }),
    ]);
    const won = results.findIndex((r) => !r.errors);
    expect(won).toBeGreaterThanOrEqual(0);
    const lost = results[1 - won];
    expect(lost.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|UNAUTHENTICATED/);
    expect(await signedIn([first, second][won])).toBe(true);
    // Only the winner's password signs in.
    const winning = ['first new passphrase', 'second new passphrase'][won];
    const losing = ['first new passphrase', 'second new passphrase'][1 - won];
    expect((await server.client().gql(SIGN_IN, { input: { email, password: losing } })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    await signIn(email, winning);
  });
});

describe('who may', () => {
  it('no API key, full or sending, and no one signed out', async () => {
    const { client } = await signUpAdmin(server, 'Keys Here');
    const full = await createKey(client, { name: 'full', permission: 'FULL_ACCESS' });
    const sending = await createKey(client, { name: 'sending', permission: 'SENDING_ACCESS' });
    const operations = [
      [SESSIONS, undefined],
      ['mutation { signOutOtherSessions }', undefined],
      ['mutation($id: ID!) { revokeSession(id: $id) }', { id: (await sessions(client))[0].id }],
      [CHANGE, { input: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } }],
    ] as const;
    for (const [query, variables] of operations) {
      for (const token of [full.token, sending.token]) {
        const res = await server.client().gql(query, variables, { authorization: `Bearer ${token}` });
        expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      }
      expect((await server.client().gql(query, variables)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(await signedIn(client)).toBe(true);
    expect((await sessions(client)).length).toBe(1);
  });
});
