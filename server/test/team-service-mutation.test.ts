// The team service on a real PostgreSQL, without a server: inviting (roles, the address already a
// member, a new invitation replacing a pending one, the invitation throttle, the email and its link,
// a relay that fails), what a link shows, accepting (a new account, an existing one with its own
// password and the sign-in throttle, a link used, expired or taken meanwhile), the members and
// pending invitations listed, roles changed, members removed (their sessions in this team end), the
// last admin kept, renewing and revoking links — each in its own team, another team's ids answered
// as unknown ones, and the audit events written. Fast enough for every mutant of team.service.ts to
// run it (pnpm test:mutation team-service).
import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { initOrm, migrate } from '../src/db/orm.js';
import { createPool } from '../src/db/pool.js';
import { AppError } from '../src/errors.js';
import { sha256Hex } from '../src/lib/crypto.js';
import { createLogger } from '../src/logger.js';
import { Permission } from '../src/modules/api-key/api-key.entity.js';
import type { Actor } from '../src/modules/auth/actor.js';
import { hashPassword } from '../src/modules/auth/auth.service.js';
import { createSignInThrottle, SIGN_IN_PER_ACCOUNT_ADDRESS } from '../src/modules/auth/sign-in-throttle.js';
import { createMailer } from '../src/modules/mail/mailer.js';
import { createInvitationThrottle, INVITATIONS_PER_RECIPIENT_PER_DAY } from '../src/modules/team/invitation-throttle.js';
import { Role } from '../src/modules/team/team.entity.js';
import {
  acceptInvitation,
  findTeam,
  inviteMember,
  listMembers,
  listPendingInvitations,
  previewInvitation,
  removeMember,
  renewInvitationLink,
  revokeInvitation,
  updateMemberRole,
} from '../src/modules/team/team.service.js';
import type { Services } from '../src/services.js';
import { createTestDatabase, sql, waitFor } from './harness.js';
import { type FaultyRelay, startFaultyRelay } from './smtp-faulty.js';

const PUBLIC_URL = 'http://keyring.test';
const PASSWORD = 'correct horse battery';
const INVALID_INVITATION = 'This invitation is invalid, already used or expired.';
const DAY = 86_400_000;

let url: string;
let orm: MikroORM;
let pools: pg.Pool[] = [];
let services: Services;
/** The same, with a mailer whose outbox table does not exist (a relay that refuses every mail). */
let failingMail: Services;
const logs: Record<string, unknown>[] = [];
let passwordHash: string;

beforeAll(async () => {
  const [db, bare] = await Promise.all([createTestDatabase('team_service'), createTestDatabase('team_service_bare')]);
  url = db;
  orm = await initOrm(url, createLogger('silent'));
  await migrate(orm);
  const logger = pino({ level: 'error' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, PUBLIC_URL, CLIENT_DIST: '/nonexistent', LOG_LEVEL: 'silent' });
  const pool = createPool(url);
  const barePool = createPool(bare);
  pools = [pool, barePool];
  const from = 'Keyring <no-reply@keyring.local>';
  services = {
    config,
    logger,
    orm,
    mailer: createMailer({ from, pool, logger }),
    signInThrottle: createSignInThrottle(orm),
    invitationThrottle: createInvitationThrottle(orm),
  } as unknown as Services;
  // One attempt: the failure is final at once (retries are faults-mail.test.ts's).
  failingMail = { ...services, config: { ...config, MAIL_MAX_ATTEMPTS: 1 }, mailer: createMailer({ from, pool: barePool, logger }) } as Services;
  passwordHash = await hashPassword(PASSWORD);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await orm?.close();
});
afterEach(() => {
  vi.useRealTimers();
});

const em = () => orm.em.fork() as EntityManager;
let n = 0;
const email = (label = 'someone') => `${label}-${n++}-${randomUUID().slice(0, 8)}@example.com`;
/** A client address of its own (a /64 of its own): the sign-in and invitation budgets per address are shared by the whole file. */
const ip = () => `2001:db8:${(n++).toString(16)}::1`;

async function addUser(address = email(), hash = passwordHash): Promise<string> {
  const id = randomUUID();
  await sql(url, `insert into app_user (id, email, password_hash, created_at) values ($1, $2, $3, now())`, [id, address, hash]);
  return id;
}
async function addMember(teamId: string, userId: string, role: Role, createdAt = new Date()): Promise<string> {
  const id = randomUUID();
  await sql(url, `insert into membership (id, team_id, user_id, role, created_at) values ($1, $2, $3, $4, $5)`, [id, teamId, userId, role, createdAt]);
  return id;
}
async function addSession(teamId: string, userId: string): Promise<string> {
  const id = randomUUID();
  await sql(url, `insert into session (id, token_hash, user_id, team_id, created_at, expires_at) values ($1, $2, $3, $4, now(), now() + interval '1 day')`, [
    id,
    sha256Hex(id),
    userId,
    teamId,
  ]);
  return id;
}

type T = { teamId: string; name: string; adminId: string; adminEmail: string; adminMemberId: string; admin: Actor };
/** A team with one admin. */
async function team(name = 'Acme'): Promise<T> {
  const teamId = randomUUID();
  await sql(url, `insert into team (id, name, created_at) values ($1, $2, now())`, [teamId, name]);
  const adminEmail = email('admin');
  const adminId = await addUser(adminEmail);
  const adminMemberId = await addMember(teamId, adminId, Role.ADMIN, new Date(Date.now() - 60_000));
  return { teamId, name, adminId, adminEmail, adminMemberId, admin: { kind: 'user', userId: adminId, teamId, role: Role.ADMIN, sessionId: randomUUID() } };
}

type Refusal = { code: string; message: string; field?: string; retryAfterSeconds?: number };
async function refusal(p: Promise<unknown>): Promise<Refusal | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { code: e.code, message: e.message, ...(e.field === undefined ? {} : { field: e.field }) };
  }
}
const audits = (targetId: string) =>
  sql<{ action: string; metadata: Record<string, unknown> | null; actor_id: string | null; actor_api_key_id: string | null; team_id: string }>(
    url,
    'select action, metadata, actor_id, actor_api_key_id, team_id from audit_event where target_id = $1 order by created_at, action',
    [targetId],
  );
const invitationRow = async (id: string) =>
  (
    await sql<{ token_hash: string; accepted_at: Date | null; expires_at: Date; role: string; email: string; invited_by_id: string | null; team_id: string }>(
      url,
      'select token_hash, accepted_at, expires_at, role, email, invited_by_id, team_id from invitation where id = $1',
      [id],
    )
  )[0];
const membershipsOf = (teamId: string) =>
  sql<{ id: string; user_id: string; role: string; email: string }>(
    url,
    'select m.id, m.user_id, m.role, u.email from membership m join app_user u on u.id = m.user_id where m.team_id = $1 order by m.created_at',
    [teamId],
  );
const outbox = (to: string) =>
  sql<{ from: string; subject: string; text: string }>(url, 'select "from", subject, text from outbox_message where "to" = $1', [to]);

const invite = (t: T, address = email('invitee'), role = Role.MEMBER, s = services) => inviteMember(em(), s, t.admin, { email: address, role }, ip());

/** Whether the sign-in throttle knows `address` for the account (it then skips the per-account backoff). */
async function knownAddress(account: string, address: string): Promise<boolean> {
  // Spend the account's budget from first-seen addresses until one is made to back off…
  let refused: Refusal | undefined;
  for (let i = 0; i < 30 && !refused; i++) refused = await refusal(services.signInThrottle.attempt(account, ip()));
  expect(refused).toMatchObject({ code: 'RATE_LIMITED' });
  // …then a known address is still let through, a first-seen one is not.
  return (await refusal(services.signInThrottle.attempt(account, address))) === undefined;
}

describe('inviting', () => {
  it('stores the invitation for 7 days, by its admin, audited, and emails its link (the token redacted from the outbox)', async () => {
    const t = await team('Mail Team');
    const address = email('newcomer');
    const before = Date.now();
    const { invitation, token } = await inviteMember(em(), services, t.admin, { email: `  ${address.toUpperCase()} `, role: Role.MEMBER }, ip());
    const after = Date.now();
    expect(invitation).toMatchObject({ email: address, role: Role.MEMBER, acceptedAt: undefined });
    expect(invitation.invitedBy?.email).toBe(t.adminEmail);
    expect(invitation.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(invitation.expiresAt.getTime()).toBeLessThanOrEqual(after + 7 * DAY);
    const row = await invitationRow(invitation.id);
    expect(row).toMatchObject({ token_hash: sha256Hex(token), accepted_at: null, role: 'MEMBER', email: address, invited_by_id: t.adminId, team_id: t.teamId });
    expect(row.expires_at.getTime()).toBe(invitation.expiresAt.getTime());
    expect(await audits(invitation.id)).toEqual([
      { action: 'member.invited', metadata: { email: address, role: 'MEMBER' }, actor_id: t.adminId, actor_api_key_id: null, team_id: t.teamId },
    ]);
    const [mail] = await waitFor(async () => ((await outbox(address)).length ? outbox(address) : undefined), 5000, 'the invitation email');
    expect(mail).toEqual({
      from: 'Keyring <no-reply@keyring.local>',
      subject: 'You are invited to join Mail Team on Keyring',
      text: `You have been invited to join the team "Mail Team" on Keyring as member.\n\nAccept the invitation: ${PUBLIC_URL}/accept-invitation?token=[redacted]\n\nThe link works once and expires in 7 days.`,
    });
    expect(await previewInvitation(em(), token)).toEqual({ teamName: 'Mail Team', email: address, expiresAt: invitation.expiresAt });
  });

  it('as ADMIN: the role is kept, mailed in lower case, and given on accepting', async () => {
    const t = await team('Admins');
    const address = email('coadmin');
    const { invitation, token } = await invite(t, address, Role.ADMIN);
    expect(invitation.role).toBe(Role.ADMIN);
    expect((await audits(invitation.id))[0].metadata).toEqual({ email: address, role: 'ADMIN' });
    const [mail] = await waitFor(async () => ((await outbox(address)).length ? outbox(address) : undefined), 5000, 'the invitation email');
    expect(mail.text).toContain('on Keyring as admin.\n');
    const signedIn = await acceptInvitation(em(), services, { token, password: 'a new password 123' }, ip());
    expect(signedIn.actor).toMatchObject({ teamId: t.teamId, role: Role.ADMIN });
    expect((await membershipsOf(t.teamId)).map((m) => [m.email, m.role])).toEqual([
      [t.adminEmail, 'ADMIN'],
      [address, 'ADMIN'],
    ]);
  });

  it('by an API key: no inviting user, the key is the actor', async () => {
    const t = await team();
    const key: Actor = { kind: 'apiKey', apiKeyId: randomUUID(), teamId: t.teamId, permission: Permission.FULL_ACCESS, domainId: null };
    const address = email();
    const { invitation } = await inviteMember(em(), services, key, { email: address, role: Role.MEMBER }, ip());
    expect(invitation.invitedBy).toBeUndefined();
    expect((await invitationRow(invitation.id)).invited_by_id).toBeNull();
    expect(await audits(invitation.id)).toEqual([
      {
        action: 'member.invited',
        metadata: { email: address, role: 'MEMBER' },
        actor_id: null,
        actor_api_key_id: key.kind === 'apiKey' ? key.apiKeyId : '',
        team_id: t.teamId,
      },
    ]);
  });

  it('refuses a role that is neither ADMIN nor MEMBER, and a bad address, storing nothing', async () => {
    const t = await team();
    const address = email();
    expect(await refusal(inviteMember(em(), services, t.admin, { email: address, role: 'OWNER' as Role }, ip()))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Choose ADMIN or MEMBER.',
      field: 'role',
    });
    expect(await refusal(inviteMember(em(), services, t.admin, { email: 'not an address', role: Role.MEMBER }, ip()))).toMatchObject({ field: 'email' });
    expect(await sql(url, 'select id from invitation where team_id = $1', [t.teamId])).toEqual([]);
  });

  it('refuses an address already a member of this team (not one of another team)', async () => {
    const t = await team();
    const other = await team();
    const memberEmail = email('member');
    await addMember(t.teamId, await addUser(memberEmail), Role.MEMBER);
    expect(await refusal(invite(t, memberEmail.toUpperCase()))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'This person is already a member of the team.',
      field: 'email',
    });
    expect(await refusal(invite(t, t.adminEmail))).toMatchObject({ field: 'email' });
    // A member of this team may be invited into another.
    const { invitation } = await invite(other, memberEmail);
    expect(invitation.email).toBe(memberEmail);
    expect(await sql(url, 'select id from invitation where team_id = $1', [t.teamId])).toEqual([]);
  });

  it('a new invitation replaces the pending one for the same address; other addresses, teams and accepted ones stay', async () => {
    const t = await team();
    const other = await team();
    const address = email();
    const first = await invite(t, address);
    const elsewhere = await invite(other, address);
    const someoneElse = await invite(t);
    // An accepted invitation of a member who has since been removed.
    const formerEmail = email('former');
    const former = await invite(t, formerEmail);
    await acceptInvitation(em(), services, { token: former.token, password: PASSWORD }, ip());
    const [formerMember] = (await membershipsOf(t.teamId)).filter((m) => m.email === formerEmail);
    await removeMember(em(), t.admin, formerMember.id);

    const second = await invite(t, address, Role.ADMIN);
    expect(await previewInvitation(em(), first.token)).toBeNull();
    expect(await invitationRow(first.invitation.id)).toBeUndefined();
    expect(await previewInvitation(em(), second.token)).toMatchObject({ email: address });
    expect(await previewInvitation(em(), elsewhere.token)).toMatchObject({ email: address });
    expect(await previewInvitation(em(), someoneElse.token)).not.toBeNull();

    const again = await invite(t, formerEmail);
    expect((await invitationRow(former.invitation.id))?.accepted_at).not.toBeNull();
    expect(again.invitation.email).toBe(formerEmail);
    expect((await listPendingInvitations(em(), t.teamId)).map((i) => i.id).sort()).toEqual(
      [second.invitation.id, someoneElse.invitation.id, again.invitation.id].sort(),
    );
  });

  it('is throttled: past an address’s daily budget nothing is stored or replaced', async () => {
    const t = await team();
    const address = email();
    let last: Awaited<ReturnType<typeof invite>> | undefined;
    for (let i = 0; i < INVITATIONS_PER_RECIPIENT_PER_DAY; i++) last = await invite(t, address);
    expect(await refusal(invite(t, address))).toEqual({
      code: 'RATE_LIMITED',
      message: 'This address has received too many invitations from your team today. Try again tomorrow.',
    });
    expect((await listPendingInvitations(em(), t.teamId)).map((i) => i.id)).toEqual([last!.invitation.id]);
    expect(await previewInvitation(em(), last!.token)).not.toBeNull();
  });

  it('a relay that fails: the invitation stands, its token is returned, and the failure is logged', async () => {
    const t = await team();
    const address = email();
    const { invitation, token } = await invite(t, address, Role.MEMBER, failingMail);
    expect(await previewInvitation(em(), token)).toMatchObject({ email: address });
    const line = await waitFor(() => logs.find((l) => l.invitationId === invitation.id), 5000, 'the log line');
    expect(line).toMatchObject({ level: 50, msg: 'notice email could not be sent; given up', err: { type: expect.any(String) } });
    expect(await outbox(address)).toEqual([]);
  });
});

describe('an invitation email the relay refused is retried only while its link works', () => {
  let relay: FaultyRelay;
  /** The services with a real relay on loopback, retried every 0.1 s (doubling). */
  let retrying: Services;
  beforeAll(async () => {
    relay = await startFaultyRelay();
    retrying = {
      ...services,
      config: { ...services.config, MAIL_MAX_ATTEMPTS: 20, MAIL_RETRY_SECONDS: 0.1 },
      mailer: createMailer({ smtpUrl: relay.url, from: 'Keyring <no-reply@keyring.local>', pool: pools[0], logger: services.logger }),
    } as Services;
  });
  afterAll(() => relay?.close());
  afterEach(() => {
    relay.mode = 'accept';
  });

  /** The bodies the relay took for `address`, quoted-printable's soft line breaks undone. */
  const received = (address: string) => relay.delivered.filter((d) => d.to.includes(address)).map((d) => d.raw.replace(/=\r?\n/g, ''));
  /** Waits until the relay has refused `n` more attempts than it had when this was called… */
  const refusals = (n: number) => {
    const from = relay.attempts;
    return () => waitFor(() => (relay.attempts >= from + n ? true : undefined), 5000, `${n} refused attempts`);
  };
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** An invitation to a new address of a new team, whose email the relay has refused twice (the first attempt and a retry). */
  async function inviteRefused(teamName: string) {
    const t = await team(teamName);
    const address = email();
    relay.mode = 'tempfail';
    const refused = refusals(2);
    const invited = await invite(t, address, Role.MEMBER, retrying);
    await refused();
    return { address, ...invited };
  }

  it('one that still stands: its retry delivers its link', async () => {
    const { address, token } = await inviteRefused('Retried');
    relay.mode = 'accept';
    const [body] = await waitFor(() => (received(address).length ? received(address) : undefined), 5000, 'the invitation');
    expect(body).toContain(token);
  });

  it('one replaced meanwhile: only the new link arrives, never the old one', async () => {
    const t = await team('Replaced');
    const address = email();
    relay.mode = 'tempfail';
    const first = await invite(t, address, Role.MEMBER, retrying);
    const refused = refusals(2);
    const second = await invite(t, address, Role.MEMBER, retrying);
    await refused(); // both have been refused at least once (the second's first attempt is at once)
    relay.mode = 'accept';
    await waitFor(() => (received(address).length ? true : undefined), 5000, 'an invitation');
    await pause(1500); // longer than the retries' wait by now
    const bodies = received(address);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toContain(second.token);
    expect(bodies[0]).not.toContain(first.token);
  });

  it('one expired meanwhile: its retry is not sent', async () => {
    const { address, invitation } = await inviteRefused('Lapsed');
    await sql(url, `update invitation set expires_at = now() - interval '1 second' where id = $1`, [invitation.id]);
    relay.mode = 'accept';
    await pause(1500);
    expect(received(address)).toEqual([]);
  });
});

describe('previewing a link', () => {
  it('answers null for a token unknown, empty, too long, used or expired', async () => {
    const t = await team('Preview');
    expect(await previewInvitation(em(), 'no-such-token')).toBeNull();
    const used = await invite(t);
    await acceptInvitation(em(), services, { token: used.token, password: PASSWORD }, ip());
    expect(await previewInvitation(em(), used.token)).toBeNull();
    const expired = await invite(t);
    await sql(url, `update invitation set expires_at = now() - interval '1 second' where id = $1`, [expired.invitation.id]);
    expect(await previewInvitation(em(), expired.token)).toBeNull();
    // Tokens are 43 characters: an empty one, or one of over 200, is not even looked up (the rows
    // below are planted with those tokens' hashes).
    const plant = async (token: string) => {
      const { invitation } = await invite(t);
      await sql(url, 'update invitation set token_hash = $1 where id = $2', [sha256Hex(token), invitation.id]);
    };
    await plant('');
    await plant('x'.repeat(201));
    await plant('y'.repeat(200));
    expect(await previewInvitation(em(), '')).toBeNull();
    expect(await previewInvitation(em(), 'x'.repeat(201))).toBeNull();
    expect(await previewInvitation(em(), 'y'.repeat(200))).toMatchObject({ teamName: 'Preview' });
    // Nor is an empty token accepted.
    expect(await refusal(acceptInvitation(em(), services, { token: '', password: PASSWORD }, ip()))).toEqual({
      code: 'BAD_USER_INPUT',
      message: INVALID_INVITATION,
      field: 'token',
    });
  });

  it('expires at its expiry to the millisecond', async () => {
    const t = await team();
    const { invitation, token } = await invite(t);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(invitation.expiresAt.getTime() - 1);
    expect(await previewInvitation(em(), token)).not.toBeNull();
    expect((await listPendingInvitations(em(), t.teamId)).map((i) => i.id)).toEqual([invitation.id]);
    vi.setSystemTime(invitation.expiresAt);
    expect(await previewInvitation(em(), token)).toBeNull();
    expect(await listPendingInvitations(em(), t.teamId)).toEqual([]);
    // Refused for the link, before the (too short) password is looked at.
    expect(await refusal(acceptInvitation(em(), services, { token, password: 'short' }, ip()))).toEqual({
      code: 'BAD_USER_INPUT',
      message: INVALID_INVITATION,
      field: 'token',
    });
    expect(await refusal(renewInvitationLink(em(), services, t.admin, invitation.id, ip()))).toEqual({ code: 'NOT_FOUND', message: 'Invitation not found.' });
  });
});

describe('accepting', () => {
  it('a new account: made with the password chosen, joins with the invited role, signed in, audited, its address remembered', async () => {
    const t = await team();
    const address = email('new');
    const { token } = await invite(t, address);
    const from = ip();
    const before = Date.now();
    const signedIn = await acceptInvitation(em(), services, { token, password: 'a new password 123' }, from);
    const [member] = (await membershipsOf(t.teamId)).filter((m) => m.email === address);
    expect(member.role).toBe('MEMBER');
    expect(signedIn.user.email).toBe(address);
    expect(signedIn.actor).toMatchObject({ kind: 'user', userId: member.user_id, teamId: t.teamId, role: Role.MEMBER });
    const [session] = await sql<{ id: string; team_id: string; user_id: string; expires_at: Date }>(
      url,
      'select id, team_id, user_id, expires_at from session where token_hash = $1',
      [sha256Hex(signedIn.token)],
    );
    expect(session).toMatchObject({ id: (signedIn.actor as { sessionId: string }).sessionId, team_id: t.teamId, user_id: member.user_id });
    expect(session.expires_at.getTime()).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(await audits(member.id)).toEqual([
      { action: 'member.joined', metadata: { role: 'MEMBER' }, actor_id: member.user_id, actor_api_key_id: null, team_id: t.teamId },
    ]);
    // The link works once.
    expect(await refusal(acceptInvitation(em(), services, { token, password: 'a new password 123' }, ip()))).toEqual({
      code: 'BAD_USER_INPUT',
      message: INVALID_INVITATION,
      field: 'token',
    });
    // The password chosen is the account's.
    const [user] = await sql<{ password_hash: string }>(url, 'select password_hash from app_user where email = $1', [address]);
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const other = await team();
    const again = await invite(other, address);
    expect(await refusal(acceptInvitation(em(), services, { token: again.token, password: 'a wrong password' }, ip()))).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    // The address it joined from is known to the account, as after a sign-in.
    expect(await knownAddress(address, from)).toBe(true);
    expect(await knownAddress(address, ip())).toBe(false);
  });

  it('a new account needs a valid password; nothing is stored and the link still works', async () => {
    const t = await team();
    const address = email();
    const { token } = await invite(t, address);
    expect(await refusal(acceptInvitation(em(), services, { token, password: 'short' }, ip()))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Password must be at least 10 characters.',
      field: 'password',
    });
    expect(await sql(url, 'select id from app_user where email = $1', [address])).toEqual([]);
    expect(await previewInvitation(em(), token)).not.toBeNull();
  });

  it('an unknown or used token is refused with the same message', async () => {
    expect(await refusal(acceptInvitation(em(), services, { token: 'no-such-token', password: PASSWORD }, ip()))).toEqual({
      code: 'BAD_USER_INPUT',
      message: INVALID_INVITATION,
      field: 'token',
    });
  });

  it('an expired link is refused before any password is looked at: a new account’s, or an existing one’s (no sign-in attempt counted)', async () => {
    const t = await team();
    const fresh = await invite(t);
    const existingEmail = email('existing');
    await addUser(existingEmail);
    const existing = await invite(t, existingEmail);
    await sql(url, `update invitation set expires_at = now() - interval '1 second' where id = any($1)`, [[fresh.invitation.id, existing.invitation.id]]);
    const invalid = { code: 'BAD_USER_INPUT', message: INVALID_INVITATION, field: 'token' };
    expect(await refusal(acceptInvitation(em(), services, { token: fresh.token, password: 'short' }, ip()))).toEqual(invalid);
    const from = ip();
    for (let i = 0; i < SIGN_IN_PER_ACCOUNT_ADDRESS; i++) {
      expect(await refusal(acceptInvitation(em(), services, { token: existing.token, password: 'not the password' }, from))).toEqual(invalid);
    }
    // The address spent none of its sign-in budget for the account.
    expect(await refusal(services.signInThrottle.attempt(existingEmail, from))).toBeUndefined();
  });

  it('an existing account joins with its own password (unchanged), keeps its other team, and the attempt counts like a sign-in', async () => {
    const home = await team('Home');
    const t = await team('Joined');
    const address = email('existing');
    const userId = await addUser(address);
    await addMember(home.teamId, userId, Role.ADMIN);
    const { token, invitation } = await invite(t, address, Role.ADMIN);
    const from = ip();
    // Nine failed guesses from this address: the accept is the tenth attempt of its budget.
    for (let i = 0; i < SIGN_IN_PER_ACCOUNT_ADDRESS - 1; i++) await services.signInThrottle.attempt(address, from);
    expect(await refusal(acceptInvitation(em(), services, { token, password: 'not the password' }, ip()))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'Invalid email or password.',
    });
    expect((await invitationRow(invitation.id)).accepted_at).toBeNull();
    const signedIn = await acceptInvitation(em(), services, { token, password: PASSWORD }, from);
    expect(signedIn.user.id).toBe(userId);
    expect(signedIn.actor).toMatchObject({ userId, teamId: t.teamId, role: Role.ADMIN });
    expect(await sql(url, 'select password_hash from app_user where id = $1', [userId])).toEqual([{ password_hash: passwordHash }]);
    expect((await sql(url, 'select team_id from membership where user_id = $1 order by created_at', [userId])).map((r) => r.team_id)).toEqual([
      home.teamId,
      t.teamId,
    ]);
    expect((await invitationRow(invitation.id)).accepted_at).not.toBeNull();
    // The success cleared this address's count for the account: more attempts from it pass.
    expect(await refusal(services.signInThrottle.attempt(address, from))).toBeUndefined();
    expect(await knownAddress(address, from)).toBe(true);
  });

  it('an existing account held off by the sign-in throttle is refused before its password is checked', async () => {
    const t = await team();
    const address = email('existing');
    await addUser(address);
    const { token, invitation } = await invite(t, address);
    const from = ip();
    for (let i = 0; i < SIGN_IN_PER_ACCOUNT_ADDRESS; i++) await services.signInThrottle.attempt(address, from);
    expect(await refusal(acceptInvitation(em(), services, { token, password: PASSWORD }, from))).toMatchObject({
      code: 'RATE_LIMITED',
      message: 'Too many sign-in attempts. Try again later.',
    });
    expect((await invitationRow(invitation.id)).accepted_at).toBeNull();
  });

  it('someone already a member when the link is used stays as they are (no second membership), and is signed in', async () => {
    const t = await team();
    const address = email('both');
    const { token } = await invite(t, address, Role.ADMIN);
    const userId = await addUser(address);
    const memberId = await addMember(t.teamId, userId, Role.MEMBER);
    const signedIn = await acceptInvitation(em(), services, { token, password: PASSWORD }, ip());
    expect(signedIn.actor).toMatchObject({ userId, teamId: t.teamId, role: Role.MEMBER });
    expect((await membershipsOf(t.teamId)).filter((m) => m.user_id === userId)).toEqual([{ id: memberId, user_id: userId, role: 'MEMBER', email: address }]);
    expect(await audits(memberId)).toEqual([
      { action: 'member.joined', metadata: { role: 'MEMBER' }, actor_id: userId, actor_api_key_id: null, team_id: t.teamId },
    ]);
  });

  /** An invitation to an existing account; `meanwhile` runs while its password is checked (after the link was read). */
  async function acceptWhile(meanwhile: (invitation: { id: string; expiresAt: Date }) => Promise<void>) {
    const t = await team();
    const address = email('existing');
    await addUser(address);
    const { token, invitation } = await invite(t, address);
    const s = {
      ...services,
      signInThrottle: {
        ...services.signInThrottle,
        attempt: async (e: string, a: string) => {
          await services.signInThrottle.attempt(e, a);
          await meanwhile(invitation);
        },
      },
    } as Services;
    const result = await refusal(acceptInvitation(em(), s, { token, password: PASSWORD }, ip()));
    return { t, invitation, result, address };
  }

  it('a link used by someone else meanwhile is refused; nothing joins', async () => {
    const { t, invitation, result, address } = await acceptWhile(async (inv) => {
      await sql(url, 'update invitation set accepted_at = now() where id = $1', [inv.id]);
    });
    expect(result).toEqual({ code: 'BAD_USER_INPUT', message: INVALID_INVITATION, field: 'token' });
    expect((await membershipsOf(t.teamId)).map((m) => m.email)).not.toContain(address);
    expect(await sql(url, `select id from audit_event where team_id = $1 and action = 'member.joined'`, [t.teamId])).toEqual([]);
    expect((await invitationRow(invitation.id)).accepted_at).not.toBeNull();
  });

  it('a link that expires meanwhile, to the millisecond, is refused', async () => {
    const { t, result, address } = await acceptWhile(async (inv) => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(inv.expiresAt);
    });
    expect(result).toEqual({ code: 'BAD_USER_INPUT', message: INVALID_INVITATION, field: 'token' });
    expect((await membershipsOf(t.teamId)).map((m) => m.email)).not.toContain(address);
  });

  it('two accepts of one link at once: one joins, the other is told the link is used', async () => {
    const t = await team();
    const address = email('racer');
    const { token } = await invite(t, address);
    const results = await Promise.all([1, 2].map(() => refusal(acceptInvitation(em(), services, { token, password: 'a new password 123' }, ip()))));
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
    expect(results.filter((r) => r !== undefined)).toEqual([{ code: 'BAD_USER_INPUT', message: INVALID_INVITATION, field: 'token' }]);
    expect((await membershipsOf(t.teamId)).map((m) => m.email)).toEqual([t.adminEmail, address]);
  });
});

describe('members and pending invitations', () => {
  it('members are listed oldest first with their users, only this team’s', async () => {
    const t = await team();
    const other = await team();
    const late = email('late');
    const early = email('early');
    await addMember(t.teamId, await addUser(late), Role.MEMBER, new Date(Date.now() + 1000));
    await addMember(t.teamId, await addUser(early), Role.ADMIN, new Date(Date.now() - 1000));
    const members = await listMembers(em(), t.teamId);
    expect(members.map((m) => [m.user.email, m.role])).toEqual([
      [t.adminEmail, Role.ADMIN],
      [early, Role.ADMIN],
      [late, Role.MEMBER],
    ]);
    expect((await listMembers(em(), other.teamId)).map((m) => m.user.email)).toEqual([other.adminEmail]);
    expect((await findTeam(em(), t.teamId)).name).toBe('Acme');
  });

  it('pending invitations: newest first, with who invited, none accepted, expired or of another team', async () => {
    const t = await team();
    const other = await team();
    // Sent in an order that is neither the list's nor its reverse.
    const older = await invite(t);
    const newer = await invite(t);
    const oldest = await invite(t);
    for (const [{ invitation }, hours] of [
      [older, -1],
      [newer, 1],
      [oldest, -2],
    ] as const) {
      await sql(url, `update invitation set created_at = now() + $2 * interval '1 hour' where id = $1`, [invitation.id, hours]);
    }
    const accepted = await invite(t);
    await acceptInvitation(em(), services, { token: accepted.token, password: PASSWORD }, ip());
    const expired = await invite(t);
    await sql(url, `update invitation set expires_at = now() - interval '1 second' where id = $1`, [expired.invitation.id]);
    await invite(other);
    const pending = await listPendingInvitations(em(), t.teamId);
    expect(pending.map((i) => i.id)).toEqual([newer.invitation.id, older.invitation.id, oldest.invitation.id]);
    expect(pending.map((i) => i.invitedBy?.email)).toEqual([t.adminEmail, t.adminEmail, t.adminEmail]);
  });
});

describe('roles', () => {
  async function teamWithMember() {
    const t = await team();
    const address = email('member');
    const userId = await addUser(address);
    const memberId = await addMember(t.teamId, userId, Role.MEMBER);
    return { ...t, address, userId, memberId };
  }

  it('an admin promotes a member and demotes them again: stored, returned with the user, audited from and to', async () => {
    const t = await teamWithMember();
    const up = await updateMemberRole(em(), t.admin, t.memberId, Role.ADMIN);
    expect(up).toMatchObject({ id: t.memberId, role: Role.ADMIN });
    expect(up.user.email).toBe(t.address);
    expect((await membershipsOf(t.teamId)).map((m) => m.role)).toEqual(['ADMIN', 'ADMIN']);
    // Two admins: either may be demoted, and the member may demote the first admin.
    const down = await updateMemberRole(em(), t.admin, t.adminMemberId, Role.MEMBER);
    expect(down.role).toBe(Role.MEMBER);
    expect(await audits(t.memberId)).toEqual([
      {
        action: 'member.role_changed',
        metadata: { userId: t.userId, email: t.address, from: 'MEMBER', to: 'ADMIN' },
        actor_id: t.adminId,
        actor_api_key_id: null,
        team_id: t.teamId,
      },
    ]);
    expect(await audits(t.adminMemberId)).toEqual([
      {
        action: 'member.role_changed',
        metadata: { userId: t.adminId, email: t.adminEmail, from: 'ADMIN', to: 'MEMBER' },
        actor_id: t.adminId,
        actor_api_key_id: null,
        team_id: t.teamId,
      },
    ]);
    expect((await membershipsOf(t.teamId)).map((m) => m.role)).toEqual(['MEMBER', 'ADMIN']);
  });

  it('the same role again changes nothing and writes no audit event', async () => {
    const t = await teamWithMember();
    expect(await updateMemberRole(em(), t.admin, t.memberId, Role.MEMBER)).toMatchObject({ id: t.memberId, role: Role.MEMBER });
    expect(await updateMemberRole(em(), t.admin, t.adminMemberId, Role.ADMIN)).toMatchObject({ id: t.adminMemberId, role: Role.ADMIN });
    expect(await audits(t.memberId)).toEqual([]);
    expect(await audits(t.adminMemberId)).toEqual([]);
  });

  it('the last admin cannot be demoted, whatever other teams’ admins', async () => {
    const t = await teamWithMember();
    expect(await refusal(updateMemberRole(em(), t.admin, t.adminMemberId, Role.MEMBER))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'A team needs at least one admin.',
      field: 'id',
    });
    expect((await membershipsOf(t.teamId)).map((m) => m.role)).toEqual(['ADMIN', 'MEMBER']);
    expect(await audits(t.adminMemberId)).toEqual([]);
  });

  it('refuses an unknown role, and a member id unknown, malformed or of another team, as not found', async () => {
    const t = await teamWithMember();
    const other = await teamWithMember();
    expect(await refusal(updateMemberRole(em(), t.admin, t.memberId, 'OWNER' as Role))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Choose ADMIN or MEMBER.',
      field: 'role',
    });
    for (const id of [other.memberId, randomUUID(), 'not-a-uuid']) {
      expect(await refusal(updateMemberRole(em(), t.admin, id, Role.ADMIN))).toEqual({ code: 'NOT_FOUND', message: 'Member not found.' });
    }
    expect((await membershipsOf(other.teamId)).map((m) => m.role)).toEqual(['ADMIN', 'MEMBER']);
  });

  it('two admins demoting each other at once: one is refused, the team keeps an admin', async () => {
    const t = await teamWithMember();
    await updateMemberRole(em(), t.admin, t.memberId, Role.ADMIN);
    const results = await Promise.all([t.adminMemberId, t.memberId].map((id) => refusal(updateMemberRole(em(), t.admin, id, Role.MEMBER))));
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
    const refused = results.filter((r) => r !== undefined);
    expect(refused).toHaveLength(1);
    // The other demoted first: the last admin stays. Their own demotion first: they are no admin any more.
    expect([
      { code: 'BAD_USER_INPUT', message: 'A team needs at least one admin.', field: 'id' },
      { code: 'FORBIDDEN', message: 'Only admins can do this.' },
    ]).toContainEqual(refused[0]);
    expect((await membershipsOf(t.teamId)).map((m) => m.role).sort()).toEqual(['ADMIN', 'MEMBER']);
  });
});

describe('removing members', () => {
  it('removes the member, ends their sessions in this team only, audits; their account stays', async () => {
    const t = await team();
    const other = await team();
    const address = email('leaving');
    const userId = await addUser(address);
    const memberId = await addMember(t.teamId, userId, Role.MEMBER);
    await addMember(other.teamId, userId, Role.MEMBER);
    const here = await addSession(t.teamId, userId);
    const there = await addSession(other.teamId, userId);
    const adminSession = await addSession(t.teamId, t.adminId);
    expect(await removeMember(em(), t.admin, memberId)).toBe(memberId);
    expect((await membershipsOf(t.teamId)).map((m) => m.email)).toEqual([t.adminEmail]);
    expect((await membershipsOf(other.teamId)).map((m) => m.email)).toEqual([other.adminEmail, address]);
    const sessions = (await sql<{ id: string }>(url, 'select id from session where id = any($1)', [[here, there, adminSession]])).map((r) => r.id).sort();
    expect(sessions).toEqual([there, adminSession].sort());
    expect(await sql(url, 'select id from app_user where id = $1', [userId])).toEqual([{ id: userId }]);
    expect(await audits(memberId)).toEqual([
      { action: 'member.removed', metadata: { userId, email: address }, actor_id: t.adminId, actor_api_key_id: null, team_id: t.teamId },
    ]);
  });

  it('an admin may be removed while another admin remains; the last one may not, whatever other teams’ admins', async () => {
    const t = await team();
    const address = email('second');
    const userId = await addUser(address);
    const secondId = await addMember(t.teamId, userId, Role.ADMIN);
    const memberId = await addMember(t.teamId, await addUser(), Role.MEMBER);
    await removeMember(em(), t.admin, secondId);
    expect(await refusal(removeMember(em(), t.admin, t.adminMemberId))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'A team needs at least one admin.',
      field: 'id',
    });
    expect((await membershipsOf(t.teamId)).map((m) => m.id)).toEqual([t.adminMemberId, memberId]);
    expect(await audits(t.adminMemberId)).toEqual([]);
    // A member is removed even with a single admin.
    await removeMember(em(), t.admin, memberId);
    expect((await membershipsOf(t.teamId)).map((m) => m.id)).toEqual([t.adminMemberId]);
  });

  it('a member id unknown, malformed or of another team is not found, and nothing is removed', async () => {
    const t = await team();
    const other = await team();
    const otherMember = await addMember(other.teamId, await addUser(), Role.MEMBER);
    for (const id of [otherMember, randomUUID(), 'not-a-uuid']) {
      expect(await refusal(removeMember(em(), t.admin, id))).toEqual({ code: 'NOT_FOUND', message: 'Member not found.' });
    }
    expect((await membershipsOf(other.teamId)).map((m) => m.id)).toEqual([other.adminMemberId, otherMember]);
  });
});

describe('renewing an invitation link', () => {
  it('a new link for 7 more days: the old one stops working, audited; the invitation is returned as it now is', async () => {
    const t = await team('Renew');
    const address = email();
    const { invitation, token } = await invite(t, address);
    await sql(url, `update invitation set expires_at = now() + interval '1 day' where id = $1`, [invitation.id]);
    const before = Date.now();
    const renewed = await renewInvitationLink(em(), services, t.admin, invitation.id, ip());
    const after = Date.now();
    const match = /^http:\/\/keyring\.test\/accept-invitation\?token=([A-Za-z0-9_-]{43})$/.exec(renewed.link);
    expect(match).not.toBeNull();
    const newToken = match![1];
    expect(await previewInvitation(em(), token)).toBeNull();
    expect(await previewInvitation(em(), newToken)).toMatchObject({ teamName: 'Renew', email: address });
    expect(renewed.invitation.id).toBe(invitation.id);
    expect(renewed.invitation.invitedBy?.email).toBe(t.adminEmail);
    expect(renewed.invitation.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(renewed.invitation.expiresAt.getTime()).toBeLessThanOrEqual(after + 7 * DAY);
    expect((await invitationRow(invitation.id)).expires_at.getTime()).toBe(renewed.invitation.expiresAt.getTime());
    expect((await audits(invitation.id)).map(({ action, metadata, actor_id }) => ({ action, metadata, actor_id }))).toEqual([
      { action: 'member.invited', metadata: { email: address, role: 'MEMBER' }, actor_id: t.adminId },
      { action: 'member.invitation_link_renewed', metadata: { email: address }, actor_id: t.adminId },
    ]);
  });

  it('is throttled as an invitation to that address', async () => {
    const t = await team();
    const { invitation } = await invite(t);
    for (let i = 1; i < INVITATIONS_PER_RECIPIENT_PER_DAY; i++) await renewInvitationLink(em(), services, t.admin, invitation.id, ip());
    const row = await invitationRow(invitation.id);
    expect(await refusal(renewInvitationLink(em(), services, t.admin, invitation.id, ip()))).toEqual({
      code: 'RATE_LIMITED',
      message: 'This address has received too many invitations from your team today. Try again tomorrow.',
    });
    expect(await invitationRow(invitation.id)).toEqual(row);
  });

  it('not for an invitation accepted, expired, unknown, malformed or of another team', async () => {
    const t = await team();
    const other = await team();
    const accepted = await invite(t);
    await acceptInvitation(em(), services, { token: accepted.token, password: PASSWORD }, ip());
    const expired = await invite(t);
    await sql(url, `update invitation set expires_at = now() - interval '1 second' where id = $1`, [expired.invitation.id]);
    const theirs = await invite(other);
    for (const id of [accepted.invitation.id, expired.invitation.id, theirs.invitation.id, randomUUID(), 'not-a-uuid']) {
      expect(await refusal(renewInvitationLink(em(), services, t.admin, id, ip()))).toEqual({ code: 'NOT_FOUND', message: 'Invitation not found.' });
    }
    expect(await previewInvitation(em(), theirs.token)).not.toBeNull();
    expect((await audits(accepted.invitation.id)).map((a) => a.action)).toEqual(['member.invited']);
  });

  /** Renews a pending invitation; `meanwhile` runs after it was read, while the throttle is asked. */
  async function renewWhile(meanwhile: (invitationId: string) => Promise<void>) {
    const t = await team();
    const { invitation, token } = await invite(t);
    const s = {
      ...services,
      invitationThrottle: {
        attempt: async (team: string, a: string, to: string) => {
          await services.invitationThrottle.attempt(team, a, to);
          await meanwhile(invitation.id);
        },
      },
    } as Services;
    const result = await refusal(renewInvitationLink(em(), s, t.admin, invitation.id, ip()));
    return { invitation, token, result };
  }

  it('an invitation accepted meanwhile is not revived', async () => {
    const { invitation, token, result } = await renewWhile(async (id) => {
      await sql(url, 'update invitation set accepted_at = now() where id = $1', [id]);
    });
    expect(result).toEqual({ code: 'NOT_FOUND', message: 'Invitation not found.' });
    expect((await invitationRow(invitation.id)).token_hash).toBe(sha256Hex(token));
    expect((await audits(invitation.id)).map((a) => a.action)).toEqual(['member.invited']);
  });

  it('an invitation revoked meanwhile is not found', async () => {
    const { invitation, result } = await renewWhile(async (id) => {
      await sql(url, 'delete from invitation where id = $1', [id]);
    });
    expect(result).toEqual({ code: 'NOT_FOUND', message: 'Invitation not found.' });
    expect(await audits(invitation.id)).toHaveLength(1);
  });
});

describe('an admin removed or made a member after their request was let in', () => {
  it('can neither invite nor renew a link: FORBIDDEN, nothing written (their links were revoked; a new one would have outlived that)', async () => {
    const t = await team();
    const { invitation } = await invite(t);
    const secondId = await addUser(email('second-admin'));
    const secondMembership = await addMember(t.teamId, secondId, Role.ADMIN);
    const second: Actor = { kind: 'user', userId: secondId, teamId: t.teamId, role: Role.ADMIN, sessionId: randomUUID() };
    await sql(url, 'update membership set role = $1 where id = $2', ['MEMBER', secondMembership]);
    const address = email('late');
    expect(await refusal(inviteMember(em(), services, second, { email: address, role: Role.ADMIN }, ip()))).toEqual({
      code: 'FORBIDDEN',
      message: 'Only admins can do this.',
    });
    await sql(url, 'delete from membership where id = $1', [secondMembership]);
    expect(await refusal(renewInvitationLink(em(), services, second, invitation.id, ip()))).toEqual({ code: 'FORBIDDEN', message: 'Only admins can do this.' });
    expect(await sql(url, 'select 1 from invitation where email = $1', [address])).toEqual([]);
    expect(await audits(invitation.id)).toEqual([expect.objectContaining({ action: 'member.invited' })]);
  });

  it('can neither promote, demote nor remove a member: FORBIDDEN, nothing changed', async () => {
    const t = await team();
    const memberId = await addMember(t.teamId, await addUser(email('member')), Role.MEMBER);
    const secondId = await addUser(email('second-admin'));
    const secondMembership = await addMember(t.teamId, secondId, Role.ADMIN);
    const second: Actor = { kind: 'user', userId: secondId, teamId: t.teamId, role: Role.ADMIN, sessionId: randomUUID() };
    await sql(url, 'update membership set role = $1 where id = $2', ['MEMBER', secondMembership]);
    const forbidden = { code: 'FORBIDDEN', message: 'Only admins can do this.' };
    expect(await refusal(updateMemberRole(em(), second, memberId, Role.ADMIN))).toEqual(forbidden);
    expect(await refusal(updateMemberRole(em(), second, t.adminMemberId, Role.MEMBER))).toEqual(forbidden);
    await sql(url, 'delete from membership where id = $1', [secondMembership]);
    expect(await refusal(removeMember(em(), second, memberId))).toEqual(forbidden);
    expect((await membershipsOf(t.teamId)).map((m) => m.role).sort()).toEqual(['ADMIN', 'MEMBER']);
    expect(await audits(memberId)).toEqual([]);
  });
});

describe('revoking an invitation', () => {
  it('the link stops working, the invitation leaves the pending list, audited', async () => {
    const t = await team();
    const address = email('invitee');
    const { invitation, token } = await invite(t, address);
    expect(await revokeInvitation(em(), t.admin, invitation.id)).toBe(invitation.id);
    expect(await previewInvitation(em(), token)).toBeNull();
    expect(await listPendingInvitations(em(), t.teamId)).toEqual([]);
    expect(await audits(invitation.id)).toEqual([
      expect.objectContaining({ action: 'member.invited' }),
      {
        action: 'member.invitation_revoked',
        metadata: { email: address, role: 'MEMBER' },
        actor_id: t.adminId,
        actor_api_key_id: null,
        team_id: t.teamId,
      },
    ]);
    // Twice: not found.
    expect(await refusal(revokeInvitation(em(), t.admin, invitation.id))).toEqual({ code: 'NOT_FOUND', message: 'Invitation not found.' });
  });

  it('not an accepted one, nor one unknown, malformed or of another team; nothing is deleted', async () => {
    const t = await team();
    const other = await team();
    const accepted = await invite(t);
    await acceptInvitation(em(), services, { token: accepted.token, password: PASSWORD }, ip());
    const theirs = await invite(other);
    for (const id of [accepted.invitation.id, theirs.invitation.id, randomUUID(), 'not-a-uuid']) {
      expect(await refusal(revokeInvitation(em(), t.admin, id))).toEqual({ code: 'NOT_FOUND', message: 'Invitation not found.' });
    }
    expect(await invitationRow(accepted.invitation.id)).toBeDefined();
    expect(await previewInvitation(em(), theirs.token)).not.toBeNull();
    expect((await audits(theirs.invitation.id)).map((a) => a.action)).toEqual(['member.invited']);
  });
});
