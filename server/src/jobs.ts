import pg from 'pg';
import PgBoss from 'pg-boss';
import { type DbTimeouts, isConnectionError, pgOptions } from './db/connection.js';
import type { Logger } from './logger.js';

export type JobsOptions = { url: string; logger: Logger; maintenanceSeconds?: number; timeouts?: DbTimeouts; onError?: (err: unknown) => void };

/** While the database is unreachable, one warning per this many milliseconds (pg-boss polls every half second). */
const QUIET_MS = 10_000;

/** The PostgreSQL-backed job queue (pg-boss): any instance on the database may run any job. */
export async function startJobs(opts: JobsOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    // The same timeouts and tracked sockets as every pool (pg-boss hands these to its pg.Pool).
    ...pgOptions(opts.url, opts.timeouts),
    schema: 'pgboss',
    max: 4,
    maintenanceIntervalSeconds: opts.maintenanceSeconds ?? 60,
  } as PgBoss.ConstructorOptions);
  let quietUntil = 0;
  let suppressed = 0;
  // pg-boss reports its pool's errors here, and keeps polling: the queue resumes by itself.
  boss.on('error', (err) => {
    opts.onError?.(err);
    if (!isConnectionError(err)) return opts.logger.error({ err }, 'job queue error');
    const now = Date.now();
    if (now < quietUntil) {
      suppressed++;
      return;
    }
    opts.logger.warn(
      { err: { message: err.message, code: (err as { code?: string }).code }, suppressed },
      'job queue cannot reach the database; it keeps polling and resumes by itself',
    );
    quietUntil = now + QUIET_MS;
    suppressed = 0;
  });
  await boss.start();
  // Instances started together on a new database each create the same queues, and pg-boss's
  // creations deadlocked one another (seen with three instances): they take turns instead.
  const createQueue = boss.createQueue.bind(boss);
  boss.createQueue = async (name, options) => {
    const lock = new pg.Client({ connectionString: opts.url });
    await lock.connect();
    try {
      await lock.query('select pg_advisory_lock(7385816462)');
      return await createQueue(name, options);
    } finally {
      await lock.end().catch(() => undefined); // ending the session releases the lock
    }
  };
  return boss;
}
