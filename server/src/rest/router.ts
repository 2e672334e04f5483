import { type ErrorRequestHandler, type NextFunction, type Request, type Response, Router } from 'express';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Services } from '../services.js';
import { DISABLED_KEY_MESSAGE, verifyBearer } from '../modules/auth/authenticate.js';
import type { VerifiedKey } from '../modules/api-key/api-key.verifier.js';
import { canManage } from '../modules/auth/actor.js';
import { redact } from '../modules/usage-log/redact.js';
import { RestError, toRestError } from './errors.js';
import { bytes, jsonBody, requestReadError } from './json-body.js';
import type { RestContext, RestRoute } from './http.js';
import { notFoundEndpoint, routeTable } from './unoffered.js';

type Locals = { key?: VerifiedKey; responseBody?: unknown; started: number };
const locals = (res: Response) => res.locals as Locals;

const missingKey = () => new RestError(401, 'missing_api_key', 'Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY');
const invalidKey = () => new RestError(403, 'invalid_api_key', 'API key is invalid.');
const disabledKey = () => new RestError(403, 'invalid_api_key', DISABLED_KEY_MESSAGE);
const restricted = () => new RestError(401, 'restricted_api_key', 'This API key is restricted to only send emails.');

/** Team-wide requests per second for key-authenticated calls, shared by every instance through PostgreSQL. */
export function createTeamRateLimiter(services: Services) {
  const limit = services.config.RATE_LIMIT_PER_SECOND;
  if (limit === 0) return null;
  const limiter = new RateLimiterPostgres({
    storeClient: services.orm.em.getConnection().getKnex(),
    storeType: 'knex',
    tableName: 'rate_limit',
    tableCreated: true,
    keyPrefix: 'team_rps',
    points: limit,
    duration: 1,
    // Once a team is over the limit, refuse without asking the database until the window ends.
    inMemoryBlockOnConsumed: limit,
    inMemoryBlockDuration: 1,
  });
  return {
    limit,
    /** Consumes one request; resolves to the headers to send, or throws a 429 with them. */
    async consume(teamId: string): Promise<Record<string, string>> {
      try {
        const r = await limiter.consume(teamId);
        return headers(limit, r);
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) throw e;
        const retry = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
        throw Object.assign(new RestError(429, 'rate_limit_exceeded', `Too many requests. You can only make ${limit} requests per second. Retry after ${retry} second${retry === 1 ? '' : 's'}.`, retry), {
          headers: { ...headers(limit, e), 'retry-after': String(retry) },
        });
      }
    },
  };
}
export type TeamRateLimiter = ReturnType<typeof createTeamRateLimiter>;

const headers = (limit: number, r: RateLimiterRes) => ({
  'ratelimit-limit': String(limit),
  'ratelimit-remaining': String(Math.max(0, r.remainingPoints)),
  'ratelimit-reset': String(Math.max(1, Math.ceil(r.msBeforeNext / 1000))),
});

function sendError(res: Response, e: unknown, services: Services): void {
  const mapped = toRestError(e);
  const extra = (e as { headers?: Record<string, string> } | null)?.headers;
  if (extra) res.set(extra);
  if (mapped) {
    if ((mapped.statusCode === 429 || mapped.statusCode === 503) && mapped.retryAfterSeconds && !res.get('retry-after')) res.set('retry-after', String(mapped.retryAfterSeconds));
    res.status(mapped.statusCode).json({ statusCode: mapped.statusCode, name: mapped.name, message: mapped.message });
    return;
  }
  const read = requestReadError(e);
  if (read) {
    res.status(read.status).json({ statusCode: read.status, name: read.restName, message: read.message });
  } else {
    services.logger.error({ err: e }, 'unhandled REST error');
    res.status(500).json({ statusCode: 500, name: 'internal_server_error', message: 'An unexpected error occurred.' });
  }
}

/** The Resend-compatible REST API: authentication, rate limit, usage logs, routes, and errors in one shape. */
export function createRestRouter(services: Services, routes: RestRoute[], rateLimiter: TeamRateLimiter): Router {
  const router = Router();
  const table = routeTable(routes);

  router.use(async (req: Request, res: Response, next: NextFunction) => {
    locals(res).started = performance.now();
    const unserved = table.unserved(req.method, req.path);
    const bearer = await verifyBearer(services, req.headers.authorization);
    // A route Keyring does not serve is a 404 with or without a key; with one, it is logged.
    if (bearer.kind !== 'ok' && unserved) return next(unserved);
    if (bearer.kind === 'none') return next(missingKey());
    if (bearer.kind === 'disabled') return next(disabledKey());
    if (bearer.kind !== 'ok') return next(invalidKey());
    const key = bearer.key;
    locals(res).key = key;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      locals(res).responseBody = body;
      return json(body);
    };
    res.on('finish', () => {
      services.usageRecorder.record({
        teamId: key.teamId,
        apiKeyId: key.apiKeyId,
        method: req.method,
        endpoint: req.path,
        statusCode: res.statusCode,
        userAgent: req.get('user-agent') ?? null,
        durationMs: Math.round(performance.now() - locals(res).started),
        requestBody: req.body === undefined ? null : redact(req.body),
        responseBody: redact(locals(res).responseBody),
        createdAt: new Date(),
      });
    });
    if (rateLimiter) {
      try {
        res.set(await rateLimiter.consume(key.teamId));
      } catch (e) {
        return next(e);
      }
    }
    next(unserved ?? undefined);
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
          res.status(result.status ?? 200).json(result.body);
        } catch (e) {
          next(e);
        }
      });
    }
    const allowed = list.map((r) => r.method.toUpperCase()).join(', ');
    router.all(path, (_req, res) => {
      res.set('allow', allowed);
      sendError(res, new RestError(405, 'method_not_allowed', `Method not allowed. Allowed: ${allowed}.`), services);
    });
  }

  router.use((_req, _res, next) => next(notFoundEndpoint()));
  const onError: ErrorRequestHandler = (err, _req, res, _next) => sendError(res, err, services);
  router.use(onError);
  return router;
}
