import type { Services } from '../../services.js';

const PURGE_QUEUE = 'session-purge';

/**
 * Deletes expired sessions (and password reset links) every hour, on whichever instance runs jobs: an expired session never
 * signs anyone in (actorFromSession), but its row stayed for ever.
 */
export async function startSessionJobs(services: Services): Promise<void> {
  const { jobs, logger } = services;
  await jobs.createQueue(PURGE_QUEUE);
  await jobs.schedule(PURGE_QUEUE, '23 * * * *');
  await jobs.work(PURGE_QUEUE, async () => {
    const n = await purgeExpiredSessions(services);
    if (n) logger.info({ sessions: n }, 'expired sessions deleted');
    const links = await purgeExpiredPasswordResets(services);
    if (links) logger.info({ passwordResets: links }, 'expired password reset links deleted');
  });
}

/** Deletes the sessions past their expiry; returns how many. */
export async function purgeExpiredSessions(services: Services): Promise<number> {
  const rows = await services.orm.em.getConnection().execute<{ id: string }[]>('delete from session where expires_at <= now() returning id');
  return rows.length;
}

/** Deletes the password reset links past their expiry, used or not; returns how many. */
export async function purgeExpiredPasswordResets(services: Services): Promise<number> {
  const rows = await services.orm.em.getConnection().execute<{ id: string }[]>('delete from password_reset where expires_at <= now() returning id');
  return rows.length;
}
