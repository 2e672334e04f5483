import type { Request, Response } from 'express';
import pg, { escapeLiteral, type PoolClient } from 'pg';
import { AppError } from '../../errors.js';
import { binaryCopyValues } from '../../lib/binary-copy.js';
import { CopyOut } from '../../lib/copy-out.js';
import { isUuid } from '../../lib/ids.js';
import { writeMappedError, writeRestError } from '../../rest/errors.js';
import type { Services } from '../../services.js';
import { recordAudit } from '../audit/audit.service.js';
import { type Actor, canManage } from '../auth/actor.js';
import { type Admission, credentialsOf, finishWhenDone } from '../auth/gate.js';
import { currentActor } from '../auth/session.js';
import { DOWNLOAD_DAYS, Export, ExportStatus, effectiveStatus } from './export.entity.js';
import { detailUrl, findExport } from './export.service.js';
import { ExportChanges, FOLLOW_POLL_MS } from './export.stream.js';
import { TeamTurns } from './team-turns.js';

/** Answers with the REST API's error body, kept for the usage log. */
const fail = (res: Response, statusCode: number, name: string, message: string) => {
  res.locals.errorBody = writeRestError(res, statusCode, name, message);
};

/** A refusal of the gate's (a bad or disabled key, a rate limit, an outage) as the REST API answers it, with its headers. */
function refuse(res: Response, e: AppError): void {
  res.locals.errorBody = writeMappedError(res, e);
}

/**
 * GET /api/exports/:id/download — the CSV, streamed chunk by chunk from PostgreSQL.
 * A session (the emailed link opens in the browser) or a full-access key; admins only.
 */
export function exportDownload(services: Services) {
  return async (req: Request, res: Response) => {
    const em = services.orm.em.fork();
    let admission: Admission;
    try {
      admission = await services.gate.admit(credentialsOf(req, { session: true }), () => em);
    } catch (e) {
      // The database unreachable is a 503 (the app's error handler), not a bad key.
      if (!(e instanceof AppError)) throw e;
      return refuse(res, e);
    }
    // Made with a key, the download is logged and counted like any other request of that key.
    finishWhenDone(admission, req, res, 'close', () => ({
      requestBody: null,
      responseBody: res.statusCode === 200 ? (req.method === 'HEAD' ? null : { downloaded: res.writableFinished }) : (res.locals.errorBody ?? null),
    }));
    res.set(admission.headers);
    if (admission.refusal) return refuse(res, admission.refusal);
    const actor = admission.actor;
    if (!actor) {
      // A browser opening the emailed link signed out (on another device, its session over) was
      // shown this 401's JSON as the page: it goes to the export's page, which asks it to sign in
      // and then offers Download. Clients that are not browsers (curl, fetch: */*) get the 401.
      const id = String(req.params.id);
      if (!req.headers.authorization && isUuid(id) && req.accepts(['application/json', 'text/html']) === 'text/html') {
        return res.redirect(303, detailUrl(services, id));
      }
      return fail(res, 401, 'missing_api_key', 'Sign in or send a full-access API key to download exports.');
    }
    // As on every REST route but sending: a sending-access key learns nothing, not even which exports exist.
    if (actor.kind === 'apiKey' && !canManage(actor)) return fail(res, 401, 'restricted_api_key', 'This API key is restricted to only send emails.');
    const exp = await findExport(em, actor.teamId, String(req.params.id));
    if (!exp) return fail(res, 404, 'not_found', 'Export not found.');
    if (!canManage(actor)) return fail(res, 403, 'forbidden', 'Only admins can download exports.');
    let status: ExportStatus | 'WRITING' = effectiveStatus(exp);
    // HEAD: what a GET would answer now, without its body — no slot, no read of the file, no
    // audit entry. Served by the GET below, a HEAD read (and, while PROCESSING, followed) the whole
    // file and was audited as a download.
    if (req.method === 'HEAD') return head(res, exp, status);
    if (status === ExportStatus.PROCESSING) {
      // Followed as it is written, once an attempt has started (a queued export waits its turn).
      status = await waitForStart(services, res, exp.id);
      if (status === ExportStatus.PROCESSING) {
        const retry = FOLLOW_RETRY_SECONDS;
        res.setHeader('retry-after', String(retry));
        return fail(res, 409, 'export_not_ready', `This export is still waiting for its turn: try again in ${retry} seconds.`);
      }
      if (status !== 'WRITING') await em.refresh(exp);
    }
    if (status === ExportStatus.EXPIRED) return fail(res, EXPIRED.status, EXPIRED.name, EXPIRED.message);
    if (status === ExportStatus.FAILED) return fail(res, 409, 'export_not_ready', 'This export failed.');
    if (status === ExportStatus.READY && !exp.fileAttempt) return fail(res, 409, 'export_not_ready', 'This export is still being prepared.');
    // Waits here while every download connection is busy, or the team holds its share of them,
    // then gives up with a clear answer.
    const busy = (err: unknown, what: string) => {
      services.logger.warn({ err, exportId: exp.id }, 'no free export download slot');
      const retry = Math.max(1, Math.ceil(services.config.EXPORT_DOWNLOAD_WAIT_SECONDS));
      res.setHeader('retry-after', String(retry));
      return fail(res, 503, 'service_unavailable', `${what}: retry in ${retry} second${retry === 1 ? '' : 's'}.`);
    };
    const allSlots = services.downloadPool.options.max ?? 10;
    const share = teamDownloadShare(allSlots);
    const teamSlot = await teamDownloadSlot(services.downloadPool, actor.teamId, Date.now() + services.config.EXPORT_DOWNLOAD_WAIT_SECONDS * 1000);
    if (!teamSlot) {
      return busy(
        undefined,
        share < allSlots
          ? `Your team already has ${share} downloads streaming from this server, as many as one team may (of ${allSlots})`
          : 'Every download slot of this server is busy',
      );
    }
    let client: PoolClient;
    try {
      client = await services.downloadPool.connect();
    } catch (err) {
      teamSlot();
      return busy(err, 'Every download slot of this server is busy');
    }
    // Who downloaded which export, and when: the audit trail records it as it records the export's
    // creation (a download with a session left no trace anywhere; with a key, only its usage log).
    try {
      recordAudit(em, actor, 'export.downloaded', exp.id, { resource: exp.resource, whileWritten: status !== ExportStatus.READY });
      await em.flush();
    } catch (err) {
      client.release();
      teamSlot();
      throw err;
    }
    fileHeaders(res, exp, status);
    // A client that stops reading holds its slot: cut once it has taken nothing for this long.
    res.locals.stallMs = services.config.EXPORT_DOWNLOAD_STALL_SECONDS * 1000;
    let broken: Error | undefined;
    try {
      const outcome =
        status === ExportStatus.READY
          ? await sendFile(client, res, exp)
          : await follow(services, client, res, exp.id, stillAllowed(services, actor, admission.key));
      if (outcome === 'gone') {
        broken = new Error('client went away');
        if (res.locals.stalled)
          services.logger.warn(
            { exportId: exp.id, stallSeconds: services.config.EXPORT_DOWNLOAD_STALL_SECONDS },
            'export download cut: its client read nothing',
          );
        return;
      }
      if (typeof outcome === 'object') {
        if (!res.headersSent) {
          // Nothing sent yet: a clear answer is still possible, as JSON rather than as the file.
          for (const header of ['content-type', 'content-disposition', 'cache-control']) res.removeHeader(header);
          return fail(res, outcome.status, outcome.name, outcome.message);
        }
        broken = new Error(outcome.message);
        services.logger.warn({ exportId: exp.id, reason: outcome.message }, 'export download cut short');
        res.destroy();
        return;
      }
    } catch (err) {
      broken = err as Error;
      services.logger.error({ err, exportId: exp.id }, 'export download failed');
      if (!res.headersSent) {
        // Nothing sent yet (the file's read failed before its first byte: its connection killed, a
        // lock timeout): answered as any request whose database is away, 503 with Retry-After,
        // rather than a connection closed with no status.
        for (const header of ['content-type', 'content-disposition', 'cache-control', 'content-length']) res.removeHeader(header);
        if (!writeMappedError(res, err)) fail(res, 500, 'internal_server_error', 'The export could not be read.');
        return;
      }
      // Headers are sent: all that is left is to cut the response short, so the client sees an incomplete file.
      res.destroy();
      return;
    } finally {
      // A connection left in the middle of a COPY is closed rather than reused.
      client.release(broken);
      teamSlot();
    }
    res.end();
  };
}

/**
 * How many of an instance's download slots (EXPORT_DOWNLOADS) one team may hold at once: half of
 * them, at least two (all of them when there are fewer). One team's downloads that read nothing —
 * four clients that opened the link and stalled — held every slot of the instance for as long as
 * they stayed open, and every other team's download waited EXPORT_DOWNLOAD_WAIT_SECONDS for a 503.
 */
export const teamDownloadShare = (slots: number) => Math.min(slots, Math.max(2, Math.ceil(slots / 2)));

/** The slots each team holds, per download pool (one per instance; several may share a process, as in tests). */
const teamDownloads = new WeakMap<pg.Pool, TeamTurns>();

/**
 * One of the team's share of the pool's slots, waited for (holding no connection) until `until`
 * (epoch ms); null when none came free in time. The function returned gives it back, once.
 */
function teamDownloadSlot(pool: pg.Pool, teamId: string, until: number): Promise<(() => void) | null> {
  let turns = teamDownloads.get(pool);
  if (!turns) {
    turns = new TeamTurns();
    teamDownloads.set(pool, turns);
  }
  return turns.take(teamId, teamDownloadShare(pool.options.max ?? 10), until);
}

/** The headers of the file's response. */
function fileHeaders(res: Response, exp: Export, status: ExportStatus | 'WRITING'): void {
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${fileName(exp)}"`);
  res.setHeader('cache-control', 'private, no-store');
  // While it is written the size is not known: the response is chunked, and cut short (never
  // ended) when the export fails, so that no client takes a part for the whole file.
  if (status === ExportStatus.READY && exp.fileSize !== null && exp.fileSize !== undefined) res.setHeader('content-length', String(exp.fileSize));
}

/** A HEAD of a download: the status and headers a GET would start with, at once. */
function head(res: Response, exp: Export, status: ExportStatus): void {
  if (status === ExportStatus.EXPIRED) fail(res, EXPIRED.status, EXPIRED.name, EXPIRED.message);
  else if (status === ExportStatus.FAILED) fail(res, 409, 'export_not_ready', 'This export failed.');
  else if (status === ExportStatus.READY && !exp.fileAttempt) fail(res, 409, 'export_not_ready', 'This export is still being prepared.');
  else {
    fileHeaders(res, exp, status);
    res.status(200).end();
  }
}

const FOLLOW_RETRY_SECONDS = 10;

const EXPIRED: Refusal = { status: 410, name: 'export_expired', message: `This export has expired: downloads work for ${DOWNLOAD_DAYS} days.` };

type ExportState = { status: ExportStatus; writing_attempt: string | null; file_attempt: string | null; file_size: number | null };

// file_size is a bigint, which node-postgres reads as a string; as float8 it is a number, exact up to 2^53.
const readState = async (db: Pick<pg.Pool, 'query'>, id: string): Promise<ExportState | undefined> =>
  (await db.query<ExportState>('select status, writing_attempt, file_attempt, file_size::float8 as file_size from export where id = $1', [id])).rows[0];

/**
 * Waits (holding no download slot) until a PROCESSING export has an attempt writing its file:
 * 'WRITING' then, its new status if it ended meanwhile, PROCESSING if it did not start in time.
 */
async function waitForStart(services: Services, res: Response, id: string): Promise<ExportStatus | 'WRITING'> {
  const changes = new ExportChanges(services, id);
  // A client that goes away ends the wait at once.
  const stop = () => changes.close();
  res.once('close', stop);
  try {
    // As long as a download waits for a free slot (EXPORT_DOWNLOAD_WAIT_SECONDS).
    const until = Date.now() + services.config.EXPORT_DOWNLOAD_WAIT_SECONDS * 1000;
    for (;;) {
      changes.clear();
      const state = await readState(services.pool, id);
      if (!state) return ExportStatus.FAILED;
      if (state.status !== ExportStatus.PROCESSING) return state.status;
      if (state.writing_attempt) return 'WRITING';
      const left = until - Date.now();
      if (left <= 0) return ExportStatus.PROCESSING;
      await changes.wait(Math.min(left, FOLLOW_POLL_MS));
      if (res.destroyed || changes.stopped) return ExportStatus.PROCESSING;
    }
  } finally {
    res.off('close', stop);
    changes.close();
  }
}

type Refusal = { status: number; name: string; message: string };

/** How often a download following an export asks again whether its caller may still download it. */
export const FOLLOW_RECHECK_MS = FOLLOW_POLL_MS;

/**
 * Whether the caller of a download that follows an export may still download it, asked again
 * (at most every FOLLOW_RECHECK_MS) before each chunk written since: a download follows an export
 * for as long as it is written, and a key deleted, disabled or expired, a session ended, an admin
 * removed or made a member meanwhile went on receiving every row written afterwards (the
 * subscription to its progress ends on the same changes). A refusal when it may not.
 */
function stillAllowed(services: Services, actor: Actor, key: Admission['key']): () => Promise<Refusal | null> {
  let checkedAt = 0;
  return async () => {
    if (Date.now() - checkedAt < FOLLOW_RECHECK_MS) return null;
    const now = await currentActor(services.orm.em.fork(), actor, key);
    checkedAt = Date.now();
    if (!now) {
      return actor.kind === 'apiKey'
        ? { status: 403, name: 'invalid_api_key', message: 'API key is invalid.' }
        : { status: 401, name: 'missing_api_key', message: 'Your session has ended: sign in again to download exports.' };
    }
    if (!canManage(now)) return { status: 403, name: 'forbidden', message: 'Only admins can download exports.' };
    return null;
  };
}

/**
 * Streams a PROCESSING export as its chunks are committed: the attempt writing it, from chunk 0,
 * each new chunk as it comes, until the export is READY with that attempt's file, whose size must
 * then be exactly what was sent. Anything else — the export failed, or the attempt was given up
 * for another (a retry writes new rows) — ends it with a refusal; the caller answers with it when
 * nothing was sent yet, and cuts the response short otherwise.
 */
async function follow(
  services: Services,
  client: PoolClient,
  res: Response,
  id: string,
  allowed: () => Promise<Refusal | null>,
): Promise<'done' | 'gone' | Refusal> {
  const changes = new ExportChanges(services, id);
  // A client that goes away ends the wait at once.
  const stop = () => changes.close();
  res.once('close', stop);
  let attempt: string | null = null;
  let next = 0;
  let sent = 0;
  try {
    for (;;) {
      changes.clear();
      const state = await readState(client, id);
      if (!state) return { status: 404, name: 'not_found', message: 'Export not found.' };
      if (state.status === ExportStatus.FAILED) return { status: 409, name: 'export_not_ready', message: 'This export failed.' };
      if (state.status !== ExportStatus.READY && state.status !== ExportStatus.PROCESSING) {
        return { status: 409, name: 'export_not_ready', message: `This export is ${state.status.toLowerCase()}.` };
      }
      const target = state.status === ExportStatus.READY ? state.file_attempt : state.writing_attempt;
      if (target !== attempt) {
        // Another attempt writes (or wrote) the file: its rows may differ from those sent.
        if (sent > 0) return { status: 409, name: 'export_restarted', message: 'The export was restarted while it was downloaded: download it again.' };
        attempt = target;
        next = 0;
      }
      if (!attempt) {
        await changes.wait(FOLLOW_POLL_MS);
        if (res.destroyed || changes.stopped) return 'gone';
        continue;
      }
      // While new chunks come, each wake-up reads them without asking for the state again: an
      // attempt that stops writing is found out at the first read that finds nothing, and one
      // that writes on but is not the attempt kept, at READY.
      let woken = false;
      for (;;) {
        // The caller may have lost the right to download since the last chunks were sent.
        const refused = await allowed();
        if (refused) return refused;
        // Once READY, the rest in one read from PostgreSQL (not all of it may be held).
        const got =
          state.status === ExportStatus.READY
            ? await sendChunks(client, res, id, attempt, next)
            : ((await sendHeld(changes, res, attempt, next)) ?? (await sendChunks(client, res, id, attempt, next)));
        if (got === 'gone') return 'gone';
        next += got.chunks;
        sent += got.bytes;
        if (state.status === ExportStatus.READY) {
          // Every chunk was committed before READY: all of them have been read now.
          if (sent !== state.file_size) return { status: 500, name: 'internal_server_error', message: `Sent ${sent} bytes of ${state.file_size}.` };
          return 'done';
        }
        if (got.chunks === 0) break;
        await changes.wait(FOLLOW_POLL_MS);
        if (res.destroyed || changes.stopped) return 'gone';
        changes.clear();
        woken = true;
      }
      // A wake-up that brought no chunk is most likely the state's change (READY, the attempt
      // given up): read it at once. Waiting here slept out a whole poll after READY, as the
      // notification that woke the read above was already spent (every download ended 250 ms late).
      if (woken) continue;
      await changes.wait(FOLLOW_POLL_MS);
      if (res.destroyed || changes.stopped) return 'gone';
    }
  } finally {
    res.off('close', stop);
    changes.close();
  }
}

/** The chunks from `from` on that this instance committed and handed over, if it holds `from`. */
async function sendHeld(changes: ExportChanges, res: Response, attempt: string, from: number): Promise<{ chunks: number; bytes: number } | 'gone' | undefined> {
  let chunks = 0;
  let bytes = 0;
  for (let data = changes.take(attempt, from); data; data = changes.take(attempt, from + chunks)) {
    if (!res.write(data)) await drainedOrClosed(res);
    if (res.destroyed) return 'gone';
    chunks++;
    bytes += data.length;
  }
  return chunks ? { chunks, bytes } : undefined;
}

/** A READY export's file, whose size must be exactly what was sent. */
async function sendFile(client: PoolClient, res: Response, exp: Export): Promise<'done' | 'gone' | Refusal> {
  const got = await sendChunks(client, res, exp.id, exp.fileAttempt!, 0);
  if (got === 'gone') return got;
  if (exp.fileSize != null && got.bytes !== exp.fileSize) {
    // Expired since it was found READY (while the download waited for a slot): the sweep deleted
    // its file, and the download answered 500 "Sent 0 bytes of …" rather than 410.
    const now = await readState(client, exp.id);
    if (!now) return { status: 404, name: 'not_found', message: 'Export not found.' };
    if (now.status === ExportStatus.EXPIRED) return EXPIRED;
    return { status: 500, name: 'internal_server_error', message: `Sent ${got.bytes} bytes of ${exp.fileSize}.` };
  }
  return 'done';
}

/**
 * Sends one attempt's chunks from seq `from` on, in order, as raw bytes: binary COPY sends bytea
 * as stored, with no text encoding to make on the server or undo here, and reads only as fast as
 * the client takes the file. (node-postgres's per-query `binary` mode would decode each field as
 * UTF-8 text instead.)
 */
async function sendChunks(client: PoolClient, res: Response, id: string, attempt: string, from: number): Promise<{ chunks: number; bytes: number } | 'gone'> {
  const copy = client.query(
    new CopyOut(
      `copy (select data from export_chunk where export_id = ${escapeLiteral(id)} and attempt = ${escapeLiteral(attempt)} and seq >= ${Number(from)} order by seq) to stdout (format binary)`,
    ),
  );
  let chunks = 0;
  let bytes = 0;
  for await (const piece of binaryCopyValues(copy, () => chunks++)) {
    bytes += piece.length;
    // A client that goes away mid-file must not leave this loop waiting for 'drain' forever.
    if (!res.write(piece)) await drainedOrClosed(res);
    if (res.destroyed) {
      copy.destroy();
      return 'gone';
    }
  }
  return { chunks, bytes };
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise<void>((resolve) => {
    // The client may have gone before this write: its 'close' has been emitted already.
    if (res.destroyed) return resolve();
    // One that has not taken this write (a chunk, up to 1 MB) after res.locals.stallMs is cut
    // (EXPORT_DOWNLOAD_STALL_SECONDS): four clients that opened links and stopped reading held an
    // instance's every download slot for as long as they stayed connected.
    const stalled = setTimeout(() => {
      res.locals.stalled = true;
      res.destroy();
    }, res.locals.stallMs);
    const done = () => {
      clearTimeout(stalled);
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export const fileName = (exp: Export) =>
  `keyring-${exp.resource.toLowerCase().replace('_', '-')}-${exp.createdAt.toISOString().slice(0, 10)}-${exp.id.slice(0, 8)}.csv`;
