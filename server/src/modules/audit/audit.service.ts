import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor.js';
import { Team, User } from '../team/team.entity.js';
import { AuditEvent } from './audit-event.entity.js';

/** Adds an audit event to the unit of work; it is written with the change it describes. */
export function recordAudit(em: EntityManager, actor: Actor, action: string, targetId?: string, metadata?: Record<string, unknown>): void {
  em.persist(
    new AuditEvent(em.getReference(Team, actor.teamId), action, {
      actor: actor.kind === 'user' ? em.getReference(User, actor.userId) : undefined,
      actorApiKeyId: actor.kind === 'apiKey' ? actor.apiKeyId : undefined,
      targetId,
      metadata,
    }),
  );
}
