import pg from 'pg';
import type { Logger } from '../logger.js';
import { type DbTimeouts, DEFAULT_TIMEOUTS, IDLE_CONNECTION_MS, pgOptions } from './connection.js';

export type PoolOptions = {
  timeouts?: DbTimeouts;
  logger?: Logger;
  /** Told about every error of an idle connection (the health check wants connection losses). */
  onError?: (err: Error) => void;
};

/**
 * An idle pooled connection that the server closes (a restart, pg_terminate_backend, a network
 * cut) makes the pool emit 'error', and a checked-out one makes its client emit it: without a
 * listener, Node ends the process. Every pool and every client it opens gets one.
 */
export function guardPool(pool: pg.Pool, name: string, opts: PoolOptions): pg.Pool {
  // A client checked out with pool.connect() (a transaction, a COPY) has no listener of the pool's
  // while it is out: a connection lost then would end the process. Its statements fail instead.
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('error', (err) => {
    opts.logger?.warn(
      { err: { message: err.message, code: (err as { code?: string }).code }, pool: name },
      'idle database connection lost; the pool opens a new one when needed',
    );
    opts.onError?.(err);
  });
  return pool;
}

/**
 * A plain node-postgres pool beside the ORM's, for the few hot-path statements (accepting an
 * email, the health check) where the ORM and query-builder layers cost more than the query.
 */
export function createPool(url: string, opts: PoolOptions = {}): pg.Pool {
  const timeouts = opts.timeouts ?? DEFAULT_TIMEOUTS;
  return guardPool(new pg.Pool({ ...pgOptions(url, timeouts), max: 10, idleTimeoutMillis: IDLE_CONNECTION_MS }), 'main', opts);
}

/**
 * Connections for export downloads, which stream a file with COPY and hold their connection as
 * long as the client takes to read it: kept apart so that slow downloads never starve the hot
 * path, and at most `max` at once per instance (more wait for a free connection, `waitSeconds` at most).
 * No statement timeout: a COPY lasts as long as the client takes to read. A lock it waits on
 * (export_chunk locked) is bounded by the statement timeout instead (lock_timeout): without it a
 * download waited for as long as the lock was held, its client answered nothing and its slot taken.
 */
export function createDownloadPool(url: string, max: number, waitSeconds: number, opts: PoolOptions = {}): pg.Pool {
  const { statementTimeoutMs, ...rest } = opts.timeouts ?? DEFAULT_TIMEOUTS;
  const timeouts = { ...rest, statementTimeoutMs: 0 };
  return guardPool(
    new pg.Pool({
      ...pgOptions(url, timeouts),
      ...(statementTimeoutMs > 0 ? { lock_timeout: statementTimeoutMs } : {}),
      max,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: waitSeconds * 1000,
    }),
    'downloads',
    opts,
  );
}
