import type { IncomingMessage } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { isDatabaseUnavailable } from '../../db/connection.js';
import { AppError, ErrorCode, rateLimited, refusalError, serviceUnavailable } from '../../errors.js';
import type { ApiKeyVerifier, VerifiedKey } from '../api-key/api-key.verifier.js';
import type { UsageEntry, UsageRecorder } from '../usage-log/usage-recorder.js';
import type { Actor } from './actor.js';
import { readCookie } from './cookies.js';
import { actorFromSession, SESSION_COOKIE } from './session.js';
import { headerText } from '../../lib/header-text.js';

/** What a request presents. */
export type Credentials = {
  /** The Authorization header (a WebSocket's connectionParams.authorization, as browsers cannot set headers). */
  authorization?: string;
  /** The session cookie, where a session may be used (not on the REST API). */
  sessionToken?: string;
  /** The caller's address (Express's req.ip: X-Forwarded-For is trusted from loopback only). */
  ip: string;
};

/** What a request made with a key did, for its usage log. */
export type Outcome = Pick<UsageEntry, 'method' | 'endpoint' | 'statusCode' | 'userAgent' | 'requestBody' | 'responseBody'>;

export type Admission = {
  /** Who is calling; null for an anonymous request (which only signUp, signIn and friends accept), and for a disabled key. */
  actor: Actor | null;
  /** The key the request was made with, fixed here: its usage log belongs to it whatever the request does. */
  key: VerifiedKey | null;
  /** RateLimit-* headers to answer with. */
  headers: Record<string, string>;
  /**
   * Set when the request is refused although its key verified — over the rate limit (RATE_LIMITED),
   * a disabled key (UNAUTHENTICATED), the rate limit's table unreachable (SERVICE_UNAVAILABLE):
   * answer with it, and still `finish`, so that it is logged.
   */
  refusal: AppError | null;
  /** Records the usage log of a request made with a key (once; nothing for sessions). */
  finish(outcome: Outcome): void;
};

export type GateOptions = {
  /** Requests per second per team, for key-authenticated calls; 0: no limit. */
  teamPerSecond: number;
  /** Requests per minute per user, for dashboard sessions; 0: no limit. */
  sessionPerMinute: number;
  /** Unknown tokens that reach the database, per address and minute, before that address is refused (429) without a query. */
  failedAuthPerMinute: number;
  /** Refused (429) requests logged in full per key and minute; the rest are summed up in one entry. */
  refusalsLoggedPerMinute: number;
};

/**
 * Logs an admitted request once its response is done: its method, path, status and user agent,
 * with the bodies `bodies` gives then (REST and the export download each keep their own).
 *
 * `'end'`: when the route ends its answer (`res.end`), whether or not the client is still there to
 * read it — 'finish' never comes for a client that hung up first (a timeout, a dropped connection),
 * yet the request was served (an email accepted and sent), so it is logged and counted (REST).
 * `'close'`: when the response closes, finished or cut off mid-stream (the download).
 */
export function finishWhenDone(
  admission: Admission,
  req: Request,
  res: Response,
  event: 'end' | 'close',
  bodies: () => Pick<Outcome, 'requestBody' | 'responseBody'>,
): void {
  const finish = () => admission.finish({ ...answered(req, res), ...bodies() });
  if (event === 'close') {
    res.on('close', finish);
    return;
  }
  const end = res.end;
  res.end = function (this: Response, ...args: unknown[]) {
    res.end = end; // once: a second end() is Node's own no-op, not another log
    const result = (end as (...a: unknown[]) => Response).apply(this, args);
    finish();
    return result;
  } as Response['end'];
}

/** What a usage log keeps of a request once it is answered, but for its bodies: method, path, status, user agent. */
const answered = (req: Request, res: Response): Omit<Outcome, 'requestBody' | 'responseBody'> => ({
  method: req.method,
  endpoint: restPath(req),
  statusCode: res.statusCode,
  userAgent: headerText(req.get('user-agent')) ?? null,
});

/**
 * The path a usage log keeps: the REST path without `/api` (`/emails`, `/exports/<id>/download`),
 * whether the route is the REST router's (mounted at `/api`) or the app's own (the download).
 */
const restPath = (req: Request): string => (req.baseUrl + req.path).replace(API_PREFIX, '');
/** `/api`, which a path always follows (`/api` alone is `/api/`); `/API/emails`, no route of ours, is kept as it was asked. */
const API_PREFIX = /^\/api(?=\/)/;

export const GATE_DEFAULTS: Omit<GateOptions, 'teamPerSecond' | 'sessionPerMinute'> = { failedAuthPerMinute: 30, refusalsLoggedPerMinute: 10 };

/** The caller's address: Express's req.ip where Express saw the request (trust proxy: loopback), else the socket's. */
export const clientIp = (req: IncomingMessage): string => (req as Request).ip ?? req.socket.remoteAddress ?? 'unknown';

/** A request's credentials: its Authorization header (or the one given) and, where sessions are accepted, its session cookie. */
export function credentialsOf(req: IncomingMessage, opts: { authorization?: string; session: boolean }): Credentials {
  return {
    authorization: opts.authorization ?? req.headers.authorization,
    sessionToken: opts.session ? readCookie(req, SESSION_COOKIE) : undefined,
    ip: clientIp(req),
  };
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The error for a key that does not verify (REST: 403 invalid_api_key). */
export const invalidApiKey = () => refusalError(ErrorCode.UNAUTHENTICATED, 'API key is invalid.', { restName: 'invalid_api_key' });

/** What a disabled key is told, on REST (403 invalid_api_key) and GraphQL (UNAUTHENTICATED) alike. */
export const DISABLED_KEY_MESSAGE = 'This API key is disabled.';
const disabledApiKey = () => refusalError(ErrorCode.UNAUTHENTICATED, DISABLED_KEY_MESSAGE, { restName: 'invalid_api_key' });

type Knex = ConstructorParameters<typeof RateLimiterPostgres>[0]['storeClient'];

/**
 * The one door for every request: REST, GraphQL over HTTP and WebSocket, and export downloads.
 * It verifies the key or the session, applies the rate limits (per team for keys, per user for
 * sessions, shared by every instance through PostgreSQL), throttles addresses that try unknown
 * tokens before those reach the database, and records the usage log of every request made with a
 * key — bounding what a flood of refused requests writes.
 */
export class RequestGate {
  private readonly team: RateLimiterPostgres | null;
  private readonly session: RateLimiterPostgres | null;
  /** Per instance and in memory on purpose: it exists to spare the database. */
  private readonly failedAuth: RateLimiterMemory;
  private readonly refusals = new Map<string, { minute: number; logged: number; summed: number; entry: Omit<UsageEntry, 'createdAt'> }>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly opts: GateOptions;

  constructor(
    private readonly deps: { verifier: ApiKeyVerifier; recorder: UsageRecorder; knex: Knex },
    opts: Pick<GateOptions, 'teamPerSecond' | 'sessionPerMinute'> & Partial<GateOptions>,
  ) {
    this.opts = { ...GATE_DEFAULTS, ...opts };
    const { teamPerSecond, sessionPerMinute } = this.opts;
    // Shared by every instance through PostgreSQL. Once a caller is over its limit, it is refused
    // without asking the database for `blockSeconds`.
    const limiter = (keyPrefix: string, points: number, duration: number, blockSeconds: number) =>
      points > 0
        ? new RateLimiterPostgres({
            storeClient: deps.knex,
            storeType: 'knex',
            tableName: 'rate_limit',
            tableCreated: true,
            keyPrefix,
            points,
            duration,
            inMemoryBlockOnConsumed: points,
            inMemoryBlockDuration: blockSeconds,
          })
        : null;
    this.team = limiter('team_rps', teamPerSecond, 1, 1);
    this.session = limiter('user_rpm', sessionPerMinute, 60, 10);
    this.failedAuth = new RateLimiterMemory({ keyPrefix: 'failed_auth', points: this.opts.failedAuthPerMinute, duration: 60 });
    this.sweeper = setInterval(() => this.sumUpRefusals(false), 5_000);
    this.sweeper.unref();
  }

  /**
   * Admits a request: throws for a key that does not verify (UNAUTHENTICATED, restName
   * invalid_api_key) or an address over its failed-authentication budget (RATE_LIMITED); returns
   * who is calling otherwise, with `refusal` set when that caller is refused all the same.
   */
  async admit(credentials: Credentials, em: () => EntityManager): Promise<Admission> {
    const started = performance.now();
    const { authorization, sessionToken, ip } = credentials;
    let key: VerifiedKey | null = null;
    let actor: Actor | null = null;
    if (authorization !== undefined && authorization !== '') {
      const token = BEARER.exec(authorization)?.[1];
      let lookedUp = false;
      key = token
        ? await this.deps.verifier.verify(token, () => {
            lookedUp = true;
            return this.checkAddress(ip);
          })
        : null;
      if (!key) {
        if (lookedUp) await this.failedAuth.penalty(ip).catch(() => undefined);
        throw invalidApiKey();
      }
      // A disabled key is refused, and its request logged: who still calls a disabled key is
      // what disabling rather than deleting it is for.
      if (key.enabled) actor = key;
    } else if (sessionToken) {
      actor = await actorFromSession(em(), sessionToken);
    }
    let headers: Record<string, string> = {};
    let refusal: AppError | null = key && !key.enabled ? disabledApiKey() : null;
    try {
      // A disabled key, refused already, is not counted against the rate limit.
      if (key?.enabled) headers = await this.consume(this.team, key.teamId, 'second');
      else if (actor?.kind === 'user') headers = await this.consume(this.session, actor.userId, 'minute');
    } catch (e) {
      // The limiter's table unreachable: a 503 like any other during an outage, but answered
      // through the admission, so that the request is logged (and counted) as the others are.
      if (!(e instanceof AppError) && !isDatabaseUnavailable(e)) throw e;
      refusal = e instanceof AppError ? e : serviceUnavailable();
      headers = refusal.headers ?? {};
    }
    let finished = false;
    return {
      actor,
      key,
      headers,
      refusal,
      finish: (outcome) => {
        if (!key || finished) return;
        finished = true;
        this.log({ ...outcome, teamId: key.teamId, apiKeyId: key.apiKeyId, durationMs: Math.round(performance.now() - started) });
      },
    };
  }

  close(): void {
    clearInterval(this.sweeper);
    this.flushRefusals();
  }

  /** Writes the summary entries of refusals now, instead of when their minute is over. */
  flushRefusals(): void {
    this.sumUpRefusals(true);
  }

  /** Refuses, without a query, an address that has tried too many unknown tokens this minute. */
  private async checkAddress(ip: string): Promise<void> {
    const res = await this.failedAuth.get(ip);
    if (res && res.consumedPoints >= this.opts.failedAuthPerMinute) {
      const retry = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw rateLimited(retry, `Too many requests with invalid API keys from this address. Retry after ${retry} second${retry === 1 ? '' : 's'}.`);
    }
  }

  private async consume(limiter: RateLimiterPostgres | null, id: string, per: 'second' | 'minute'): Promise<Record<string, string>> {
    if (!limiter) return {};
    const limit = limiter.points;
    try {
      return rateHeaders(limit, await limiter.consume(id));
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const retry = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw rateLimited(
        retry,
        `Too many requests. You can only make ${limit} requests per ${per}. Retry after ${retry} second${retry === 1 ? '' : 's'}.`,
        rateHeaders(limit, e),
      );
    }
  }

  /**
   * Every answered request is logged, but refusals are bounded: per key and minute, the first
   * `refusalsLoggedPerMinute` 429s are logged in full and the rest are summed up in one entry
   * (endpoint "(rate limited)", its response body counting them) when the minute is over.
   */
  private log(entry: Omit<UsageEntry, 'createdAt'>): void {
    if (entry.statusCode !== 429) {
      this.deps.recorder.record({ ...entry, createdAt: new Date() });
      return;
    }
    const minute = Math.floor(Date.now() / 60_000);
    let r = this.refusals.get(entry.apiKeyId);
    if (r && r.minute !== minute) {
      this.writeSummary(r);
      r = undefined;
    }
    if (!r) {
      r = { minute, logged: 0, summed: 0, entry };
      this.refusals.set(entry.apiKeyId, r);
    }
    if (r.logged < this.opts.refusalsLoggedPerMinute) {
      r.logged++;
      this.deps.recorder.record({ ...entry, createdAt: new Date() });
    } else {
      r.summed++;
      r.entry = entry;
    }
  }

  private sumUpRefusals(all: boolean): void {
    const minute = Math.floor(Date.now() / 60_000);
    for (const [id, r] of this.refusals) {
      if (!all && r.minute === minute) continue;
      this.writeSummary(r);
      this.refusals.delete(id);
    }
  }

  private writeSummary(r: { minute: number; summed: number; entry: Omit<UsageEntry, 'createdAt'> }): void {
    if (r.summed === 0) return;
    const { teamId, apiKeyId, userAgent } = r.entry;
    this.deps.recorder.record({
      teamId,
      apiKeyId,
      method: '*',
      endpoint: '(rate limited)',
      statusCode: 429,
      userAgent,
      durationMs: 0,
      requestBody: null,
      responseBody: { refused: r.summed, message: `${r.summed} more requests refused by the rate limit in this minute.` },
      createdAt: new Date(Math.min(Date.now(), (r.minute + 1) * 60_000 - 1)),
      // Counted as the requests it sums up, in the rollups and the key's requestCount.
      requests: r.summed,
    });
  }
}

const rateHeaders = (limit: number, r: RateLimiterRes) => ({
  'ratelimit-limit': String(limit),
  'ratelimit-remaining': String(Math.max(0, r.remainingPoints)),
  'ratelimit-reset': String(Math.max(1, Math.ceil(r.msBeforeNext / 1000))),
});
