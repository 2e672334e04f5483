import type { Services } from '../../services.js';
import { recheckDomains } from './domain.service.js';

const RECHECK_QUEUE = 'domain-recheck';

/** Rechecks domains' DNS records every five minutes, on whichever instance runs jobs. */
export async function startDomainJobs(services: Services): Promise<void> {
  const { jobs, logger } = services;
  await jobs.createQueue(RECHECK_QUEUE);
  await jobs.schedule(RECHECK_QUEUE, '*/5 * * * *');
  await jobs.work(RECHECK_QUEUE, async () => {
    const n = await recheckDomains(services.orm.em.fork(), services.config, logger);
    if (n) logger.info({ checked: n }, 'domains rechecked');
  });
}
