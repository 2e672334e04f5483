import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound, unauthenticated } from '../../errors.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { isUuid } from '../../lib/ids.js';
import type { Services } from '../../services.js';
import { User } from '../team/team.entity.js';
import type { UserActor } from './actor.js';
import { hashPassword, verifyCredentials } from './auth.service.js';
import { Session } from './session.entity.js';
import { checkPassword } from './validation.js';

export const WRONG_CURRENT_PASSWORD = 'Your current password is not correct.';
export const SAME_PASSWORD = 'Choose a password different from your current one.';

/** The signed-in user's live sessions, in every team they belong to, newest first. */
export function liveSessions(em: EntityManager, actor: UserActor): Promise<Session[]> {
  return em.find(Session, { user: actor.userId, expiresAt: { $gt: new Date() } }, { populate: ['team'], orderBy: { createdAt: 'desc', id: 'asc' } });
}

/** Ends the user's sessions other than this one, in every team; how many it ended. */
export function signOutOtherSessions(em: EntityManager, actor: UserActor): Promise<number> {
  return em.nativeDelete(Session, { user: actor.userId, id: { $ne: actor.sessionId } });
}

/** Ends one of the user's own sessions (this one too); another user's is not found. */
export async function revokeSession(em: EntityManager, actor: UserActor, id: string): Promise<string> {
  const ended = isUuid(id) ? await em.nativeDelete(Session, { id, user: actor.userId, expiresAt: { $gt: new Date() } }) : 0;
  if (!ended) throw notFound('Session');
  return id;
}

/** A password changed: how many other sessions it ended, and this session's new cookie value. */
export type PasswordChanged = { ended: number; token: string; expiresAt: Date };

/**
 * Changes the user's password after checking the current one (throttled as sign-in is, so a
 * borrowed session cannot guess it), and ends every other session of theirs and their unused
 * reset links: whoever knew the old password, or holds an old cookie or link, is out. This session
 * stays (its id and expiry) under a new token (OWASP: a new session id after a password change):
 * a copy of its cookie taken before, a stolen one, signed in on after the change that was meant
 * to end it.
 */
export async function changePassword(
  em: EntityManager,
  services: Services,
  actor: UserActor,
  input: { currentPassword: string; newPassword: string },
  ip: string,
): Promise<PasswordChanged> {
  checkPassword(input.newPassword, 'newPassword');
  const user = await em.findOneOrFail(User, actor.userId);
  if (!input.currentPassword || input.currentPassword.length > 1024) throw badInput('currentPassword', WRONG_CURRENT_PASSWORD);
  await services.signInThrottle.attempt(user.email, ip);
  const verified = await verifyCredentials(em, user.email, input.currentPassword);
  if (!verified) throw badInput('currentPassword', WRONG_CURRENT_PASSWORD);
  await services.signInThrottle.succeeded(user.email, ip);
  // In either Unicode form: the same password (hashPassword keeps it in NFC).
  if (input.newPassword.normalize('NFC') === input.currentPassword.normalize('NFC')) throw badInput('newPassword', SAME_PASSWORD);
  const passwordHash = await hashPassword(input.newPassword);
  return em.transactional(async (tx) => {
    // The row lock orders this against sign-ins (FOR SHARE, assertPasswordUnchanged) and other
    // changes: a change made meanwhile makes the current password checked above a wrong one.
    const [row] = await tx.execute<{ password_hash: string }[]>('select password_hash from app_user where id = ? for update', [user.id]);
    if (row?.password_hash !== verified.passwordHash) throw badInput('currentPassword', WRONG_CURRENT_PASSWORD);
    // This session must still be live: one ended meanwhile (by the other change) changes nothing.
    const token = randomToken();
    const [own] = await tx.execute<{ expires_at: Date }[]>('update session set token_hash = ? where id = ? and expires_at > now() returning expires_at', [
      sha256Hex(token),
      actor.sessionId,
    ]);
    if (!own) throw unauthenticated();
    await tx.nativeUpdate(User, { id: user.id }, { passwordHash });
    const ended = await tx.nativeDelete(Session, { user: user.id, id: { $ne: actor.sessionId } });
    // A reset link asked for before the change would set a password over it: the links end too.
    await tx.execute('delete from password_reset where user_id = ? and used_at is null', [user.id]);
    return { ended, token, expiresAt: new Date(own.expires_at) };
  });
}
