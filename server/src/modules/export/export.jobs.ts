import type { Services } from '../../services.js';
import { EXPORT_QUEUE, expireExports, failExport, runExport } from './export.service.js';

const EXPIRE_QUEUE = 'export-expire';

/** Registers the export workers on this instance; pg-boss hands each job to one instance only. */
export async function startExportWorkers(services: Services): Promise<void> {
  const { jobs, logger } = services;
  await jobs.createQueue(EXPORT_QUEUE);
  await jobs.createQueue(EXPIRE_QUEUE);
  await jobs.work<{ exportId: string }>(
    EXPORT_QUEUE,
    { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 0.5 },
    async ([job]) => {
      try {
        await runExport(services, job.data.exportId, { email: true });
      } catch (err) {
        logger.error({ err, exportId: job.data.exportId, attempt: job.retryCount }, 'export failed');
        // Out of retries: FAILED with a reason, never stuck in PROCESSING.
        if (job.retryCount >= job.retryLimit) await failExport(services, job.data.exportId, 'The export could not be written. Try again.');
        throw err;
      }
    },
  );
  await jobs.schedule(EXPIRE_QUEUE, '*/5 * * * *');
  await jobs.work(EXPIRE_QUEUE, async () => {
    const n = await expireExports(services);
    if (n) logger.info({ expired: n }, 'expired exports deleted');
  });
}
