import type { EntityManager } from '@mikro-orm/postgresql';
import { sha256Hex } from '../../lib/crypto.js';
import type { Membership, Role } from '../team/team.entity.js';
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
  const role = await memberRole(em, { userId: session.user.id, teamId: session.team.id });
  return role ? { kind: 'user', userId: session.user.id, teamId: session.team.id, role, sessionId: session.id } : null;
}

/**
 * A user's role in a team as it stands now, or null once not a member; given a session, null
 * too once that session has ended. Every reading of a member's role after it was admitted (a
 * request's session, a caller asked again, an export's creator when it is ready) is this one.
 */
export async function memberRole(em: EntityManager, member: { userId: string; teamId: string; sessionId?: string }): Promise<Role | null> {
  const inSession = member.sessionId !== undefined;
  const rows = await em.execute<{ role: Role }[]>(
    `select m.role from membership m where m.user_id = ? and m.team_id = ?${
      inSession ? ' and exists (select 1 from session s where s.id = ? and s.user_id = m.user_id and s.team_id = m.team_id and s.expires_at > now())' : ''
    }`,
    inSession ? [member.userId, member.teamId, member.sessionId] : [member.userId, member.teamId],
  );
  return rows[0]?.role ?? null;
}

/**
 * The caller admitted earlier (a subscription's, say) as it stands now, or null when the gate
 * would no longer let it in: its session signed out, expired or its membership removed; its key
 * deleted, disabled, expired or made sending-only, or the token it presented no longer one of the
 * key's (a roll ends the old one at the end of its grace period). A member stays a reader of the
 * team whatever its role, but the role is read again: an admin demoted meanwhile is a member now
 * (no more download links).
 */
export async function currentActor(em: EntityManager, actor: Actor, key?: { tokenHash: string } | null): Promise<Actor | null> {
  if (actor.kind === 'user') {
    const role = await memberRole(em, actor);
    return role ? { ...actor, role } : null;
  }
  const rows = await em.execute(
    `select 1 from api_key
      where id = ? and enabled and permission = 'FULL_ACCESS' and (expires_at is null or expires_at > now())
        and (token_hash = ? or (previous_token_hash = ? and previous_token_expires_at > now()))`,
    [actor.apiKeyId, key?.tokenHash ?? '', key?.tokenHash ?? ''],
  );
  return rows.length > 0 ? actor : null;
}
