import type { IncomingMessage } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import { unauthenticated } from '../../errors.js';
import type { Actor } from '../../graphql/context.js';
import type { Services } from '../../services.js';
import { SESSION_COOKIE, actorFromSession } from './auth.service.js';
import { readCookie } from './cookies.js';

/**
 * Who is calling: a Bearer API key, or the session cookie. A request that presents a key
 * which does not verify is refused outright rather than treated as anonymous.
 */
export async function authenticateRequest(
  em: EntityManager,
  _services: Services,
  req: IncomingMessage,
): Promise<Actor | null> {
  const authorization = req.headers.authorization;
  if (authorization) {
    throw unauthenticated('API keys are not accepted here yet.');
  }
  const session = readCookie(req, SESSION_COOKIE);
  return session ? actorFromSession(em, session) : null;
}
