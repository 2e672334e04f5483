import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../errors.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import type { Services } from '../../services.js';
import { sendNotice } from '../mail/notice.js';
import { Membership, User } from '../team/team.entity.js';
import { createSession, type Device, findAccount, hashPassword, type SignedIn } from './auth.service.js';
import { passwordResetThrottle } from './password-reset-throttle.js';
import { Session } from './session.entity.js';
import { accountEmail, checkPassword, emailKey } from './validation.js';

export const PASSWORD_RESET_TTL_MS = 3600_000;
export const INVALID_RESET_LINK = 'This password reset link is invalid, already used or expired. Ask for a new one.';
/** randomToken(): 32 random bytes in base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const resetLink = (services: Services, token: string) => `${services.config.PUBLIC_URL}/reset-password?token=${encodeURIComponent(token)}`;

/**
 * Asks for a reset link for an address. The answer is the same whether or not it has an account:
 * the address is checked and throttled the same way for every one, and the account is looked up
 * and mailed after the answer (issuePasswordReset), so neither the answer nor its time tells.
 */
export async function requestPasswordReset(services: Services, input: { email: string }, ip: string): Promise<void> {
  const email = accountEmail(input.email);
  await passwordResetThrottle(services.orm).attempt(email, ip);
  void issuePasswordReset(services, email).catch((err: unknown) => services.logger.error({ err }, 'password reset could not be issued'));
}

/**
 * Mails a reset link to the account of this address, if there is one. Only a hash of the token is
 * kept; the link replaces the account's unused ones. Resolves once the mail is sent or given up.
 */
export async function issuePasswordReset(services: Services, email: string): Promise<boolean> {
  const em = services.orm.em.fork();
  const user = await findAccount(em, email);
  if (!user) return false;
  const token = randomToken();
  const id = await em.transactional(async (tx) => {
    // One request at a time per account: two at once each dropped the unused links they saw, none,
    // and both links stayed live.
    await tx.execute('select 1 from app_user where id = ? for no key update', [user.id]);
    await tx.execute('delete from password_reset where user_id = ? and used_at is null', [user.id]);
    const [row] = await tx.execute<{ id: string }[]>(
      `insert into password_reset (id, user_id, token_hash, expires_at, created_at)
       values (gen_random_uuid(), ?, ?, now() + ? * interval '1 millisecond', now()) returning id`,
      [user.id, sha256Hex(token), PASSWORD_RESET_TTL_MS],
    );
    return row.id;
  });
  return sendNotice(
    services,
    {
      // The domain in punycode, as DNS and SMTP spell it.
      to: emailKey(user.email),
      subject: 'Reset your Keyring password',
      text: `Someone, hopefully you, asked to reset the password of your Keyring account.\n\nChoose a new password: ${resetLink(services, token)}\n\nThe link works once and expires in 1 hour. If you did not ask for this, ignore this email: your password stays as it is.`,
      // The outbox (no SMTP_URL) keeps the link redacted, as it does invitations'.
      secrets: [token],
    },
    { passwordResetId: id },
    // A retry carries the link only while it works: not once used, replaced or expired.
    async () => (await services.orm.em.fork().execute('select 1 from password_reset where id = ? and used_at is null and expires_at > now()', [id])).length > 0,
  );
}

/**
 * Sets a new password with a reset link's token: the token is used up, every session of the
 * account ends (whoever held one, or knew the old password, is out) and its other links stop
 * working; then the user is signed in, in their oldest team. Null when they belong to no team:
 * the password is set all the same (an invitation joins with it). A token that is malformed,
 * unknown, used or expired changes nothing.
 */
export async function resetPassword(
  em: EntityManager,
  services: Services,
  input: { token: string; password: string },
  device: Device,
): Promise<SignedIn | null> {
  const tokenHash = TOKEN.test(input.token) ? sha256Hex(input.token) : null;
  const [found] = tokenHash
    ? await em.execute<{ user_id: string }[]>('select user_id from password_reset where token_hash = ? and used_at is null and expires_at > now()', [tokenHash])
    : [];
  if (!found) throw badInput('token', INVALID_RESET_LINK);
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  const userId = found.user_id;
  const signedIn = await em.transactional(async (tx) => {
    // The account's row first, as a new request takes it: the other order could deadlock with one.
    // It also orders this against sign-ins (FOR SHARE, assertPasswordUnchanged) and password
    // changes: a session made with the old password meanwhile is ended below, or never made.
    await tx.execute('select 1 from app_user where id = ? for update', [userId]);
    // The conditional update makes the token single-use even under concurrent resets.
    const claimed = await tx.execute(
      'update password_reset set used_at = now() where token_hash = ? and user_id = ? and used_at is null and expires_at > now() returning id',
      [tokenHash, userId],
    );
    if (!claimed.length) throw badInput('token', INVALID_RESET_LINK);
    await tx.nativeUpdate(User, { id: userId }, { passwordHash });
    await tx.nativeDelete(Session, { user: userId });
    await tx.execute('delete from password_reset where user_id = ? and used_at is null', [userId]);
    const membership = await tx.findOne(Membership, { user: userId }, { orderBy: { createdAt: 'asc', id: 'asc' }, populate: ['team', 'user'] });
    return membership ? createSession(tx, services, membership, device) : null;
  });
  // The owner proved they hold the mailbox: a stranger's guesses no longer hold them off from here.
  const user = await em.findOneOrFail(User, userId);
  await services.signInThrottle.succeeded(user.email, device.ip);
  return signedIn;
}
