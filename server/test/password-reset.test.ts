import 'reflect-metadata';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredPasswordResets } from '../src/modules/auth/session.jobs.js';
import { PASSWORD, signUpAdmin, sql, startTestServer, type TestClient, type TestServer, uniqueEmail, waitFor } from './harness.js';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from './smtp.js';
import { type FaultyRelay, startFaultyRelay } from './smtp-faulty.js';

const PUBLIC_URL = 'http://keyring.test';
const REQUEST = `mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) }`;
const RESET = `mutation($i: ResetPasswordInput!) { resetPassword(input: $i) { id email team { id } } }`;
const SIGN_IN = `mutation($i: SignInInput!) { signIn(input: $i) { id } }`;
const ME = `{ me { id email } }`;
const NEW_PASSWORD = 'a brand new passphrase';

let server: TestServer;
let smtp: SmtpSink;

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startTestServer({ SMTP_URL: smtp.url, PUBLIC_URL });
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

let addresses = 0;
/** A client address of its own (X-Forwarded-For, trusted from loopback), so no test spends another's throttle. */
const newIp = () => `203.0.113.${++addresses}`;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const resetMails = (to: string) => smtp.mailbox.filter((m) => m.to.includes(to) && m.subject === 'Reset your Keyring password');
const linkOf = (mail: ReceivedMail) => {
  const link = /(http:\/\/keyring\.test\/reset-password\?token=\S+)/.exec(mail.text)?.[1];
  if (!link) throw new Error(`no reset link in: ${mail.text}`);
  return link;
};
const tokenOf = (mail: ReceivedMail) => new URL(linkOf(mail)).searchParams.get('token') as string;

/** Asks for a reset of `email` and waits for its mail (the nth to that address): the token. */
async function requestReset(email: string, nth = 1, ip = newIp()): Promise<string> {
  const res = await server.client().gql(REQUEST, { i: { email } }, { 'x-forwarded-for': ip });
  expect(res.errors).toBeUndefined();
  expect(res.data).toEqual({ requestPasswordReset: true });
  const mail = await waitFor(() => resetMails(email)[nth - 1], 10_000, `reset mail ${nth} to ${email}`);
  return tokenOf(mail);
}

const signIn = async (email: string, password: string, client: TestClient = server.client()) =>
  client.gql(SIGN_IN, { i: { email, password } }, { 'x-forwarded-for': newIp() });

async function passwordHash(email: string): Promise<string> {
  const [row] = await sql<{ password_hash: string }>(server.databaseUrl, 'select password_hash from app_user where email = $1', [email]);
  return row.password_hash;
}

describe('requestPasswordReset', () => {
  it('emails a link to the account that works for 1 hour; only a hash of its token is stored', async () => {
    const { email, user } = await signUpAdmin(server);
    const token = await requestReset(email);
    const [mail] = resetMails(email);
    expect(linkOf(mail)).toBe(`${PUBLIC_URL}/reset-password?token=${token}`);
    expect(mail.text).toContain('expires in 1 hour');
    // 32 random bytes in base64url.
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const rows = await sql<{ user_id: string; token_hash: string; used_at: Date | null; ttl: number }>(
      server.databaseUrl,
      `select user_id, token_hash, used_at, extract(epoch from expires_at - created_at)::int as ttl from password_reset where user_id = $1`,
      [user.id],
    );
    expect(rows).toEqual([{ user_id: user.id, token_hash: sha256(token), used_at: null, ttl: 3600 }]);
  });

  it('answers an address with no account exactly as one with, and sends it nothing', async () => {
    const { email } = await signUpAdmin(server);
    const nobody = uniqueEmail('nobody');
    const forNobody = await server.client().gql(REQUEST, { i: { email: nobody } }, { 'x-forwarded-for': newIp() });
    const forSomeone = await server.client().gql(REQUEST, { i: { email } }, { 'x-forwarded-for': newIp() });
    expect(forNobody.status).toBe(forSomeone.status);
    expect(forNobody.errors).toBeUndefined();
    expect(forNobody.data).toEqual(forSomeone.data);
    // The mail for the account asked after it has arrived; none for the address without one, then or a moment later.
    await waitFor(() => resetMails(email)[0], 10_000, 'the reset mail');
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.mailbox.filter((m) => m.to.includes(nobody))).toEqual([]);
    const rows = await sql(server.databaseUrl, 'select count(*)::int as n from password_reset r join app_user u on u.id = r.user_id where u.email = $1', [
      nobody,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses what is not an email address, whoever asks, and sends nothing', async () => {
    for (const email of ['', 'not-an-address', '<ann@example.com>', 'x'.repeat(300)]) {
      const res = await server.client().gql(REQUEST, { i: { email } }, { 'x-forwarded-for': newIp() });
      expect(res.errors?.[0].extensions, email).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    }
  });

  it('finds the account in another spelling of its address (case, spaces)', async () => {
    const { email } = await signUpAdmin(server);
    const res = await server.client().gql(REQUEST, { i: { email: `  ${email.toUpperCase()} ` } }, { 'x-forwarded-for': newIp() });
    expect(res.data).toEqual({ requestPasswordReset: true });
    await waitFor(() => resetMails(email)[0], 10_000, 'the reset mail');
  });

  it('a second request replaces the first: the first link is refused, the second works', async () => {
    const { email } = await signUpAdmin(server);
    const first = await requestReset(email, 1);
    const second = await requestReset(email, 2);
    expect(second).not.toBe(first);
    const stale = await server.client().gql(RESET, { i: { token: first, password: NEW_PASSWORD } });
    expect(stale.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    expect((await signIn(email, PASSWORD)).errors).toBeUndefined();
    const reset = await server.client().gql(RESET, { i: { token: second, password: NEW_PASSWORD } });
    expect(reset.errors).toBeUndefined();
    expect(reset.data!.resetPassword.email).toBe(email);
  });

  it('two requests at once leave one live link, not two', async () => {
    const { email, user } = await signUpAdmin(server);
    await requestReset(email, 1);
    // Both requests' work is held at the account's unused link (its row locked here) until both
    // wait, then let go at once: unordered, each dropped the links it saw (the held one) and both of theirs lived.
    const holder = new pg.Client({ connectionString: server.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from password_reset where user_id = $1 for update', [user.id]);
      const answers = await Promise.all([newIp(), newIp()].map((ip) => server.client().gql(REQUEST, { i: { email } }, { 'x-forwarded-for': ip })));
      for (const res of answers) expect(res.errors).toBeUndefined();
      await waitFor(
        async () => {
          const [row] = await sql<{ n: number }>(
            server.databaseUrl,
            `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
          );
          return row.n >= 2 ? true : undefined;
        },
        10_000,
        'both requests to wait',
      );
      await holder.query('commit');
    } finally {
      await holder.end();
    }
    const mails = await waitFor(() => (resetMails(email).length === 3 ? resetMails(email).slice(1) : undefined), 10_000, 'two more reset mails');
    const live = await sql(server.databaseUrl, 'select id from password_reset where user_id = $1 and used_at is null', [user.id]);
    expect(live).toHaveLength(1);
    const results = [];
    for (const mail of mails) results.push(await server.client().gql(RESET, { i: { token: tokenOf(mail), password: NEW_PASSWORD } }));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
  });

  it('a password changed meanwhile (changePassword) ends the unused links', async () => {
    const { email, client } = await signUpAdmin(server);
    const token = await requestReset(email);
    const changed = await client.gql(`mutation($i: ChangePasswordInput!) { changePassword(input: $i) }`, {
      i: { currentPassword: PASSWORD, newPassword: 'changed by hand meanwhile' },
    });
    expect(changed.errors).toBeUndefined();
    const res = await server.client().gql(RESET, { i: { token, password: NEW_PASSWORD } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    expect((await signIn(email, 'changed by hand meanwhile')).errors).toBeUndefined();
  });

  it('is throttled per email address (with an account or not, from any client address): no mailbox can be flooded', async () => {
    const { email } = await signUpAdmin(server);
    const nobody = uniqueEmail('nobody');
    for (const target of [email, nobody]) {
      for (let i = 0; i < 5; i++) {
        const res = await server.client().gql(REQUEST, { i: { email: target } }, { 'x-forwarded-for': newIp() });
        expect(res.errors, `${target} #${i + 1}`).toBeUndefined();
      }
      const refused = await server.client().gql(REQUEST, { i: { email: target } }, { 'x-forwarded-for': newIp() });
      expect(refused.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
      expect(refused.errors?.[0].message).toBe('Too many password reset requests for this email address. Try again later.');
    }
    await waitFor(() => (resetMails(email).length === 5 ? true : undefined), 10_000, 'five reset mails');
    await new Promise((r) => setTimeout(r, 500));
    expect(resetMails(email)).toHaveLength(5);
  });

  it('is throttled per client address, whatever the email addresses', async () => {
    const ip = newIp();
    for (let i = 0; i < 20; i++) {
      const res = await server.client().gql(REQUEST, { i: { email: uniqueEmail('spray') } }, { 'x-forwarded-for': ip });
      expect(res.errors, `#${i + 1}`).toBeUndefined();
    }
    const refused = await server.client().gql(REQUEST, { i: { email: uniqueEmail('spray') } }, { 'x-forwarded-for': ip });
    expect(refused.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(refused.errors?.[0].message).toBe('Too many password reset requests from this address. Try again later.');
    // Another client address is not held off.
    expect((await server.client().gql(REQUEST, { i: { email: uniqueEmail('spray') } }, { 'x-forwarded-for': newIp() })).errors).toBeUndefined();
  });

  it('is refused with an API key', async () => {
    const { client } = await signUpAdmin(server);
    const key = await client.gql(`mutation { createApiKey(input: { name: "k", permission: FULL_ACCESS }) { token } }`);
    const res = await server.client().gql(REQUEST, { i: { email: uniqueEmail() } }, { authorization: `Bearer ${key.data!.createApiKey.token}` });
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('resetPassword', () => {
  it('sets the new password, ends every session of the account, uses the link up and signs the user in', async () => {
    const { email, client: oldSession, user } = await signUpAdmin(server);
    const otherSession = server.client();
    expect((await signIn(email, PASSWORD, otherSession)).errors).toBeUndefined();
    const token = await requestReset(email);

    const browser = server.client();
    const res = await browser.gql(RESET, { i: { token, password: NEW_PASSWORD } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.resetPassword).toEqual({ id: user.id, email, team: { id: user.team.id } });
    expect(browser.cookie).toMatch(/^keyring_session=/);
    expect((await browser.gql(ME)).data!.me).toEqual({ id: user.id, email });

    for (const ended of [oldSession, otherSession]) expect((await ended.gql(ME)).data!.me).toBeNull();
    const sessions = await sql(server.databaseUrl, 'select id from session where user_id = $1', [user.id]);
    expect(sessions).toHaveLength(1);
    const [link] = await sql<{ used_at: Date | null }>(server.databaseUrl, 'select used_at from password_reset where user_id = $1', [user.id]);
    expect(link.used_at).not.toBeNull();

    expect((await signIn(email, PASSWORD)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await signIn(email, NEW_PASSWORD)).errors).toBeUndefined();
  });

  it('works once: the link used again is refused and changes nothing', async () => {
    const { email, user } = await signUpAdmin(server);
    const token = await requestReset(email);
    expect((await server.client().gql(RESET, { i: { token, password: NEW_PASSWORD } })).errors).toBeUndefined();
    const hash = await passwordHash(email);
    const sessions = await sql(server.databaseUrl, 'select id from session where user_id = $1 order by id', [user.id]);

    const again = server.client();
    const res = await again.gql(RESET, { i: { token, password: 'yet another passphrase' } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    expect(res.errors?.[0].message).toBe('This password reset link is invalid, already used or expired. Ask for a new one.');
    expect(res.data?.resetPassword ?? null).toBeNull();
    expect(again.cookie).toBeUndefined();
    expect(await passwordHash(email)).toBe(hash);
    expect(await sql(server.databaseUrl, 'select id from session where user_id = $1 order by id', [user.id])).toEqual(sessions);
  });

  it('two resets with one link at once: one sets its password, the other is refused', async () => {
    const { email } = await signUpAdmin(server);
    const token = await requestReset(email);
    const passwords = ['first concurrent passphrase', 'second concurrent passphrase'];
    const results = await Promise.all(passwords.map((password) => server.client().gql(RESET, { i: { token, password } })));
    const won = results.findIndex((r) => !r.errors);
    expect(won).not.toBe(-1);
    expect(results[1 - won].errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await signIn(email, passwords[won])).errors).toBeUndefined();
  });

  it('expires after 1 hour: an expired link is refused and changes nothing', async () => {
    const { email, client, user } = await signUpAdmin(server);
    const token = await requestReset(email);
    // A minute before the hour is up it still works (checked with a wrong password: nothing is used).
    await sql(server.databaseUrl, `update password_reset set expires_at = now() + interval '1 minute' where user_id = $1`, [user.id]);
    const early = await server.client().gql(RESET, { i: { token, password: 'short' } });
    expect(early.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });

    await sql(server.databaseUrl, `update password_reset set expires_at = now() - interval '1 second' where user_id = $1`, [user.id]);
    const hash = await passwordHash(email);
    const res = await server.client().gql(RESET, { i: { token, password: NEW_PASSWORD } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    expect(await passwordHash(email)).toBe(hash);
    expect((await client.gql(ME)).data!.me).not.toBeNull();
    // The hourly sweep deletes it.
    expect(await purgeExpiredPasswordResets(server.app.services)).toBeGreaterThanOrEqual(1);
    expect(await sql(server.databaseUrl, 'select id from password_reset where user_id = $1', [user.id])).toEqual([]);
  });

  it('refuses a malformed or unknown token with BAD_USER_INPUT, changing nothing', async () => {
    const { email, client } = await signUpAdmin(server);
    await requestReset(email);
    const hash = await passwordHash(email);
    const unknown = Buffer.alloc(32, 7).toString('base64url');
    for (const token of ['', 'abc', 'x'.repeat(10_000), `${unknown}=`, unknown, "' or 1=1 --", 'nul\u0000'.repeat(11)]) {
      const res = await server.client().gql(RESET, { i: { token, password: NEW_PASSWORD } });
      // A NUL is refused before the resolver, naming the variable's path (i.token).
      expect(res.errors?.[0].extensions, token.slice(0, 20)).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(/^(i\.)?token$/) });
    }
    expect(await passwordHash(email)).toBe(hash);
    expect((await client.gql(ME)).data!.me).not.toBeNull();
  });

  it("holds the new password to sign-up's rules; a refused one leaves the link working", async () => {
    const { email } = await signUpAdmin(server);
    const token = await requestReset(email);
    for (const [password, message] of [
      ['short', 'Password must be at least 10 characters.'],
      ['😀😀😀😀😀', 'Password must be at least 10 characters.'],
      ['x'.repeat(257), 'Password must be at most 256 characters.'],
    ]) {
      const res = await server.client().gql(RESET, { i: { token, password } });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
      expect(res.errors?.[0].message).toBe(message);
    }
    expect((await signIn(email, PASSWORD)).errors).toBeUndefined();
    // In Unicode NFC, as everywhere: set decomposed, typed composed.
    const decomposed = 'Grüße aus Köln'.normalize('NFD');
    expect((await server.client().gql(RESET, { i: { token, password: decomposed } })).errors).toBeUndefined();
    expect((await signIn(email, decomposed.normalize('NFC'))).errors).toBeUndefined();
  });

  it('an account in no team gets its password set, and is told there is nowhere to sign in', async () => {
    const { client: admin } = await signUpAdmin(server);
    const email = uniqueEmail('left');
    const invited = await admin.gql(`mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }`, { i: { email } });
    const member = server.client();
    const joined = await member.gql(`mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { id } }`, {
      i: { token: invited.data!.inviteMember.token, password: PASSWORD },
    });
    const members = await admin.gql(`{ team { members { id user { id } } } }`);
    const membership = members.data!.team.members.find((m: { user: { id: string } }) => m.user.id === joined.data!.acceptInvitation.id);
    expect((await admin.gql(`mutation($id: ID!) { removeMember(id: $id) }`, { id: membership.id })).errors).toBeUndefined();

    const token = await requestReset(email);
    const browser = server.client();
    const res = await browser.gql(RESET, { i: { token, password: NEW_PASSWORD } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.resetPassword).toBeNull();
    expect(browser.cookie).toBeUndefined();
    expect((await signIn(email, NEW_PASSWORD)).errors?.[0].message).toMatch(/no longer a member of any team/);
  });
});

describe('the reset mail, off the request path and in the outbox', () => {
  let relay: FaultyRelay;
  let hung: TestServer;
  let outbox: TestServer;
  beforeAll(async () => {
    relay = await startFaultyRelay();
    relay.mode = 'hang';
    [hung, outbox] = await Promise.all([startTestServer({ SMTP_URL: relay.url, PUBLIC_URL }), startTestServer({ PUBLIC_URL })]);
  });
  afterAll(async () => {
    await hung?.stop();
    await outbox?.stop();
    await relay?.close();
  });

  it('answers at once while the relay hangs: the answer never waits for the mail', async () => {
    const { email } = await signUpAdmin(hung);
    const started = Date.now();
    const res = await hung.client().gql(REQUEST, { i: { email } });
    expect(res.data).toEqual({ requestPasswordReset: true });
    // The relay holds the message for nodemailer's 30 s socket timeout.
    expect(Date.now() - started).toBeLessThan(10_000);
    await waitFor(() => (relay.attempts > 0 ? true : undefined), 10_000, 'the relay to be reached');
  });

  it('without SMTP_URL the mail lands in the outbox, its link redacted', async () => {
    const { email } = await signUpAdmin(outbox);
    expect((await outbox.client().gql(REQUEST, { i: { email } })).data).toEqual({ requestPasswordReset: true });
    const [row] = await waitFor(async () => {
      const rows = await sql<{ text: string }>(
        outbox.databaseUrl,
        `select text from outbox_message where "to" = $1 and subject = 'Reset your Keyring password'`,
        [email],
      );
      return rows.length ? rows : undefined;
    });
    expect(row.text).toContain(`${PUBLIC_URL}/reset-password?token=[redacted]`);
  });
});
