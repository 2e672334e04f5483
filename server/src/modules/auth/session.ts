import type { EntityManager } from '@mikro-orm/postgresql';
import { sha256Hex } from '../../lib/crypto.js';
import { Membership } from '../team/team.entity.js';
import type { UserActor } from './actor.js';
import { Session } from './session.entity.js';

/** The dashboard's session cookie (httpOnly, SameSite=Lax). */
export const SESSION_COOKIE = 'keyring_session';

/** A member as the actor of a request (sessionId '' outside a session: sign-up, accepting an invitation). */
export const userActor = (m: Membership, sessionId = ''): UserActor => ({
  kind: 'user',
  userId: m.user.id,
  teamId: m.team.id,
  role: m.role,
  sessionId,
});

/** The session behind a cookie, if it is live and its user still belongs to its team. */
export async function actorFromSession(em: EntityManager, sessionToken: string): Promise<UserActor | null> {
  const session = await em.findOne(Session, { tokenHash: sha256Hex(sessionToken), expiresAt: { $gt: new Date() } }, { fields: ['id', 'user', 'team'] });
  if (!session) return null;
  const membership = await em.findOne(Membership, { user: session.user, team: session.team });
  return membership ? userActor(membership, session.id) : null;
}
