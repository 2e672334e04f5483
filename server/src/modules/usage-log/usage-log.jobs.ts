import type { Services } from '../../services.js';
import { maintainLogPartitions } from './usage-log.partitions.js';

export const LOG_PARTITIONS_QUEUE = 'usage-log-partitions';

/** Runs the partition maintenance now and then every hour; pg-boss hands each run to one instance. */
export async function startUsageLogWorkers(services: Services): Promise<void> {
  const { jobs, logger, pool, config } = services;
  await jobs.createQueue(LOG_PARTITIONS_QUEUE);
  await jobs.schedule(LOG_PARTITIONS_QUEUE, '7 * * * *');
  await jobs.work(LOG_PARTITIONS_QUEUE, async () => {
    const done = await maintainLogPartitions(pool, { retentionDays: config.LOG_RETENTION_DAYS, drop: true });
    if (done.created.length || done.dropped.length || done.defaultRowsDeleted) logger.info(done, 'usage-log partitions maintained');
    if (done.failed.length) logger.warn({ failed: done.failed }, 'usage-log partitions busy; the next run tries again');
  });
  await jobs.send(LOG_PARTITIONS_QUEUE, {}, { singletonKey: 'startup', singletonSeconds: 60 });
}
