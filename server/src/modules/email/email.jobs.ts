import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Services } from '../../services.js';

const DUE_QUEUE = 'email-due';

/** Scheduled emails whose time has come become queued; the number released. */
export async function releaseDueEmails(pool: pg.Pool): Promise<number> {
  const { rowCount } = await pool.query(`update email set status = 'queued' where status = 'scheduled' and scheduled_at <= now()`);
  return rowCount ?? 0;
}

/**
 * Scheduled emails go out from the job queue, so whichever instance runs jobs delivers them on
 * time: a job at each due time (see scheduleDue), and one every minute should any be missed.
 * Every instance creates the queue, since any of them may accept a scheduled email.
 */
export async function startEmailJobs(services: Services, opts: { work: boolean }): Promise<void> {
  const { jobs, logger } = services;
  await jobs.createQueue(DUE_QUEUE);
  if (!opts.work) return;
  await jobs.schedule(DUE_QUEUE, '* * * * *');
  await jobs.work(DUE_QUEUE, { pollingIntervalSeconds: 1, batchSize: 10 }, async () => {
    const n = await releaseDueEmails(services.pool);
    if (n > 0) {
      logger.debug({ released: n }, 'scheduled emails due');
      services.emailDelivery.kick();
    }
  });
}

/** One job per distinct second at which some of these emails are due. */
export async function scheduleDue(jobs: PgBoss, times: Date[], logger: Services['logger']): Promise<void> {
  const seconds = [...new Set(times.map((t) => Math.ceil(t.getTime() / 1000)))];
  try {
    await Promise.all(seconds.map((s) => jobs.send(DUE_QUEUE, {}, { startAfter: new Date(s * 1000) })));
  } catch (err) {
    // The email is stored: the every-minute job still sends it, at most a minute late.
    logger.error({ err }, 'could not schedule the due-email job');
  }
}
