import type { EntityManager } from '@mikro-orm/postgresql';
import { sha256Hex } from '../../lib/crypto.js';
import { Membership } from '../team/team.entity.js';
import type { Actor, UserActor } from './actor.js';
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

/**
 * Whether a caller admitted earlier (a subscription's, say) still would be: its session not
 * signed out, expired or its membership removed; its key not deleted, disabled, expired or made
 * sending-only, and the token it presented still one of the key's (a roll ends the old one at
 * the end of its grace period). A member's role is not looked at: a reader of the team stays one.
 */
export async function stillAdmitted(em: EntityManager, actor: Actor, key?: { tokenHash: string } | null): Promise<boolean> {
  const rows =
    actor.kind === 'user'
      ? await em.execute(
          `select 1 from session s join membership m on m.user_id = s.user_id and m.team_id = s.team_id
            where s.id = ? and s.expires_at > now()`,
          [actor.sessionId],
        )
      : await em.execute(
          `select 1 from api_key
            where id = ? and enabled and permission = 'FULL_ACCESS' and (expires_at is null or expires_at > now())
              and (token_hash = ? or (previous_token_hash = ? and previous_token_expires_at > now()))`,
          [actor.apiKeyId, key?.tokenHash ?? '', key?.tokenHash ?? ''],
        );
  return rows.length > 0;
}
