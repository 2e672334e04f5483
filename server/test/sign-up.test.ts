import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { INVITATIONS_PER_RECIPIENT_PER_DAY, INVITATIONS_PER_TEAM_PER_HOUR } from '../src/modules/team/invitation-throttle.js';
import { PASSWORD, signUpAdmin, startTestServer, type TestServer, uniqueEmail } from './harness.js';

// Addresses come as X-Forwarded-For from loopback (trusted), from the documentation ranges.
const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.stop())));
async function server(env: Record<string, string> = {}) {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
}

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { id } }`;
const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id } }`;
const ALLOWED = `{ signUpAllowed }`;

async function post(s: TestServer, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string; retryAfter?: number } }[];
  };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), data: body.data, error: body.errors?.[0] };
}
const signUpFrom = (s: TestServer, address: string) =>
  post(s, SIGN_UP, { input: { email: uniqueEmail('signup'), password: PASSWORD, teamName: 'Team' } }, { 'x-forwarded-for': address });

describe('sign-up throttle', () => {
  it('an address may sign up SIGNUP_PER_ADDRESS_PER_HOUR times an hour, then gets 429 / RATE_LIMITED; other addresses may go on', async () => {
    const s = await server({ SIGNUP_PER_ADDRESS_PER_HOUR: '3' });
    for (let i = 0; i < 3; i++) expect((await signUpFrom(s, '198.51.100.60')).error).toBeUndefined();
    const refused = await signUpFrom(s, '198.51.100.60');
    expect(refused).toMatchObject({ status: 429, error: { extensions: { code: 'RATE_LIMITED' } } });
    expect(refused.error?.message).toBe('Too many sign-ups from this address. Try again later.');
    // The window is an hour: the address waits out most of it, in seconds.
    expect(Number(refused.retryAfter)).toBeGreaterThan(3500);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(3600);
    expect(refused.error?.extensions?.retryAfter).toBe(Number(refused.retryAfter));
    // An IPv6 client is one address for its whole /64.
    for (let i = 0; i < 3; i++) expect((await signUpFrom(s, `2001:db8:60:1::${i + 1}`)).error).toBeUndefined();
    expect((await signUpFrom(s, '2001:db8:60:1:ffff::9')).error?.extensions?.code).toBe('RATE_LIMITED');
    expect((await signUpFrom(s, '198.51.100.61')).error).toBeUndefined();
  });

  it('defaults to 10 an hour and refuses bad values, naming the variable', () => {
    expect(loadConfig({})).toMatchObject({ ALLOW_SIGNUP: true, SIGNUP_PER_ADDRESS_PER_HOUR: 10, EXPORT_CONCURRENCY: 3, EXPORT_TEAM_CONCURRENCY: 1 });
    expect(loadConfig({ ALLOW_SIGNUP: 'false' }).ALLOW_SIGNUP).toBe(false);
    for (const [name, value] of [
      ['ALLOW_SIGNUP', 'no'],
      ['SIGNUP_PER_ADDRESS_PER_HOUR', '0'],
      ['EXPORT_CONCURRENCY', '0'],
      ['EXPORT_TEAM_CONCURRENCY', 'x'],
    ]) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(new RegExp(`${name}:`));
    }
  });
});

describe('invitation throttle', () => {
  it(`a team may send ${INVITATIONS_PER_TEAM_PER_HOUR} invitations an hour; the next is RATE_LIMITED and sends no mail; another team is not held back`, async () => {
    const s = await server();
    const { client } = await signUpAdmin(s, 'Inviters');
    for (let i = 0; i < INVITATIONS_PER_TEAM_PER_HOUR; i++) {
      const res = await client.gql(INVITE, { input: { email: uniqueEmail(`invitee${i}`), role: 'MEMBER' } });
      expect(res.errors, `invitation ${i}`).toBeUndefined();
    }
    const refusedEmail = uniqueEmail('one-too-many');
    const refused = await client.gql(INVITE, { input: { email: refusedEmail, role: 'ADMIN' } });
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.errors?.[0].message).toMatch(/too many invitations/);
    const { rows } = await import('pg').then(async ({ default: pg }) => {
      const c = new pg.Client({ connectionString: s.databaseUrl });
      await c.connect();
      try {
        return await c.query('select 1 from outbox_message where "to" = $1 union all select 1 from invitation where email = $1', [refusedEmail]);
      } finally {
        await c.end();
      }
    });
    expect(rows).toEqual([]);
    const other = await signUpAdmin(s, 'Other');
    expect((await other.client.gql(INVITE, { input: { email: uniqueEmail('fine'), role: 'MEMBER' } })).errors).toBeUndefined();
  });

  it(`one email address receives at most ${INVITATIONS_PER_RECIPIENT_PER_DAY} invitations a day from one team, and that team's spent budget stops no other team`, async () => {
    const s = await server();
    const victim = uniqueEmail('victim');
    const { client } = await signUpAdmin(s, 'Spender');
    for (let i = 0; i < INVITATIONS_PER_RECIPIENT_PER_DAY; i++) {
      expect((await client.gql(INVITE, { input: { email: victim, role: 'MEMBER' } })).errors).toBeUndefined();
    }
    const refused = await client.gql(INVITE, { input: { email: victim, role: 'MEMBER' } });
    expect(refused.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    const { client: other } = await signUpAdmin(s, 'Another team');
    expect((await other.gql(INVITE, { input: { email: victim.toUpperCase(), role: 'MEMBER' } })).errors).toBeUndefined();
  });
});

describe('ALLOW_SIGNUP=false', () => {
  it('leaves only the first account and invitations; signUpAllowed says so', async () => {
    const s = await server({ ALLOW_SIGNUP: 'false' });
    expect((await post(s, ALLOWED)).data).toEqual({ signUpAllowed: true });
    // Two first sign-ups at once: exactly one account.
    const [a, b] = await Promise.all([signUpFrom(s, '203.0.113.1'), signUpFrom(s, '203.0.113.2')]);
    expect([a, b].filter((r) => !r.error)).toHaveLength(1);
    const loser = a.error ? a : b;
    expect(loser.error).toMatchObject({ message: 'Sign-up is closed on this server: ask a team admin for an invitation.', extensions: { code: 'FORBIDDEN' } });
    expect((await post(s, ALLOWED)).data).toEqual({ signUpAllowed: false });
    expect((await signUpFrom(s, '203.0.113.3')).error?.extensions?.code).toBe('FORBIDDEN');
  });

  it('an admin of a closed server invites, and the invitee joins with a new account', async () => {
    const s = await server({ ALLOW_SIGNUP: 'false' });
    const { client } = await signUpAdmin(s, 'Closed');
    const invitee = uniqueEmail('invitee');
    const invite = await client.gql(INVITE, { input: { email: invitee, role: 'MEMBER' } });
    expect(invite.errors).toBeUndefined();
    const joiner = s.client();
    const joined = await joiner.gql(ACCEPT, { input: { token: invite.data!.inviteMember.token, password: PASSWORD } });
    expect(joined.errors).toBeUndefined();
    expect((await joiner.gql('{ me { email } }')).data?.me.email).toBe(invitee);
    expect((await signUpFrom(s, '203.0.113.9')).error?.extensions?.code).toBe('FORBIDDEN');
  });
});
