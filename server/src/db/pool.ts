import pg from 'pg';

/**
 * A plain node-postgres pool beside the ORM's, for the few hot-path statements (accepting an
 * email, the health check) where the ORM and query-builder layers cost more than the query.
 */
export function createPool(url: string): pg.Pool {
  return new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 30_000 });
}
