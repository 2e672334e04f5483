import PgBoss from 'pg-boss';
import type { Logger } from './logger.js';

export type JobsOptions = { url: string; logger: Logger; maintenanceSeconds?: number };

/** The PostgreSQL-backed job queue (pg-boss): any instance on the database may run any job. */
export async function startJobs(opts: JobsOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: opts.url,
    schema: 'pgboss',
    max: 4,
    maintenanceIntervalSeconds: opts.maintenanceSeconds ?? 60,
  });
  boss.on('error', (err) => opts.logger.error({ err }, 'job queue error'));
  await boss.start();
  return boss;
}
