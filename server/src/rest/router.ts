import type { EntityManager } from '@mikro-orm/postgresql';
import { type ErrorRequestHandler, type NextFunction, type Request, type Response, Router } from 'express';
import { AppError, ErrorCode } from '../errors.js';
import type { VerifiedKey } from '../modules/api-key/api-key.verifier.js';
import { canManage } from '../modules/auth/actor.js';
import { type Admission, credentialsOf, finishWhenDone } from '../modules/auth/gate.js';
import { redact } from '../modules/usage-log/redact.js';
import type { Services } from '../services.js';
import { RestError, writeJsonAsIs, writeMappedError, writeRestError } from './errors.js';
import type { RestContext, RestRoute } from './http.js';
import { bytes, jsonBody, requestReadError } from './json-body.js';
import { notFoundEndpoint, routeTable } from './unoffered.js';

type Locals = { key?: VerifiedKey; responseBody?: unknown };
const locals = (res: Response) => res.locals as Locals;

const missingKey = () =>
  new RestError(
    401,
    'missing_api_key',
    'Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY',
  );
const restricted = () => new RestError(401, 'restricted_api_key', 'This API key is restricted to only send emails.');

function sendError(res: Response, e: unknown, services: Services): void {
  if (writeMappedError(res, e)) return;
  const read = requestReadError(e);
  if (read) {
    writeRestError(res, read.status, read.restName, read.message);
  } else {
    services.logger.error({ err: e }, 'unhandled REST error');
    writeRestError(res, 500, 'internal_server_error', 'An unexpected error occurred.');
  }
}

/**
 * A route's answer. A GET's goes through Express (its ETag lets a client ask again conditionally);
 * any other method's is written as is (`writeJsonAsIs`): an ETag there serves nothing, so neither
 * it nor Express's content-type handling is paid for on every send.
 */
function writeJson(req: Request, res: Response, status: number, body: unknown): void {
  if (req.method === 'GET' || req.method === 'HEAD' || body === undefined) res.status(status).json(body);
  else writeJsonAsIs(res, status, body);
}

/** The Resend-compatible REST API: authentication, rate limit, usage logs, routes, and errors in one shape. */
export function createRestRouter(services: Services, routes: RestRoute[]): Router {
  // Paths are case-sensitive, as Resend's are: `/api/Emails` and `/api/emails/Batch` are no route
  // (the route table says the same, so both are a 404 with a key or without).
  const router = Router({ caseSensitive: true });
  const table = routeTable(routes);

  // Every request goes through the gate (modules/auth/gate.ts): the key, the team's rate limit, the usage log.
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    // Answers made with a key, a token among them (POST /api-keys), are no one's to keep: not a
    // proxy's, not the browser's (the CSV download and GraphQL say the same).
    res.setHeader('cache-control', 'no-store');
    // The app mounts this router at `/api` case-insensitively: `/API/emails` is no route either.
    const unserved = req.baseUrl === '/api' ? table.unserved(req.method, req.path) : notFoundEndpoint();
    let admission: Admission;
    try {
      // The REST API takes keys only, never the dashboard's session cookie.
      admission = await services.gate.admit(credentialsOf(req, { session: false }), () => services.orm.em.fork());
    } catch (e) {
      // A route Keyring does not serve is a 404 with or without a key; with one, it is logged.
      // Refusals are answered here rather than through next(err), which walks every route layer
      // to the error handler (and records the error for the router's tracing) on every refusal.
      return sendError(res, unserved && !(e instanceof AppError && e.code === ErrorCode.RATE_LIMITED) ? unserved : e, services);
    }
    const key = admission.key;
    if (!key) return sendError(res, unserved ?? missingKey(), services);
    locals(res).key = key;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      locals(res).responseBody = body;
      return json(body);
    };
    finishWhenDone(admission, req, res, 'end', () => ({
      requestBody: redact(req.body), // null when there was none
      responseBody: redact(locals(res).responseBody),
    }));
    res.set(admission.headers);
    const refused = admission.refusal ?? unserved;
    if (refused) return sendError(res, refused, services);
    next();
  });

  const byPath = new Map<string, RestRoute[]>();
  for (const r of routes) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  for (const [path, list] of byPath) {
    for (const route of list) {
      // Permission is checked before the body is read: a sending-access key learns nothing else about the route.
      const access = (_req: Request, res: Response, next: NextFunction) =>
        route.access === 'full' && !canManage(locals(res).key!) ? next(restricted()) : next();
      router[route.method](path, access, jsonBody(bytes(route.bodyLimit ?? '1mb')), async (req, res, next) => {
        const key = locals(res).key!;
        try {
          let em: EntityManager | undefined;
          const ctx: RestContext = {
            key,
            services,
            // Forked on first use: sending an email needs no ORM at all.
            get em() {
              em ??= services.orm.em.fork();
              return em;
            },
          };
          const result = await route.handle(req, ctx);
          if (result.headers) res.set(result.headers);
          writeJson(req, res, result.status ?? 200, result.body);
        } catch (e) {
          next(e);
        }
      });
    }
    // Express answers HEAD with a route's GET, and OPTIONS here: both are allowed where GET is or always.
    const methods = list.map((r) => r.method.toUpperCase());
    const allowedMethods = [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'];
    const allowed = allowedMethods.join(', ');
    router.all(path, (req, res) => {
      res.set('allow', allowed);
      if (req.method === 'OPTIONS') {
        // Every answer is JSON, never an empty body (PRODUCT.md): the methods, as the Allow header says them.
        writeJsonAsIs(res, 200, { allow: allowedMethods });
        return;
      }
      sendError(res, new RestError(405, 'method_not_allowed', `Method not allowed. Allowed: ${allowed}.`), services);
    });
  }

  router.use((_req, _res, next) => next(notFoundEndpoint()));
  const onError: ErrorRequestHandler = (err, _req, res, _next) => sendError(res, err, services);
  router.use(onError);
  return router;
}
