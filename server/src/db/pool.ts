import pg from 'pg';

/**
 * A plain node-postgres pool beside the ORM's, for the few hot-path statements (accepting an
 * email, the health check) where the ORM and query-builder layers cost more than the query.
 */
export function createPool(url: string): pg.Pool {
  return new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 30_000 });
}

/**
 * Connections for export downloads, which stream a file with COPY and hold their connection as
 * long as the client takes to read it: kept apart so that slow downloads never starve the hot
 * path, and at most `max` at once per instance (more wait for a free connection, `waitSeconds` at most).
 */
export function createDownloadPool(url: string, max: number, waitSeconds: number): pg.Pool {
  return new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 10_000, connectionTimeoutMillis: waitSeconds * 1000 });
}
