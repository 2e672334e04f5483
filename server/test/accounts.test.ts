import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, PASSWORD, signUpAdmin, sql, startTestServer, type TestServer, uniqueEmail } from './harness.js';

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { id email role team { id name } } }`;
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { id email role team { id name } } }`;
const SIGN_OUT = `mutation { signOut }`;
const ME = `{ me { id email role team { id name } } }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const count = async (table: 'app_user' | 'team' | 'membership' | 'session', where = 'true', params: unknown[] = []) => {
  const [row] = await sql<{ n: string }>(server.databaseUrl, `select count(*) as n from ${table} where ${where}`, params);
  return Number(row.n);
};

/** Posts a mutation with fetch so the raw Set-Cookie header can be inspected. */
async function rawSignIn(email: string, password: string) {
  return fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: SIGN_IN, variables: { input: { email, password } } }),
  });
}

describe('accounts: happy path', () => {
  it('signUp creates a team whose admin is the new user, and signs them in', async () => {
    const client = server.client();
    const email = uniqueEmail('founder');
    const res = await client.gql(SIGN_UP, { input: { email: `  ${email.toUpperCase()} `, password: PASSWORD, teamName: '  Acme Mail ' } });
    expect(res.errors).toBeUndefined();
    const user = res.data!.signUp;
    expect(user).toMatchObject({ email: email.toLowerCase(), role: 'ADMIN', team: { name: 'Acme Mail' } });
    expect(client.cookie).toBeDefined();

    const me = await client.gql(ME);
    expect(me.data?.me).toEqual(user);
    const members = await client.gql('{ team { members { role user { email } } } }');
    expect(members.data?.team.members).toEqual([{ role: 'ADMIN', user: { email: email.toLowerCase() } }]);
  });

  it('me is null when signed out', async () => {
    const res = await server.client().gql(ME);
    expect(res.errors).toBeUndefined();
    expect(res.data?.me).toBeNull();
  });

  it('signIn sets a session that me recognises, whatever the case of the email', async () => {
    const { email, user } = await signUpAdmin(server, 'Sign-in team');
    const client = server.client();
    const res = await client.gql(SIGN_IN, { input: { email: email.toUpperCase(), password: PASSWORD } });
    expect(res.errors).toBeUndefined();
    expect(res.data?.signIn).toMatchObject({ id: user.id, email, role: 'ADMIN', team: { id: user.team.id } });
    const me = await client.gql(ME);
    expect(me.data?.me).toMatchObject({ id: user.id, email, role: 'ADMIN' });
  });

  it('signOut ends the session: the old cookie no longer authenticates', async () => {
    const { client } = await signUpAdmin(server);
    const oldCookie = client.cookie!;
    expect(oldCookie).toMatch(/^keyring_session=.+/);

    const out = await client.gql(SIGN_OUT);
    expect(out.data?.signOut).toBe(true);
    expect(client.cookie).toBeUndefined(); // the browser is told to drop the cookie

    const replay = createClient(server.url);
    replay.cookie = oldCookie;
    expect((await replay.gql(ME)).data?.me).toBeNull();
    const domains = await replay.gql('{ domains { id } }');
    expect(domains.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('signing out one session leaves the others alone', async () => {
    const { client: first, email } = await signUpAdmin(server);
    const second = server.client();
    await second.gql(SIGN_IN, { input: { email, password: PASSWORD } });
    await first.gql(SIGN_OUT);
    expect((await second.gql(ME)).data?.me).toMatchObject({ email });
  });

  it('signOut when signed out is harmless', async () => {
    const res = await server.client().gql(SIGN_OUT);
    expect(res.errors).toBeUndefined();
    expect(res.data?.signOut).toBe(true);
  });
});

describe('accounts: errors', () => {
  it('a duplicate email (in any case) is BAD_USER_INPUT on email and creates no second user or team', async () => {
    const { email } = await signUpAdmin(server);
    const [users, teams, memberships] = [await count('app_user'), await count('team'), await count('membership')];

    const res = await server.client().gql(SIGN_UP, { input: { email: email.toUpperCase(), password: PASSWORD, teamName: 'Copycat' } });
    expect(res.data).toBeNull();
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(res.errors?.[0].message).not.toMatch(/constraint|duplicate key|sql/i);

    expect(await count('app_user')).toBe(users);
    expect(await count('team')).toBe(teams);
    expect(await count('membership')).toBe(memberships);
    expect(await count('team', 'name = $1', ['Copycat'])).toBe(0);
  });

  it('two simultaneous sign-ups with one email make exactly one account', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all([1, 2, 3].map((i) => server.client().gql(SIGN_UP, { input: { email, password: PASSWORD, teamName: `Race ${i}` } })));
    const ok = results.filter((r) => !r.errors);
    expect(ok).toHaveLength(1);
    for (const r of results.filter((r) => r.errors)) {
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    }
    expect(await count('app_user', 'email = $1', [email])).toBe(1);
    expect(await count('team', "name like 'Race %'")).toBe(1);
  });

  it('a password shorter than 10 characters is BAD_USER_INPUT on password and writes nothing', async () => {
    const email = uniqueEmail('short');
    const before = [await count('app_user'), await count('team'), await count('session')];
    const res = await server.client().gql(SIGN_UP, { input: { email, password: '123456789', teamName: 'Short' } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(res.errors?.[0].message).toMatch(/10 characters/);
    expect([await count('app_user'), await count('team'), await count('session')]).toEqual(before);
    expect(await count('app_user', 'email = $1', [email])).toBe(0);
  });

  it.each([
    ['email', { email: 'not-an-email', password: PASSWORD, teamName: 'T' }],
    ['email', { email: '   ', password: PASSWORD, teamName: 'T' }],
    ['teamName', { email: 'ok@example.com', password: PASSWORD, teamName: '   ' }],
    ['teamName', { email: 'ok@example.com', password: PASSWORD, teamName: 'x'.repeat(101) }],
    // A line separator is a line break, as LF is: the team's name showed on two lines.
    ['teamName', { email: 'ok@example.com', password: PASSWORD, teamName: 'Acme\u2028Mail' }],
    ['password', { email: 'ok@example.com', password: 'p'.repeat(257), teamName: 'T' }],
  ])('invalid %s is BAD_USER_INPUT on that field', async (field, input) => {
    const res = await server.client().gql(SIGN_UP, { input });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await count('app_user', 'email = $1', ['ok@example.com'])).toBe(0);
  });

  it('a wrong password and an unknown email give the same UNAUTHENTICATED message', async () => {
    const { email } = await signUpAdmin(server);
    const client = server.client();
    const wrong = await client.gql(SIGN_IN, { input: { email, password: 'not the password' } });
    const unknown = await client.gql(SIGN_IN, { input: { email: uniqueEmail('nobody'), password: PASSWORD } });
    const empty = await client.gql(SIGN_IN, { input: { email: '', password: '' } });
    for (const res of [wrong, unknown, empty]) {
      expect(res.data).toBeNull();
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(wrong.errors?.[0].message).toBe(unknown.errors?.[0].message);
    expect(empty.errors?.[0].message).toBe(unknown.errors?.[0].message);
    expect(client.cookie).toBeUndefined();
  });

  it('an invalid session cookie is simply signed out', async () => {
    const client = createClient(server.url);
    client.cookie = 'keyring_session=forged-value';
    expect((await client.gql(ME)).data?.me).toBeNull();
  });

  it('an expired session no longer authenticates', async () => {
    const { client, user } = await signUpAdmin(server);
    await sql(server.databaseUrl, `update session set expires_at = now() - interval '1 second' where user_id = $1`, [user.id]);
    expect((await client.gql(ME)).data?.me).toBeNull();
  });
});

describe('accounts: security', () => {
  it('the session cookie is HttpOnly, SameSite=Lax, scoped to / and expires', async () => {
    const { email } = await signUpAdmin(server);
    const res = await rawSignIn(email, PASSWORD);
    const [cookie] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^keyring_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/);
    expect(cookie).toMatch(/;\s*Expires=/i);
  });

  it('a failed sign-in sets no cookie', async () => {
    const { email } = await signUpAdmin(server);
    const res = await rawSignIn(email, 'wrong password!');
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('the session token is stored only as a hash', async () => {
    const { client, user } = await signUpAdmin(server);
    const token = decodeURIComponent(client.cookie!.split('=')[1]);
    const rows = await sql<{ token_hash: string }>(server.databaseUrl, 'select token_hash from session where user_id = $1', [user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].token_hash).not.toContain(token);
  });

  it('passwords are stored as argon2id hashes, never in plain text', async () => {
    const { user } = await signUpAdmin(server);
    const [row] = await sql<{ password_hash: string }>(server.databaseUrl, 'select password_hash from app_user where id = $1', [user.id]);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
    const plain = await sql(server.databaseUrl, 'select 1 from app_user where password_hash like $1', [`%${PASSWORD}%`]);
    expect(plain).toEqual([]);
  });

  it('the password hash is not exposed in the schema', async () => {
    const { client } = await signUpAdmin(server);
    const res = await client.gql('{ me { passwordHash } }');
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('after 10 failed attempts on one account from one address, even the right password is RATE_LIMITED from there', async () => {
    const { email } = await signUpAdmin(server);
    const client = server.client();
    for (let i = 0; i < 10; i++) {
      const res = await client.gql(SIGN_IN, { input: { email, password: `wrong password ${i}` } });
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    const blocked = await client.gql(SIGN_IN, { input: { email: email.toUpperCase(), password: PASSWORD } });
    expect(blocked.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(blocked.errors?.[0].extensions?.retryAfter).toBeGreaterThan(0);
    expect(client.cookie).toBeUndefined();

    // The throttle is per account: another account from the same address still signs in.
    const other = await signUpAdmin(server);
    const ok = await server.client().gql(SIGN_IN, { input: { email: other.email, password: PASSWORD } });
    expect(ok.errors).toBeUndefined();
  });

  it('a burst of parallel guesses cannot slip past the limit', async () => {
    const { email } = await signUpAdmin(server);
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => server.client().gql(SIGN_IN, { input: { email, password: `guess number ${i}` } })));
    const codes = results.map((r) => r.errors?.[0].extensions?.code);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED').length).toBeLessThanOrEqual(10);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(15);
    const right = await server.client().gql(SIGN_IN, { input: { email, password: PASSWORD } });
    expect(right.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });

  it('a successful sign-in resets the count of failures', async () => {
    const { email } = await signUpAdmin(server);
    const client = server.client();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++) await client.gql(SIGN_IN, { input: { email, password: 'wrong password' } });
      const ok = await client.gql(SIGN_IN, { input: { email, password: PASSWORD } });
      expect(ok.errors).toBeUndefined();
    }
  });
});
