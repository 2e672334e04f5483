import type { Services } from '../../services.js';
import {
  ABANDONED_CHECK_MS,
  EXPORT_QUEUE,
  ExportInterrupted,
  type ExportJob,
  expireExports,
  exportJobOptions,
  failExport,
  failInterruptedExports,
  localExportWorkers,
  reclaimAbandonedExports,
  runExport,
} from './export.service.js';

const EXPIRE_QUEUE = 'export-expire';
/**
 * How long a deferred export waits before it asks for its team's slot again: short, as a freed
 * slot stays idle meanwhile; MAX_PENDING_EXPORTS bounds how many ask (≤ 10 jobs a second a team).
 */
export const DEFER_SECONDS = 1;

/**
 * The export queues, created by every instance (it is idempotent): pg-boss silently drops a job
 * sent to a queue that does not exist, so a WORKERS=false instance that started on a database no
 * worker had seen yet lost its exports (PROCESSING forever).
 */
export async function createExportQueues(services: Services): Promise<void> {
  await services.jobs.createQueue(EXPORT_QUEUE);
  await services.jobs.createQueue(EXPIRE_QUEUE);
}

/**
 * Registers the export workers on this instance; pg-boss hands each job to one instance only.
 * EXPORT_CONCURRENCY workers per instance, and at most EXPORT_TEAM_CONCURRENCY exports of one team
 * at once across all instances: a job whose team has no free slot is put back with a delay and the
 * worker takes the next job, so another team's export is not queued behind a flood (one worker and
 * one global queue made another team's small export wait 24 s behind six large ones).
 */
export async function startExportWorkers(services: Services): Promise<void> {
  const { jobs, logger, config } = services;
  await createExportQueues(services);
  const workers: string[] = [];
  localExportWorkers.set(jobs, workers);
  for (let i = 0; i < config.EXPORT_CONCURRENCY; i++) {
    const worker = await jobs.work<ExportJob>(EXPORT_QUEUE, { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      const started = performance.now();
      try {
        const outcome = await runExport(services, job.data.exportId, { email: true, teamSlots: config.EXPORT_TEAM_CONCURRENCY });
        if (outcome !== 'busy') services.metrics?.exportDuration.observe({ outcome: 'done' }, (performance.now() - started) / 1000);
        if (outcome === 'busy') {
          // Not an attempt: a new job behind the others, so the retries stay for real failures.
          const deferrals = (job.data.deferrals ?? 0) + 1;
          await jobs.send(EXPORT_QUEUE, { exportId: job.data.exportId, deferrals } satisfies ExportJob, {
            ...exportJobOptions(services),
            startAfter: DEFER_SECONDS,
          });
        }
      } catch (err) {
        if (err instanceof ExportInterrupted) {
          logger.info({ exportId: job.data.exportId }, err.message);
          throw err;
        }
        services.metrics?.exportDuration.observe({ outcome: 'failed' }, (performance.now() - started) / 1000);
        logger.error({ err, exportId: job.data.exportId, attempt: job.retryCount }, 'export failed');
        // Out of retries: FAILED with a reason, never stuck in PROCESSING.
        if (job.retryCount >= job.retryLimit) await failExport(services, job.data.exportId, 'The export could not be written. Try again.');
        throw err;
      }
    });
    workers.push(worker);
  }
  await jobs.schedule(EXPIRE_QUEUE, '*/5 * * * *');
  const sweep = async () => {
    const n = await expireExports(services);
    if (n) logger.info({ expired: n }, 'expired exports deleted');
    const interrupted = await failInterruptedExports(services);
    if (interrupted) logger.warn({ exports: interrupted }, 'exports left PROCESSING without a job marked FAILED');
  };
  await jobs.work(EXPIRE_QUEUE, sweep);
  await failInterruptedExports(services).catch((err: unknown) => logger.warn({ err }, 'could not look for interrupted exports'));
  // Exports whose writer died (this instance or another, killed mid-export) are retried within
  // seconds — at once when this instance starts, then every ABANDONED_CHECK_MS — rather than once
  // their job expires (EXPORT_JOB_TIMEOUT_SECONDS).
  let reclaiming = false;
  const check = () => {
    if (reclaiming || services.stopping?.aborted) return;
    reclaiming = true;
    reclaimAbandonedExports(services)
      .catch((err: unknown) => logger.warn({ err }, 'could not look for exports whose writer stopped'))
      .finally(() => {
        reclaiming = false;
      });
  };
  check();
  const reclaim = setInterval(check, ABANDONED_CHECK_MS);
  reclaim.unref();
  services.stopping?.addEventListener('abort', () => clearInterval(reclaim), { once: true });
}
