import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUpAdmin, sql, startTestServer, type TestClient, type TestServer, uniqueEmail, waitFor } from './harness.js';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from './smtp.js';

const PUBLIC_URL = 'http://keyring.test';

const INVITE = `mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { token invitation { id email role expiresAt acceptedAt invitedBy { email } } }
}`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id email role team { id name } } }`;
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { id } }`;
const ME = `{ me { id email role team { id } } }`;
const MEMBERS = `{ team { id members { id role user { id email } } } }`;
const UPDATE_ROLE = `mutation($id: ID!, $role: Role!) { updateMemberRole(id: $id, role: $role) { id role user { email } } }`;
const REMOVE = `mutation($id: ID!) { removeMember(id: $id) }`;

let smtp: SmtpSink;
let server: TestServer;
let other: TestServer;

beforeAll(async () => {
  smtp = await startSmtpSink();
  [server, other] = await Promise.all([startTestServer({ SMTP_URL: smtp.url, PUBLIC_URL }), startTestServer({ PUBLIC_URL })]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), other?.stop()]);
  await smtp?.close();
});

const waitForMail = (to: string): Promise<ReceivedMail> => smtp.waitFor((m) => m.to.includes(to), 5000);

const tokenFromLink = (text: string) => {
  const match = /(\S+)\/accept-invitation\?token=([A-Za-z0-9_%-]+)/.exec(text);
  return match ? { origin: match[1], token: decodeURIComponent(match[2]) } : undefined;
};

async function invite(admin: TestClient, email = uniqueEmail('invitee'), role?: 'ADMIN' | 'MEMBER') {
  const res = await admin.gql(INVITE, { input: { email, ...(role ? { role } : {}) } });
  if (res.errors) throw new Error(`invite failed: ${JSON.stringify(res.errors)}`);
  return { email, token: res.data!.inviteMember.token as string, invitation: res.data!.inviteMember.invitation };
}

async function accept(target: TestServer, token: string, password = PASSWORD) {
  const client = target.client();
  const res = await client.gql(ACCEPT, { input: { token, password } });
  return { client, res };
}

/** A team with an admin and one accepted MEMBER, each with their own signed-in client. */
async function teamWithMember(target: TestServer = server) {
  const admin = await signUpAdmin(target);
  const { email, token } = await invite(admin.client);
  const { client, res } = await accept(target, token);
  if (res.errors) throw new Error(`accept failed: ${JSON.stringify(res.errors)}`);
  const members = (await admin.client.gql(MEMBERS)).data!.team.members as { id: string; role: string; user: { email: string } }[];
  const memberId = members.find((m) => m.user.email === email)!.id;
  const adminMemberId = members.find((m) => m.user.email === admin.email)!.id;
  return { admin, member: { client, email, memberId }, adminMemberId };
}

describe('teams: happy path', () => {
  it('an invitation is emailed through SMTP with a link that makes the invitee a MEMBER', async () => {
    const admin = await signUpAdmin(server, 'Mail Team');
    const email = uniqueEmail('newcomer');
    const res = await admin.client.gql(INVITE, { input: { email: email.toUpperCase() } });
    expect(res.errors).toBeUndefined();
    const payload = res.data!.inviteMember;
    expect(payload.invitation).toMatchObject({ email, role: 'MEMBER', acceptedAt: null, invitedBy: { email: admin.email } });
    expect(new Date(payload.invitation.expiresAt).getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);

    const mail = await waitForMail(email);
    expect(mail.from).toBe('no-reply@keyring.local');
    expect(mail.subject).toContain('Mail Team');
    const link = tokenFromLink(mail.text);
    expect(link?.origin).toBe(PUBLIC_URL);
    expect(link?.token).toBe(payload.token);

    const invitee = server.client();
    const accepted = await invitee.gql(ACCEPT, { input: { token: link!.token, password: 'a new password 123' } });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data?.acceptInvitation).toMatchObject({ email, role: 'MEMBER', team: { id: admin.user.team.id, name: 'Mail Team' } });

    const me = await invitee.gql(ME);
    expect(me.data?.me).toMatchObject({ email, role: 'MEMBER', team: { id: admin.user.team.id } });
    const members = await admin.client.gql(MEMBERS);
    expect(members.data?.team.members.map((m: { role: string; user: { email: string } }) => [m.user.email, m.role])).toEqual([
      [admin.email, 'ADMIN'],
      [email, 'MEMBER'],
    ]);

    // The new account can sign in again with the password it chose.
    const again = await server.client().gql(SIGN_IN, { input: { email, password: 'a new password 123' } });
    expect(again.errors).toBeUndefined();
  });

  it('an admin sees pending invitations until they are accepted', async () => {
    const admin = await signUpAdmin(server);
    const { email, token } = await invite(admin.client);
    const pending = await admin.client.gql('{ team { invitations { email role } } }');
    expect(pending.data?.team.invitations).toEqual([{ email, role: 'MEMBER' }]);
    await accept(server, token);
    const after = await admin.client.gql('{ team { invitations { email } } }');
    expect(after.data?.team.invitations).toEqual([]);
  });

  it('an invitation with role ADMIN makes an admin who can invite in turn', async () => {
    const admin = await signUpAdmin(server);
    const { token } = await invite(admin.client, uniqueEmail('coadmin'), 'ADMIN');
    const { client, res } = await accept(server, token);
    expect(res.data?.acceptInvitation.role).toBe('ADMIN');
    await invite(client);
  });

  it('an admin can promote and demote a member, and the change applies to their open session', async () => {
    const { admin, member } = await teamWithMember();
    const up = await admin.client.gql(UPDATE_ROLE, { id: member.memberId, role: 'ADMIN' });
    expect(up.data?.updateMemberRole).toMatchObject({ id: member.memberId, role: 'ADMIN' });
    expect((await member.client.gql(ME)).data?.me.role).toBe('ADMIN');

    const down = await admin.client.gql(UPDATE_ROLE, { id: member.memberId, role: 'MEMBER' });
    expect(down.data?.updateMemberRole.role).toBe('MEMBER');
    expect((await member.client.gql(ME)).data?.me.role).toBe('MEMBER');
    const forbidden = await member.client.gql(INVITE, { input: { email: uniqueEmail() } });
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('a removed member loses their session at once and can no longer sign in', async () => {
    const { admin, member } = await teamWithMember();
    expect((await member.client.gql(ME)).data?.me.email).toBe(member.email);

    const removed = await admin.client.gql(REMOVE, { id: member.memberId });
    expect(removed.data?.removeMember).toBe(member.memberId);

    expect((await member.client.gql(ME)).data?.me).toBeNull();
    const domains = await member.client.gql('{ domains { id } }');
    expect(domains.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const members = await admin.client.gql(MEMBERS);
    expect(members.data?.team.members.map((m: { id: string }) => m.id)).not.toContain(member.memberId);
    const signIn = await server.client().gql(SIGN_IN, { input: { email: member.email, password: PASSWORD } });
    expect(signIn.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // Told why with the right password only; a wrong one learns nothing about the account.
    expect(signIn.errors?.[0].message).toBe('This account is no longer a member of any team: ask a team admin to invite you again.');
    const guess = await server.client().gql(SIGN_IN, { input: { email: member.email, password: 'not the password' } });
    expect(guess.errors?.[0]).toMatchObject({ message: 'Invalid email or password.', extensions: { code: 'UNAUTHENTICATED' } });
    expect(signIn.headers.get('set-cookie')).toBeNull();
  });

  it('with two admins, one admin can be removed', async () => {
    const admin = await signUpAdmin(server);
    const { email, token } = await invite(admin.client, uniqueEmail('second'), 'ADMIN');
    const second = await accept(server, token);
    const members = (await admin.client.gql(MEMBERS)).data!.team.members as { id: string; user: { email: string } }[];
    const firstId = members.find((m) => m.user.email === admin.email)!.id;

    const res = await second.client.gql(REMOVE, { id: firstId });
    expect(res.errors).toBeUndefined();
    expect((await admin.client.gql(ME)).data?.me).toBeNull();
    const left = await second.client.gql(MEMBERS);
    expect(left.data?.team.members).toMatchObject([{ role: 'ADMIN', user: { email } }]);
  });

  it('someone who already has an account joins with their own password', async () => {
    const inviter = await signUpAdmin(server, 'Inviting team');
    const existing = await signUpAdmin(server, 'Home team');
    const { token } = await invite(inviter.client, existing.email);

    const wrong = await accept(server, token, 'some other password');
    expect(wrong.res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    const { client, res } = await accept(server, token, PASSWORD);
    expect(res.errors).toBeUndefined();
    expect(res.data?.acceptInvitation).toMatchObject({ id: existing.user.id, role: 'MEMBER', team: { id: inviter.user.team.id } });
    expect((await client.gql(ME)).data?.me.team.id).toBe(inviter.user.team.id);
    // Their own team is untouched.
    expect((await existing.client.gql(ME)).data?.me).toMatchObject({ role: 'ADMIN', team: { id: existing.user.team.id } });
  });

  it('without SMTP_URL the invitation mail lands in the outbox table, its link redacted (the admin has the token)', async () => {
    const admin = await signUpAdmin(other, 'Outbox Team');
    const { email, token } = await invite(admin.client);
    // The mail is sent after the answer (team.service.ts): wait for it rather than race it.
    const rows = await waitFor(async () => {
      const found = await sql<{ to: string; subject: string; text: string }>(
        other.databaseUrl,
        'select "to", subject, text from outbox_message where "to" = $1',
        [email],
      );
      return found.length > 0 ? found : undefined;
    });
    expect(rows).toHaveLength(1);
    expect(rows[0].subject).toContain('Outbox Team');
    expect(rows[0].text).toContain(`${PUBLIC_URL}/accept-invitation?token=[redacted]`);
    expect(rows[0].text).not.toContain(token);
    expect(smtp.mailbox.some((m) => m.to.includes(email))).toBe(false);
  });
});

describe('teams: errors', () => {
  it('an invitation cannot be used twice', async () => {
    const admin = await signUpAdmin(server);
    const { token } = await invite(admin.client);
    expect((await accept(server, token)).res.errors).toBeUndefined();
    const again = await accept(server, token, 'yet another password');
    expect(again.res.data).toBeNull();
    expect(again.res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    expect(again.client.cookie).toBeUndefined();
  });

  it('simultaneous accepts of one invitation make one member', async () => {
    const admin = await signUpAdmin(server);
    const { email, token } = await invite(admin.client);
    const results = await Promise.all([1, 2, 3].map(() => accept(server, token)));
    expect(results.filter((r) => !r.res.errors)).toHaveLength(1);
    const rows = await sql(server.databaseUrl, 'select 1 from membership m join app_user u on u.id = m.user_id where u.email = $1', [email]);
    expect(rows).toHaveLength(1);
  });

  it('an expired invitation is refused', async () => {
    const admin = await signUpAdmin(server);
    const { email, token, invitation } = await invite(admin.client);
    await sql(server.databaseUrl, `update invitation set expires_at = now() - interval '1 minute' where id = $1`, [invitation.id]);
    const { res } = await accept(server, token);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    expect(await sql(server.databaseUrl, 'select 1 from app_user where email = $1', [email])).toEqual([]);
  });

  it('an unknown or empty token is refused with the same message', async () => {
    const admin = await signUpAdmin(server);
    const { token } = await invite(admin.client);
    const used = (await accept(server, token)).res;
    const reused = (await accept(server, token)).res;
    for (const t of ['', 'not-a-token', `${token}x`]) {
      const { res } = await accept(server, t);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
      expect(res.errors?.[0].message).toBe(reused.errors?.[0].message);
    }
    expect(used.errors).toBeUndefined();
  });

  it('a short password on accepting is BAD_USER_INPUT and leaves the invitation usable', async () => {
    const admin = await signUpAdmin(server);
    const { token } = await invite(admin.client);
    const short = await accept(server, token, 'short');
    expect(short.res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect((await accept(server, token)).res.errors).toBeUndefined();
  });

  it('a new invitation to the same address replaces the pending one', async () => {
    const admin = await signUpAdmin(server);
    const email = uniqueEmail('twice');
    const first = await invite(admin.client, email);
    const second = await invite(admin.client, email);
    expect((await accept(server, first.token)).res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await accept(server, second.token)).res.errors).toBeUndefined();
  });

  it('inviting a current member or an invalid address is BAD_USER_INPUT on email', async () => {
    const { admin, member } = await teamWithMember();
    for (const email of [member.email, admin.email, 'not an email', '']) {
      const res = await admin.client.gql(INVITE, { input: { email } });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    }
  });

  it('the last admin cannot be demoted or removed', async () => {
    const { admin, adminMemberId } = await teamWithMember();
    const demote = await admin.client.gql(UPDATE_ROLE, { id: adminMemberId, role: 'MEMBER' });
    expect(demote.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(demote.errors?.[0].message).toMatch(/at least one admin/);
    const remove = await admin.client.gql(REMOVE, { id: adminMemberId });
    expect(remove.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(remove.errors?.[0].message).toMatch(/at least one admin/);
    expect((await admin.client.gql(ME)).data?.me.role).toBe('ADMIN');
  });

  it('two admins demoting each other at once leave one admin', async () => {
    const admin = await signUpAdmin(server);
    const { token } = await invite(admin.client, uniqueEmail('rival'), 'ADMIN');
    const rival = await accept(server, token);
    const members = (await admin.client.gql(MEMBERS)).data!.team.members as { id: string; user: { email: string } }[];
    const [a, b] = members.map((m) => m.id);
    const results = await Promise.all([admin.client.gql(UPDATE_ROLE, { id: b, role: 'MEMBER' }), rival.client.gql(UPDATE_ROLE, { id: a, role: 'MEMBER' })]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    const admins = await sql(server.databaseUrl, `select 1 from membership where team_id = $1 and role = 'ADMIN'`, [admin.user.team.id]);
    expect(admins).toHaveLength(1);
  });

  it("another team's member id, or a malformed one, is NOT_FOUND", async () => {
    const mine = await teamWithMember();
    const theirs = await teamWithMember();
    for (const id of [theirs.member.memberId, theirs.adminMemberId, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const update = await mine.admin.client.gql(UPDATE_ROLE, { id, role: 'ADMIN' });
      expect(update.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const remove = await mine.admin.client.gql(REMOVE, { id });
      expect(remove.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    expect((await theirs.member.client.gql(ME)).data?.me.role).toBe('MEMBER');
  });
});

describe('teams: security', () => {
  it('a MEMBER cannot invite, change roles, remove members or see invitations', async () => {
    const { member, adminMemberId } = await teamWithMember();
    const before = await sql(server.databaseUrl, 'select count(*) from invitation');
    const attempts = [
      await member.client.gql(INVITE, { input: { email: uniqueEmail('sneaky'), role: 'ADMIN' } }),
      await member.client.gql(UPDATE_ROLE, { id: member.memberId, role: 'ADMIN' }),
      await member.client.gql(UPDATE_ROLE, { id: adminMemberId, role: 'MEMBER' }),
      await member.client.gql(REMOVE, { id: adminMemberId }),
      await member.client.gql('{ team { invitations { email } } }'),
    ];
    for (const res of attempts) expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await sql(server.databaseUrl, 'select count(*) from invitation')).toEqual(before);
    expect((await member.client.gql(ME)).data?.me.role).toBe('MEMBER');
  });

  it('a signed-out caller cannot invite or manage members', async () => {
    const { member } = await teamWithMember();
    const anonymous = server.client();
    for (const res of [
      await anonymous.gql(INVITE, { input: { email: uniqueEmail() } }),
      await anonymous.gql(REMOVE, { id: member.memberId }),
      await anonymous.gql(MEMBERS),
    ]) {
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it("an admin who invites someone's existing account cannot guess its password through the invitation", async () => {
    const victim = await signUpAdmin(server, 'Victim team');
    const attacker = await signUpAdmin(server, 'Attacker team');
    // The inviting admin gets the token in the response, so accepting must be held to the sign-in throttle.
    const { token } = await invite(attacker.client, victim.email);
    for (let i = 0; i < 10; i++) {
      const { res } = await accept(server, token, `guess number ${i}`);
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    const right = await accept(server, token, PASSWORD);
    expect(right.res.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(right.client.cookie).toBeUndefined();
    const members = await attacker.client.gql(MEMBERS);
    expect(members.data?.team.members.map((m: { user: { email: string } }) => m.user.email)).toEqual([attacker.email]);
  });

  it('the invitation token is stored only as a hash', async () => {
    const admin = await signUpAdmin(server);
    const { token, invitation } = await invite(admin.client);
    const [row] = await sql<{ token_hash: string }>(server.databaseUrl, 'select token_hash from invitation where id = $1', [invitation.id]);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.token_hash).not.toContain(token);
    const schema = await admin.client.gql('{ team { invitations { tokenHash } } }');
    expect(schema.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
