import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, rateLimited, serviceUnavailable } from '../../errors.js';
import { isUuid } from '../../lib/ids.js';
import type { Services } from '../../services.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { memberRole } from '../auth/session.js';
import { sendNotice } from '../mail/notice.js';
import { Role, Team, User } from '../team/team.entity.js';
import { lockTeam } from '../team/team.lock.js';
import { giveTeamSlotBack, INLINE_STOP_GRACE_MS, inlineTeamTurn, takeTeamSlot, withExportConnections } from './export.connections.js';
import { DOWNLOAD_DAYS, DOWNLOAD_TTL_MS, Export, ExportResource, ExportStatus, effectiveStatus } from './export.entity.js';
import { writeCsv } from './export.file.js';
import { type ExportFilterInput, exportQueries, prepareExport } from './export.resources.js';
import { chunkCommitted } from './export.stream.js';
import { TeamTurns } from './team-turns.js';

/** Exports of at most this many rows are written during the request and come back READY. */
export const INLINE_MAX_ROWS = 1000;
/** Background exports a team may have queued or running at once; one more is RATE_LIMITED. */
export const MAX_PENDING_EXPORTS = 10;
const PENDING_RETRY_SECONDS = 30;
export const EXPORT_QUEUE = 'export';
const PROGRESS_EVERY_MS = 250;
const HEARTBEAT_MS = 500;

export const downloadUrl = (services: Services, id: string) => `${services.config.PUBLIC_URL}/api/exports/${id}/download`;
export const detailUrl = (services: Services, id: string) => `${services.config.PUBLIC_URL}/exports/${id}`;

export async function findExport(em: EntityManager, teamId: string, id: string): Promise<Export | null> {
  return isUuid(id) ? em.findOne(Export, { id, team: teamId }) : null;
}

/**
 * Small exports (≤ INLINE_MAX_ROWS) are written during the request and come back READY; larger ones
 * come back PROCESSING and run as a job that any instance may pick up.
 */
export async function createExport(em: EntityManager, services: Services, actor: Actor, input: ExportFilterInput): Promise<Export> {
  if (!Object.values(ExportResource).includes(input.resource)) throw badInput('resource', 'Unknown resource.');
  const { stored: filters, query } = await prepareExport(em, actor.teamId, input);
  // Counting every row up front would cost as much as the export: count only up to the inline
  // limit, and let a large export carry the planner's estimate until it knows.
  const estimate = await estimateExportRows(em, actor.teamId, services.config.EXPORT_COUNT_TIMEOUT_MS, query);
  const inline = estimate.exact;
  const exp = new Export(em.getReference(Team, actor.teamId), input.resource, filters);
  exp.rowCount = inline ? estimate.rowCount : null;
  exp.estimatedRowCount = estimate.rowCount;
  exp.createdBy = actor.kind === 'user' ? em.getReference(User, actor.userId) : null;
  exp.createdByApiKeyId = actor.kind === 'apiKey' ? actor.apiKeyId : null;
  await em.transactional(async (tx) => {
    // The team's row lock makes the counts exact under concurrent requests (and instances).
    await lockTeam(tx, actor.teamId);
    await assertUnderHourlyLimit(tx, actor.teamId, services.config.EXPORTS_PER_TEAM_PER_HOUR);
    if (!inline) {
      const pending = await tx.count(Export, { team: actor.teamId, status: ExportStatus.PROCESSING, rowCount: null });
      if (pending >= MAX_PENDING_EXPORTS) {
        throw rateLimited(PENDING_RETRY_SECONDS, `Your team already has ${MAX_PENDING_EXPORTS} large exports in progress: try again once one is ready.`);
      }
    }
    tx.persist(exp);
    recordAudit(tx, actor, 'export.created', exp.id, { resource: input.resource, filters, rowCount: exp.rowCount ?? null });
  });
  if (inline) {
    try {
      await runExport(services, exp.id, { email: false });
    } catch (err) {
      if (services.draining?.aborted && (err as { code?: string }).code === QUERY_CANCELED) {
        // Cancelled because this instance is stopping (runExport): FAILED now, before its pools
        // close, and the client told to create it again (on another instance).
        await failExport(services, exp.id, INTERRUPTED).catch((e: unknown) =>
          services.logger.warn({ err: e, exportId: exp.id }, 'could not mark an interrupted export FAILED'),
        );
        throw serviceUnavailable('This server is shutting down: create the export again.');
      }
      // No job would ever run it: FAILED with a reason, not PROCESSING for ever — at once, or once
      // the database answers if it is away (this request answers now all the same). A process
      // that stops before leaves it to failInterruptedExports.
      void services.database
        .untilUp(ORPHANED_AFTER_MINUTES * 60_000)
        .then((up) => (up ? failExport(services, exp.id, INTERRUPTED) : undefined))
        .catch((e: unknown) => services.logger.warn({ err: e, exportId: exp.id }, 'could not mark an interrupted export FAILED'));
      throw err;
    }
    await em.refresh(exp);
  } else {
    await services.jobs.send(EXPORT_QUEUE, { exportId: exp.id } satisfies ExportJob, exportJobOptions(services));
    wakeExportWorkers(services);
  }
  return exp;
}

const HOUR_MS = 3600_000;

/** EXPORTS_PER_TEAM_PER_HOUR: RATE_LIMITED, with the wait until the hour's oldest export leaves it, once the team has created that many. */
async function assertUnderHourlyLimit(tx: EntityManager, teamId: string, limit: number): Promise<void> {
  const since = new Date(Date.now() - HOUR_MS);
  const created = await tx.count(Export, { team: teamId, createdAt: { $gt: since } });
  if (created < limit) return;
  const [oldest] = await tx.find(Export, { team: teamId, createdAt: { $gt: since } }, { orderBy: { createdAt: 'asc' }, limit: 1, fields: ['createdAt'] });
  const waitSeconds = Math.max(1, Math.ceil((oldest.createdAt.getTime() + HOUR_MS - Date.now()) / 1000));
  throw rateLimited(waitSeconds, `Your team has created ${limit} exports in the last hour, its limit: try again in ${waitSeconds} s.`);
}

/** The export workers of each running instance (its job queue), by startExportWorkers. */
export const localExportWorkers = new WeakMap<Services['jobs'], string[]>();

/**
 * Asks this instance's export workers to look for a job now rather than at their next poll (up
 * to half a second later, which a download that starts with the export waits for too). Only an
 * idle worker fetches at once; the others when their export is done. Another instance's workers
 * still find the job at their next poll.
 */
function wakeExportWorkers(services: Services): void {
  for (const id of localExportWorkers.get(services.jobs) ?? []) services.jobs.notifyWorker(id);
}

export type ExportEstimate = { rowCount: number; exact: boolean };

/**
 * The rows an export would hold, before it is created (the dialog shows it before confirming):
 * exact up to INLINE_MAX_ROWS, the planner's estimate above, as createExport counts them.
 */
export async function estimateExport(em: EntityManager, actor: Actor, input: ExportFilterInput, timeoutMs = COUNT_TIMEOUT_MS): Promise<ExportEstimate> {
  if (!Object.values(ExportResource).includes(input.resource)) throw badInput('resource', 'Unknown resource.');
  const { query } = await prepareExport(em, actor.teamId, input);
  return estimateExportRows(em, actor.teamId, timeoutMs, query);
}

/** Counts (with their estimates) a team may have running at once on an instance. */
export const TEAM_COUNTS = 2;
const countTurns = new TeamTurns();

/**
 * One of the team's TEAM_COUNTS counting slots on this instance, waited for until `until` (epoch
 * ms) at most; null when none came free in time. Each count holds a database connection for up to
 * EXPORT_COUNT_TIMEOUT_MS, and a burst of createExport from one team (120 at once) held every
 * connection of the pool, so that other teams' requests waited and failed. A request waiting here
 * holds none; quick counts (small exports) take their turns within milliseconds.
 */
const countSlot = (teamId: string, until: number) => countTurns.take(teamId, TEAM_COUNTS, until);

/** EXPORT_COUNT_TIMEOUT_MS's default. */
export const COUNT_TIMEOUT_MS = 2000;

/**
 * Exact up to INLINE_MAX_ROWS; above, the planner's estimate. A filter matching few of many rows
 * makes the count read them all (5.5 s for one log path over 3 million logs in the scale probe):
 * past its share of EXPORT_COUNT_TIMEOUT_MS the count gives up and the export is taken as a large
 * one, which counts as it writes; should the estimate time out too, it is "more than
 * INLINE_MAX_ROWS". The count and the estimate share one deadline of EXPORT_COUNT_TIMEOUT_MS (each
 * had its own, so a count that timed out could be followed by an estimate waiting as long again,
 * on the same lock): the count may take three quarters of it, the estimate what is left, so that a
 * count cut short still leaves the estimate (planning only, usually a few milliseconds) its time.
 */
async function estimateExportRows(em: EntityManager, teamId: string, ms: number, query: string): Promise<ExportEstimate> {
  const deadline = Date.now() + ms;
  const countBy = deadline - Math.floor(ms / 4); // the count's share; the estimate has the rest
  // The team's turn to count comes within the count's share, or the export is taken for a large
  // one (TEAM_COUNTS).
  const release = await countSlot(teamId, countBy);
  if (!release) return { rowCount: INLINE_MAX_ROWS + 1, exact: false };
  try {
    const counted = await withinTimeout(em, countBy, async (sql) => {
      const [{ n }] = await sql<{ n: string }>(`select count(*) as n from (${query} limit ${INLINE_MAX_ROWS + 1}) q`);
      return Number(n);
    });
    if (counted !== null && counted <= INLINE_MAX_ROWS) return { rowCount: counted, exact: true };
    const planned = await withinTimeout(em, deadline, (sql) => estimateRows(sql, query));
    return { rowCount: planned ?? INLINE_MAX_ROWS + 1, exact: false };
  } finally {
    release();
  }
}

/** PostgreSQL's code for a statement cancelled by statement_timeout. */
const QUERY_CANCELED = '57014';

type Sql = <R>(query: string) => Promise<R[]>;

/**
 * Runs `work` in a transaction whose statements must end by `deadline` (epoch ms); null when one
 * is cut short, or when the deadline has passed before it starts (statement_timeout 0 would be none).
 */
async function withinTimeout<T>(em: EntityManager, deadline: number, work: (sql: Sql) => Promise<T>): Promise<T | null> {
  try {
    return await em.fork().transactional(async (tx) => {
      const left = Math.trunc(deadline - Date.now());
      if (left < 1) return null;
      await tx.execute(`set local statement_timeout = ${left}`);
      return work(<R>(query: string) => tx.execute<R[]>(query));
    });
  } catch (e) {
    if ((e as { code?: string }).code === QUERY_CANCELED) return null;
    throw e;
  }
}

/** What an export job carries: deferrals counts how often it found its team's slots taken. */
export type ExportJob = { exportId: string; deferrals?: number };

export const exportJobOptions = (services: Services) => ({ retryLimit: 3, retryDelay: 1, expireInSeconds: services.config.EXPORT_JOB_TIMEOUT_SECONDS });

/** The planner's row estimate for a query (at least INLINE_MAX_ROWS + 1: we know there are more). */
async function estimateRows(sql: Sql, query: string): Promise<number> {
  const [row] = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(`explain (format json) ${query}`);
  const planned = Math.round(row?.['QUERY PLAN']?.[0]?.Plan?.['Plan Rows'] ?? 0);
  return Math.min(2 ** 31 - 1, Math.max(INLINE_MAX_ROWS + 1, planned));
}

/**
 * Writes the file of one export. Safe to run again: each run writes under a fresh attempt id.
 * Small exports (in the request) use the inline connections; background jobs pass `teamSlots`
 * and use the background ones, after taking one of the team's slots (export.connections.ts) and answers
 * 'busy' without writing when the team already has that many exports running on any instance.
 */
export async function runExport(services: Services, exportId: string, opts: { email: boolean; teamSlots?: number }): Promise<'done' | 'busy'> {
  const em = services.orm.em.fork();
  const exp = await em.findOne(Export, exportId, { populate: ['createdBy'] });
  if (!exp || exp.status !== ExportStatus.PROCESSING) return 'done';
  const conn = em.getConnection();
  const attempt = randomUUID();
  let lastPublished = 0;
  const publish = (rows: number, force = false) => {
    const now = Date.now();
    if (!force && now - lastPublished < PROGRESS_EVERY_MS) return;
    lastPublished = now;
    void conn
      .execute('update export set processed_rows = greatest(processed_rows, ?) where id = ? and status = ?', [rows, exportId, ExportStatus.PROCESSING])
      .then(() => services.notifier.notify('export_progress', exportId))
      .catch((err: unknown) => services.logger.warn({ err, exportId }, 'could not publish export progress'));
  };
  const queries = await exportQueries(services.pool, em, exp.resource, exp.team.id, exp.filters);
  // Subscribers hear from a running export at least once a second, even while PostgreSQL is
  // still sorting before the first row comes out.
  let latestRows = 0;
  const background = Boolean(opts.teamSlots);
  const pools = background ? services.exportPools.background : services.exportPools.inline;
  // A download made while PROCESSING follows the attempt named here (export.download.ts).
  const forgetAttempt = () =>
    conn
      .execute('update export set writing_attempt = null where id = ? and writing_attempt = ?', [exportId, attempt])
      .then(() => services.notifier.notify('export_progress', exportId));
  // A background export stuck in a statement (a table locked, say) is cancelled when the instance
  // stops, and its job left to a retry (ExportInterrupted below); a small one, written during its
  // request, a grace after the instance stops taking requests (createExport answers 503).
  const stop = background
    ? services.stopping && { signal: services.stopping, canceller: services.pool }
    : services.draining && { signal: services.draining, canceller: services.pool, graceMs: INLINE_STOP_GRACE_MS };
  // A small export waits for its team's turn (INLINE_TEAM_SHARE) before it asks for connections:
  // one team's burst cannot hold every small export of the instance up.
  const turn = background ? undefined : await inlineTeamTurn(pools, exp.team.id);
  const outcome = await withExportConnections(
    pools,
    async (copy, writer, discard) => {
      const slot = opts.teamSlots ? await takeTeamSlot(copy, exp.team.id, opts.teamSlots) : null;
      if (opts.teamSlots && !slot) return 'busy' as const;
      // Held by this connection while the attempt writes (and freed with it should this process
      // die): an instance that finds it free knows the attempt's writer is gone (reclaimAbandonedExports).
      // A small export's too: one whose instance was killed during its request stayed PROCESSING
      // until the sweep found it, 10 to 15 minutes later (failInterruptedExports).
      await copy.query('select pg_advisory_lock(hashtextextended($1, 0))', [attemptLock(attempt)]);
      await conn.execute('update export set writing_attempt = ? where id = ? and status = ?', [attempt, exportId, ExportStatus.PROCESSING]);
      await services.notifier.notify('export_progress', exportId);
      let discarded = false;
      const heartbeat = setInterval(() => publish(latestRows, true), HEARTBEAT_MS);
      const result = await writeCsv({
        copy,
        writer,
        discard: () => {
          discarded = true;
          discard();
        },
        exportId,
        attempt,
        queries,
        onProgress: (r) => {
          latestRows = r;
          publish(r);
        },
        onChunk: (seq, data) => chunkCommitted(services, exportId, attempt, seq, data),
        // A check that fails (no pooled connection within DATABASE_CONNECT_TIMEOUT_SECONDS on a busy
        // machine) writes on rather than failing the attempt, which would cut short a download
        // following it: the READY update is conditional, and an attempt not kept is deleted anyway.
        stillWanted: async () => {
          if (background && services.stopping?.aborted) throw new ExportInterrupted();
          try {
            return (await conn.execute<{ status: string }[]>('select status from export where id = ?', [exportId]))[0]?.status === ExportStatus.PROCESSING;
          } catch (err) {
            services.logger.warn({ err, exportId }, 'could not check whether the export is still wanted; writing on');
            return true;
          }
        },
      }).finally(() => clearInterval(heartbeat));
      // A connection stopped mid-COPY (or that threw) is closed instead, which frees its slot too.
      if (slot && !discarded) await giveTeamSlotBack(copy, slot);
      if (!discarded) await copy.query('select pg_advisory_unlock(hashtextextended($1, 0))', [attemptLock(attempt)]);
      return result;
    },
    stop,
  )
    .catch(async (err: unknown) => {
      if (background) {
        // During an outage neither this nor the job's failure (and so its retry) can be recorded:
        // wait for the database, as long as the job may run, rather than leave the job active and
        // the export PROCESSING until the job expires (EXPORT_JOB_TIMEOUT_SECONDS).
        await services.database.untilUp(services.config.EXPORT_JOB_TIMEOUT_SECONDS * 1000);
        // A download following this attempt stops at once rather than when the retry starts.
        await forgetAttempt().catch(() => undefined);
        // Cancelled because this instance is stopping: a retry, not a failure.
        if (services.stopping?.aborted && !(err instanceof ExportInterrupted)) throw new ExportInterrupted();
      }
      throw err;
    })
    .finally(() => turn?.());
  if (outcome === 'busy') return 'busy';
  const written = outcome;
  if (!written) {
    await forgetAttempt();
    await conn.execute('delete from export_chunk where export_id = ? and attempt = ?', [exportId, attempt]);
    return 'done';
  }
  const { rows, bytes } = written;
  const done = await conn.execute(
    `update export set status = ?, processed_rows = ?, row_count = ?, file_size = ?, file_attempt = ?, writing_attempt = null, completed_at = now(),
            expires_at = now() + ? * interval '1 millisecond'
      where id = ? and status = ?`,
    [ExportStatus.READY, rows, rows, bytes, attempt, DOWNLOAD_TTL_MS, exportId, ExportStatus.PROCESSING],
    'run',
  );
  // Only the attempt that marked the export READY keeps its chunks; none when it FAILED meanwhile
  // (`<>` a null file_attempt matched no chunk, and kept a whole file of a FAILED export for ever).
  await conn.execute('delete from export_chunk where export_id = ? and attempt is distinct from (select file_attempt from export where id = ?)', [
    exportId,
    exportId,
  ]);
  await services.notifier.notify('export_progress', exportId);
  if (opts.email && (done as { affectedRows?: number }).affectedRows !== 0 && exp.createdBy?.email && (await stillAdmin(em, exp))) {
    const name = exp.resource.toLowerCase().replace('_', ' ');
    // Retried while the relay is down (sendNotice); the export is READY either way. Each retry
    // asks again whether its creator is still an admin and the link still works: retried for up
    // to hours, it went to a creator removed from the team or made a member meanwhile.
    void sendNotice(
      services,
      {
        to: exp.createdBy.email,
        subject: `Your ${name} export is ready`,
        text: `Your export of ${rows.toLocaleString('en-US')} ${name} is ready.\n\nDownload it: ${downloadUrl(services, exportId)}\nDetails: ${detailUrl(services, exportId)}\n\nThe link works for ${DOWNLOAD_DAYS} days.`,
      },
      { exportId },
      () => stillDownloadable(services, exp),
    );
  }
  return 'done';
}

/**
 * Whether the export's creator is still an admin of its team, once it is READY: the email tells
 * what was exported and how many rows, and links the download. A creator removed from the team
 * (or made a member, who may not download) while it was written got it all the same.
 */
async function stillAdmin(em: EntityManager, exp: Export): Promise<boolean> {
  return (await memberRole(em, { userId: exp.createdBy!.id, teamId: exp.team.id })) === Role.ADMIN;
}

/** Whether a READY export's email still says something true: its creator an admin of its team, its download not expired. */
async function stillDownloadable(services: Services, exp: Export): Promise<boolean> {
  const em = services.orm.em.fork();
  const now = await em.findOne(Export, { id: exp.id, team: exp.team.id });
  return !!now && effectiveStatus(now) === ExportStatus.READY && (await stillAdmin(em, exp));
}

const INTERRUPTED = 'The export could not be written. Try again.';

/** A background export stopped because its instance is shutting down: its job is retried, not failed. */
export class ExportInterrupted extends Error {
  constructor() {
    super('export interrupted: this instance is shutting down; its job is retried');
    this.name = 'ExportInterrupted';
  }
}

/** The advisory lock a background attempt's connection holds while it writes. */
const attemptLock = (attempt: string) => `keyring-export-attempt:${attempt}`;

/** How often each worker instance looks for attempts whose writer is gone (reclaimAbandonedExports). */
export const ABANDONED_CHECK_MS = 10_000;
/** How long an attempt's lock must stay free, its export still naming it, before it is taken for abandoned. */
export const ABANDONED_CONFIRM_MS = 1000;

/** An attempt an export names; its job when it is a background export's (a small one, written during its request, has none). */
type Writing = { id: string; attempt: string; job_id: string | null; retry_count: number | null; retry_limit: number | null };

/**
 * Hands back to the queue the background exports whose writer is gone: an instance killed
 * (kill -9, a crash, a lost machine) mid-export left its job active and its export PROCESSING,
 * naming an attempt that would never write again, until the job expired
 * (EXPORT_JOB_TIMEOUT_SECONDS, 30 minutes by default) — its progress frozen, and every download
 * following it holding a download slot all that time. An attempt's writer holds an advisory lock
 * (attemptLock) on its connection, which PostgreSQL frees when that connection ends; an attempt
 * whose export still names it while its lock is free, at two looks ABANDONED_CONFIRM_MS apart (a
 * writer whose connection broke names none once the database answers it), is given up: its
 * export names no attempt (downloads following it are cut short), and its job fails, so that it
 * is retried at once — or, out of retries, the export is FAILED. A small export, written during its
 * request with no job, whose attempt is abandoned so is FAILED at once: its request is over. Returns how many.
 */
export async function reclaimAbandonedExports(services: Services): Promise<number> {
  const writing = async () =>
    (
      await services.pool.query<Writing>(
        `select e.id, e.writing_attempt as attempt, j.id as job_id, j.retry_count, j.retry_limit
           from export e
           left join pgboss.job j on j.name = $1 and j.state = 'active' and j.data->>'exportId' = e.id::text
          where e.status = $2 and e.writing_attempt is not null
            and (j.id is not null
                 or not exists (select 1 from pgboss.job p where p.name = $1 and p.state < 'completed' and p.data->>'exportId' = e.id::text))`,
        [EXPORT_QUEUE, ExportStatus.PROCESSING],
      )
    ).rows;
  // Taken for the length of its own statement only: true when no writer holds it.
  const free = async (attempt: string) =>
    (await services.pool.query<{ free: boolean }>('select pg_try_advisory_xact_lock(hashtextextended($1, 0)) as free', [attemptLock(attempt)])).rows[0].free;
  const suspects: Writing[] = [];
  for (const w of await writing()) if (await free(w.attempt)) suspects.push(w);
  if (!suspects.length) return 0;
  await new Promise((r) => setTimeout(r, ABANDONED_CONFIRM_MS));
  const still = new Map((await writing()).map((w) => [`${w.id} ${w.attempt} ${w.job_id}`, w]));
  let reclaimed = 0;
  for (const s of suspects) {
    const w = still.get(`${s.id} ${s.attempt} ${s.job_id}`);
    if (!w || !(await free(w.attempt))) continue;
    const given = await services.pool.query('update export set writing_attempt = null where id = $1 and writing_attempt = $2 and status = $3', [
      w.id,
      w.attempt,
      ExportStatus.PROCESSING,
    ]);
    if (!given.rowCount) continue;
    await services.notifier.notify('export_progress', w.id);
    reclaimed++;
    if (w.job_id === null) {
      // A small export: no job would write it again, and its request is over.
      services.logger.warn({ exportId: w.id, attempt: w.attempt }, 'small export abandoned by its writer (its instance stopped): failed');
      await failExport(services, w.id, INTERRUPTED);
      continue;
    }
    services.logger.warn({ exportId: w.id, attempt: w.attempt, jobId: w.job_id }, 'export attempt abandoned by its writer (its instance stopped): retried');
    await services.jobs.fail(EXPORT_QUEUE, w.job_id, { message: 'The instance writing this export stopped.' });
    if ((w.retry_count ?? 0) >= (w.retry_limit ?? 0)) await failExport(services, w.id, INTERRUPTED);
  }
  return reclaimed;
}

/** How long an export may be PROCESSING without a job before failInterruptedExports fails it. */
export const ORPHANED_AFTER_MINUTES = 10;

/**
 * Fails exports left PROCESSING with no job to finish them: a small one whose request failed
 * while the database was away (the request writes it, no job), or a large one whose job is gone.
 * Runs with the expiry sweep and when workers start. Returns how many.
 */
export async function failInterruptedExports(services: Services): Promise<number> {
  const failed = await services.orm.em.getConnection().execute<{ id: string }[]>(
    `update export e set status = ?, error = ?, completed_at = now()
      where e.status = ? and e.created_at < now() - ? * interval '1 minute'
        and not exists (select 1 from pgboss.job j where j.name = ? and j.state < 'completed' and j.data->>'exportId' = e.id::text)
      returning e.id`,
    [ExportStatus.FAILED, INTERRUPTED, ExportStatus.PROCESSING, ORPHANED_AFTER_MINUTES, EXPORT_QUEUE],
  );
  const ids = failed.map((e) => e.id);
  if (ids.length) await deleteFailedFiles(services, ids);
  for (const { id } of failed) await services.notifier.notify('export_progress', id);
  return failed.length;
}

/**
 * Deletes what the attempts of exports just made FAILED wrote: a FAILED export has no file, and
 * the chunks of an attempt that died or threw midway (an instance killed, its last retry's
 * connection cut) were kept for ever. An attempt still writing deletes its own when it next finds
 * the export no longer wanted, or once it ends without making it READY. Waits at most a second for
 * a lock: its callers are failing an export, often while the instance stops, and a locked
 * export_chunk held them (and the shutdown) for as long as it stayed locked. What it leaves, the
 * sweep deletes (expireExports).
 */
async function deleteFailedFiles(services: Services, ids: string[]): Promise<void> {
  const client = await services.pool.connect();
  try {
    await client.query('begin');
    await client.query(`set local lock_timeout = '1s'`);
    await client.query('delete from export_chunk where export_id in (select id from export where id = any($1::uuid[]) and status = $2)', [
      ids,
      ExportStatus.FAILED,
    ]);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    services.logger.warn({ err, exportIds: ids }, 'could not delete the chunks of failed exports yet; the sweep will');
  } finally {
    client.release();
  }
}

export async function failExport(services: Services, exportId: string, reason: string): Promise<void> {
  const failed = await services.orm.em
    .getConnection()
    .execute<{ id: string }[]>('update export set status = ?, error = ?, completed_at = now() where id = ? and status = ? returning id', [
      ExportStatus.FAILED,
      reason.slice(0, 500),
      exportId,
      ExportStatus.PROCESSING,
    ]);
  if (failed.length) await deleteFailedFiles(services, [exportId]);
  await services.notifier.notify('export_progress', exportId);
}

/** Marks exports past their DOWNLOAD_DAYS as EXPIRED and deletes their files. */
export async function expireExports(services: Services): Promise<number> {
  const conn = services.orm.em.getConnection();
  const expired = await conn.execute<{ id: string }[]>(
    `update export set status = 'EXPIRED', file_attempt = null where status = 'READY' and expires_at <= now() returning id`,
  );
  // The files of every EXPIRED export, not only of those just made so: a delete that failed (a
  // statement timeout over large files, the connection lost) left the files of exports no longer
  // READY, which no later sweep looked at again, for ever. A FAILED export keeps no chunk either:
  // those failExport could not delete at once (a lock), and those kept before it deleted any.
  // One export at a time, so that each statement stays short and what is done stays done.
  const leftovers = await conn.execute<{ id: string }[]>(
    `select e.id from export e where e.status in ('EXPIRED', 'FAILED') and exists (select 1 from export_chunk c where c.export_id = e.id)`,
  );
  for (const { id } of leftovers) await conn.execute('delete from export_chunk where export_id = ?', [id]);
  return expired.length;
}
