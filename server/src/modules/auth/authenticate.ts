import type { IncomingMessage } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import { unauthenticated } from '../../errors.js';
import type { Actor } from './actor.js';
import type { Services } from '../../services.js';
import type { VerifiedKey } from '../api-key/api-key.verifier.js';
import { SESSION_COOKIE, actorFromSession } from './auth.service.js';
import { readCookie } from './cookies.js';

export type BearerResult = { kind: 'none' } | { kind: 'malformed' } | { kind: 'invalid' } | { kind: 'disabled' } | { kind: 'ok'; key: VerifiedKey };

/** What a disabled key is told, on REST and GraphQL alike. */
export const DISABLED_KEY_MESSAGE = 'This API key is disabled.';

/** Reads and verifies `Authorization: Bearer <token>`; GraphQL and REST both start here. */
export async function verifyBearer(services: Services, authorization: string | undefined): Promise<BearerResult> {
  if (authorization === undefined || authorization === '') return { kind: 'none' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return { kind: 'malformed' };
  const key = await services.apiKeyVerifier.verify(match[1]);
  if (key && !key.enabled) return { kind: 'disabled' };
  return key ? { kind: 'ok', key } : { kind: 'invalid' };
}

/**
 * Who is calling: a Bearer API key, or the session cookie. A request that presents a key which
 * does not verify is refused outright rather than treated as anonymous.
 */
export async function authenticateRequest(
  em: EntityManager,
  services: Services,
  req: IncomingMessage,
  /** Overrides the header: WebSocket clients send it in connectionParams, as browsers cannot set headers. */
  authorization: string | undefined = req.headers.authorization,
): Promise<Actor | null> {
  const bearer = await verifyBearer(services, authorization);
  if (bearer.kind === 'ok') return bearer.key;
  if (bearer.kind === 'disabled') throw unauthenticated(DISABLED_KEY_MESSAGE);
  if (bearer.kind !== 'none') throw unauthenticated('Invalid API key.');
  const session = readCookie(req, SESSION_COOKIE);
  return session ? actorFromSession(em, session) : null;
}
