import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor.js';
import { Team, User } from '../team/team.entity.js';
import { AuditEvent } from './audit-event.entity.js';

/**
 * The time of the last event recorded by this instance. The events of one action (a key renamed
 * and disabled, an invitation replaced), or of the mutations of one request, fell in one
 * millisecond, and the trail, newest first by (createdAt, id), listed them in the random order of
 * their ids: each comes at least 1 ms after the one before (audit events are few; the clock is
 * not outrun).
 */
let lastRecordedAt = 0;

/** Adds an audit event to the unit of work; it is written with the change it describes. */
export function recordAudit(em: EntityManager, actor: Actor, action: string, targetId?: string, metadata?: Record<string, unknown>): void {
  const now = Date.now();
  // A clock set back by more than a second is followed, not outrun for as long.
  const at = now <= lastRecordedAt && lastRecordedAt - now < 1000 ? lastRecordedAt + 1 : now;
  lastRecordedAt = at;
  const event = new AuditEvent(em.getReference(Team, actor.teamId), action, {
    actor: actor.kind === 'user' ? em.getReference(User, actor.userId) : undefined,
    actorApiKeyId: actor.kind === 'apiKey' ? actor.apiKeyId : undefined,
    targetId,
    metadata,
  });
  event.createdAt = new Date(at);
  em.persist(event);
}
