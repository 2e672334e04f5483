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
    opts.logger.warn({ err: { message: err.message, code: (err as { code?: string }).code }, suppressed }, 'job queue cannot reach the database; it keeps polling and resumes by itself');
    quietUntil = now + QUIET_MS;
    suppressed = 0;
  });
  await boss.start();
  return boss;
}
