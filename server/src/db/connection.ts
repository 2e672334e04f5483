import net from 'node:net';
import type pg from 'pg';

/** Timeouts applied to every connection the server opens (see config.ts for the settings). */
export type DbTimeouts = {
  /** Opening a connection (TCP and start-up), and waiting for a pooled one. */
  connectTimeoutMs: number;
  /** PostgreSQL's statement_timeout on each session; 0 turns it off. */
  statementTimeoutMs: number;
};

export const DEFAULT_TIMEOUTS: DbTimeouts = { connectTimeoutMs: 2000, statementTimeoutMs: 30_000 };

export const timeoutsOf = (config: { DATABASE_CONNECT_TIMEOUT_SECONDS: number; DATABASE_STATEMENT_TIMEOUT_SECONDS: number }): DbTimeouts => ({
  connectTimeoutMs: Math.round(config.DATABASE_CONNECT_TIMEOUT_SECONDS * 1000),
  statementTimeoutMs: Math.round(config.DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000),
});

/** The error every new connection gets at once while the database is known to be down. */
export class DatabaseDownError extends Error {
  readonly code = 'EDBDOWN';
  constructor() {
    super('The database is unreachable (circuit open): not trying until it answers again.');
    this.name = 'DatabaseDownError';
  }
}

/**
 * Every socket to one database, whoever opened it (the pools, the ORM, the job queue, LISTEN):
 * when the database stops answering, they are all cut at once, so that queries stuck on a
 * stalled network fail now instead of after the kernel's TCP timeout (minutes).
 */
type Target = { sockets: Set<net.Socket>; down: boolean };
const targets = new Map<string, Target>();

/** host:port/database: pools with different options on the same database share a target. */
export function targetKey(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

function target(url: string): Target {
  const key = targetKey(url);
  let t = targets.get(key);
  if (!t) {
    t = { sockets: new Set(), down: false };
    targets.set(key, t);
  }
  return t;
}

/** Marks the database down (new connections fail at once, open ones are cut) or up again. */
export function setDatabaseDown(url: string, down: boolean): number {
  const t = target(url);
  t.down = down;
  if (!down) return 0;
  const cut = t.sockets.size;
  for (const s of t.sockets) s.destroy(new DatabaseDownError());
  t.sockets.clear();
  return cut;
}

export const isDatabaseDown = (url: string) => target(url).down;

/** A socket factory for node-postgres (its `stream` option) that tracks and gates connections. */
function trackedStream(url: string) {
  const t = target(url);
  return () => {
    const socket = new net.Socket();
    if (t.down) {
      // Fail the connect attempt on the next tick, after node-postgres has attached its listeners.
      socket.connect = (() => {
        process.nextTick(() => socket.destroy(new DatabaseDownError()));
        return socket;
      }) as typeof socket.connect;
      return socket;
    }
    t.sockets.add(socket);
    socket.once('close', () => t.sockets.delete(socket));
    return socket;
  };
}

/** node-postgres client options: the URL, the timeouts, TCP keep-alive and the tracked socket. */
export function pgOptions(url: string, timeouts: DbTimeouts = DEFAULT_TIMEOUTS): pg.ClientConfig {
  return {
    connectionString: url,
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    ...(timeouts.statementTimeoutMs > 0 ? { statement_timeout: timeouts.statementTimeoutMs } : {}),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    stream: trackedStream(url),
  };
}

const UNAVAILABLE_CODES = new Set(['EDBDOWN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout expired',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Connection refused',
  // No free connection in the ORM's pool within the connect timeout: the ORM wraps knex's
  // KnexTimeoutError in a DriverException that keeps its message but neither its name nor a link.
  'Knex: Timeout acquiring a connection',
];

/**
 * True when an error says the database cannot be reached or went away (as opposed to a
 * statement it refused): SQLSTATE class 08, admin/crash shutdown, cannot connect now, too many
 * connections, socket errors and the drivers' own timeouts.
 */
export function isConnectionError(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
    }
    if (name === 'KnexTimeoutError' || name === 'DatabaseDownError') return true;
    // knex puts the statement before the driver's message: "select … - Connection terminated unexpectedly".
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.startsWith(m) || message.includes(` - ${m}`))) return true;
    e = (e as { cause?: unknown; previous?: unknown }).cause ?? (e as { previous?: unknown }).previous;
  }
  return false;
}

/**
 * A request failed because of the database rather than the request: unreachable, or too slow
 * (statement timeout 57014, lock timeout 55P03).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return isConnectionError(err) || code === '57014' || code === '55P03';
}

/**
 * How long an idle pooled connection is kept before it is closed: a new one spends its first log
 * query loading the metadata of every usage_log partition (a second, in the scale probe).
 */
export const IDLE_CONNECTION_MS = 10 * 60_000;
