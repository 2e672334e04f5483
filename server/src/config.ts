import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// dist/src/config.js sits one level deeper than src/config.ts
const root = path.basename(repoRoot) === 'server' ? path.resolve(repoRoot, '..') : repoRoot;

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(`${p}:`)), {
      message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  DATA_DIR: z.string().default(path.join(root, '.data')),
  SMTP_URL: optionalUrl(['smtp', 'smtps']),
  MAIL_FROM: z.string().default('Keyring <no-reply@keyring.local>'),
  PUBLIC_URL: optionalUrl(['http', 'https']),
  RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(0).default(10),
  /** Dashboard (session) requests per user and minute, GraphQL and WebSocket subscriptions together; 0 turns it off. */
  SESSION_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  CLIENT_DIST: z.string().default(path.join(root, 'client', 'dist')),
  /** GraphiQL's build (explorer/), served at /graphql to browsers when NODE_ENV is not production. */
  EXPLORER_DIST: z.string().default(path.join(root, 'explorer', 'dist')),
  EXPORT_JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(1800),
  /**
   * How long counting an export's first 1,001 rows and asking for the planner's estimate may take
   * together (one deadline; the count gets up to three quarters of it) before the export is taken
   * as large: a filter matching few of many rows reads them all.
   */
  EXPORT_COUNT_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  JOBS_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Export downloads streaming at once on this instance (each holds a connection while the client reads). */
  EXPORT_DOWNLOADS: z.coerce.number().int().min(1).max(100).default(4),
  /** How long a download waits for a free slot before it is answered 503 with Retry-After. */
  EXPORT_DOWNLOAD_WAIT_SECONDS: z.coerce.number().min(0.1).max(600).default(30),
  /** How long a download may wait for its client to take the next bytes before it is cut, freeing its slot. */
  EXPORT_DOWNLOAD_STALL_SECONDS: z.coerce.number().min(0.1).max(3600).default(60),
  /** Background exports written at once by this instance. */
  EXPORT_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(3),
  /** A team's background exports written at once across all instances: the rest wait their turn, not other teams. */
  EXPORT_TEAM_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(1),
  /**
   * Exports a team may create in any hour, small or large: each keeps its file for 7 days, and a
   * session (600 requests a minute) could otherwise store a small export a request. One more is
   * RATE_LIMITED with the seconds until the oldest of the hour leaves it.
   */
  EXPORTS_PER_TEAM_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(100),
  /** false: only the very first account may sign up; everyone else joins by invitation. */
  ALLOW_SIGNUP: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Sign-up attempts per address (IPv6: its /64) and hour. */
  SIGNUP_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).default(10),
  /**
   * Request logs older than this are dropped, a day's partition at a time; counts and usage charts
   * (rollups) stay. At most a year: a query over every daily partition plans in ~2.5 ms at 30 days
   * and ~25 ms at 365 (measured here).
   */
  LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** DNS servers that verify domains, comma-separated (`1.1.1.1`, `127.0.0.1:5353`, `[::1]:53`); unset: the system's. */
  DNS_SERVERS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every(isDnsServer), {
      message: 'must be IP addresses, each optionally with a port (1.1.1.1, 127.0.0.1:5353, [::1]:53), separated by commas',
    }),
  /** Whether only verified domains may send; unset: true in production, false otherwise. */
  REQUIRE_VERIFIED_DOMAINS: z.enum(['true', 'false']).optional(),
  /** false: this instance serves requests only and leaves background jobs to the others. */
  WORKERS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /**
   * A request (its headers and its body) must have arrived whole within this long, or it is
   * answered 408 request_timeout and its connection closed: a client that trickles its body holds
   * a connection this long at most (Node's own limit is 300 s). Answers are not limited by it.
   */
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().min(1).max(3600).default(120),
  /** At start, how long to keep trying to reach PostgreSQL (with backoff) before exiting 1. */
  DATABASE_WAIT_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  /** Opening a database connection, or waiting for a pooled one, gives up after this. */
  DATABASE_CONNECT_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(60).default(2),
  /** PostgreSQL statement_timeout on every pooled session (exports and downloads excepted); 0 turns it off. */
  DATABASE_STATEMENT_TIMEOUT_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  /** Usage logs held in memory while PostgreSQL is unreachable: entries, and megabytes of request/response bodies. */
  USAGE_LOG_BUFFER_ENTRIES: z.coerce.number().int().min(1000).max(10_000_000).default(100_000),
  USAGE_LOG_BUFFER_MB: z.coerce.number().min(1).max(4096).default(64),
  /** Delivery attempts through SMTP_URL before an email is marked failed. */
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /** Wait before the first retry of a refused delivery; doubles each attempt, at most an hour. */
  MAIL_RETRY_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
  /** An email claimed by an instance that stopped renewing its claim this long ago is sent by another. */
  MAIL_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /**
   * How far V8 lets the old generation grow past what survived the last full collection, in
   * percent (100: to twice that). 0 keeps V8's own factor, which in this server sank to about
   * ×1.1–1.7 under an export's load and started a full collection every ~200 ms (~20 an export, a
   * third of its CPU, measured with --trace-gc on 2026-12-04); at 100, 2 over two exports.
   */
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1000).default(100),
  /** Serves Prometheus metrics at GET /metrics to `Authorization: Bearer <METRICS_TOKEN>`; unset: no metrics. */
  METRICS_TOKEN: z
    .string()
    .optional()
    .refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters' }),
});

function isDnsServer(s: string): boolean {
  const v6 = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
  if (v6) return isIP(v6[1]) === 6 && (v6[2] === undefined || Number(v6[2]) <= 65535);
  if (isIP(s) === 6) return true;
  const [host, port, ...rest] = s.split(':');
  return rest.length === 0 && isIP(host) === 4 && (port === undefined || (/^\d{1,5}$/.test(port) && Number(port) <= 65535));
}

export type Config = Omit<z.infer<typeof schema>, 'PUBLIC_URL' | 'REQUIRE_VERIFIED_DOMAINS'> & { PUBLIC_URL: string; REQUIRE_VERIFIED_DOMAINS: boolean };

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // A blank variable (`RATE_LIMIT_PER_SECOND=` in a compose file) means unset: z.coerce.number
  // would read it as 0, listening on a random port or switching the rate limit off.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(set);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  return {
    ...c,
    PUBLIC_URL: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    REQUIRE_VERIFIED_DOMAINS: c.REQUIRE_VERIFIED_DOMAINS === undefined ? c.NODE_ENV === 'production' : c.REQUIRE_VERIFIED_DOMAINS === 'true',
  };
}

export const repoRootDir = root;
