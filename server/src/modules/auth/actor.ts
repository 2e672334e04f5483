import { forbidden, unauthenticated } from '../../errors.js';
import { Permission } from '../api-key/api-key.entity.js';
import { Role } from '../team/team.entity.js';

/** Who makes a request, fixed when the request is admitted (see gate.ts) and never replaced. */
export type UserActor = { kind: 'user'; userId: string; teamId: string; role: Role; sessionId: string };
export type ApiKeyActor = {
  kind: 'apiKey';
  apiKeyId: string;
  teamId: string;
  permission: Permission;
  domainId: string | null;
};
export type Actor = UserActor | ApiKeyActor;

/*
 * Who may do what, in one place. Both transports (GraphQL resolvers, REST routes, the download
 * route) ask these questions; none of them compares roles or permissions itself.
 *
 * | capability                                             | ADMIN | MEMBER | full-access key | sending key |
 * | read the team's keys, domains, logs, emails, exports   |   ✓   |   ✓    |        ✓        |             |
 * | manage keys, domains, exports, emails, contacts, ...   |   ✓   |        |        ✓        |             |
 * | administer the team: members, invitations, roles       |   ✓   |        |                 |             |
 * | send email                                             |       |        |        ✓        |      ✓      |
 */

const isFullAccess = (a: ApiKeyActor) => a.permission === Permission.FULL_ACCESS;

/** A member of the team (any role) or a full-access key. */
export const canRead = (actor: Actor): boolean => (actor.kind === 'user' ? true : isFullAccess(actor));

/** An admin, or a full-access key: keys, domains, exports and the other resources keys act on. */
export const canManage = (actor: Actor): boolean => (actor.kind === 'user' ? actor.role === Role.ADMIN : isFullAccess(actor));

/** An admin, signed in: members, invitations, roles and the team itself. Never an API key. */
export const canAdministerTeam = (actor: Actor): actor is UserActor => actor.kind === 'user' && actor.role === Role.ADMIN;

/** Any key may send email (a sending key perhaps only from its domain); a session may not. */
export const canSend = (actor: Actor): actor is ApiKeyActor => actor.kind === 'apiKey';

export function requireReader(actor: Actor | null): Actor {
  if (!actor) throw unauthenticated();
  if (!canRead(actor)) throw forbidden('This API key has sending access only.');
  return actor;
}

export function requireManager(actor: Actor | null): Actor {
  const a = requireReader(actor);
  if (!canManage(a)) throw forbidden('Only admins can do this.');
  return a;
}

export function requireUser(actor: Actor | null): UserActor {
  const a = requireReader(actor);
  if (a.kind !== 'user') throw forbidden('This operation needs a signed-in user; API keys cannot call it.');
  return a;
}

export function requireTeamAdmin(actor: Actor | null): UserActor {
  const a = requireUser(actor);
  if (!canAdministerTeam(a)) throw forbidden('Only admins can do this.');
  return a;
}

/** Sign-up, sign-in, sign-out and invitations belong to people: a request made with a key may not take them. */
export function requireNoKey(actor: Actor | null): void {
  if (actor?.kind === 'apiKey') throw forbidden('API keys cannot sign up, sign in, sign out or accept invitations.');
}
