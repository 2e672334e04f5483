import type { Request, Response } from 'express';
import { escapeLiteral, type PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { binaryCopyValues } from '../../lib/binary-copy.js';
import { AppError, ErrorCode } from '../../errors.js';
import { canManage } from '../auth/actor.js';
import { type Admission, credentialsOf, finishWhenDone } from '../auth/gate.js';
import { writeRestError } from '../../rest/errors.js';
import type { Services } from '../../services.js';
import { DOWNLOAD_DAYS, Export, ExportStatus, effectiveStatus } from './export.entity.js';
import { findExport } from './export.service.js';

/** Answers with the REST API's error body, kept for the usage log. */
const fail = (res: Response, statusCode: number, name: string, message: string) => {
  res.locals.errorBody = writeRestError(res, statusCode, name, message);
};

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
      if (e.headers) res.set(e.headers);
      return e.code === ErrorCode.RATE_LIMITED ? fail(res, 429, 'rate_limit_exceeded', e.message) : fail(res, 403, 'invalid_api_key', 'API key is invalid.');
    }
    // Made with a key, the download is logged and counted like any other request of that key.
    finishWhenDone(admission, req, res, 'close', () => ({
      requestBody: null,
      responseBody: res.statusCode === 200 ? { downloaded: res.writableFinished } : (res.locals.errorBody ?? null),
    }));
    res.set(admission.headers);
    if (admission.refusal) return fail(res, 429, 'rate_limit_exceeded', admission.refusal.message);
    const actor = admission.actor;
    if (!actor) return fail(res, 401, 'missing_api_key', 'Sign in or send a full-access API key to download exports.');
    const exp = await findExport(em, actor.teamId, String(req.params.id));
    if (!exp) return fail(res, 404, 'not_found', 'Export not found.');
    if (!canManage(actor)) return fail(res, 403, 'forbidden', 'Only admins can download exports.');
    const status = effectiveStatus(exp);
    if (status === ExportStatus.EXPIRED) return fail(res, 410, 'export_expired', `This export has expired: downloads work for ${DOWNLOAD_DAYS} days.`);
    if (status !== ExportStatus.READY || !exp.fileAttempt) {
      return fail(res, 409, 'export_not_ready', status === ExportStatus.FAILED ? 'This export failed.' : 'This export is still being prepared.');
    }
    // Waits here while every download connection is busy, then gives up with a clear answer.
    let client: PoolClient;
    try {
      client = await services.downloadPool.connect();
    } catch (err) {
      services.logger.warn({ err, exportId: exp.id }, 'no free export download slot');
      const retry = Math.max(1, Math.ceil(services.config.EXPORT_DOWNLOAD_WAIT_SECONDS));
      res.setHeader('retry-after', String(retry));
      return fail(res, 503, 'service_unavailable', `Every download slot of this server is busy: retry in ${retry} second${retry === 1 ? '' : 's'}.`);
    }
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${fileName(exp)}"`);
    res.setHeader('cache-control', 'private, no-store');
    if (exp.fileSize !== null && exp.fileSize !== undefined) res.setHeader('content-length', String(exp.fileSize));
    // The chunks in order, as raw bytes: binary COPY sends bytea as stored, with no text encoding
    // to make on the server or undo here, and reads only as fast as the client takes the file.
    // (node-postgres's per-query `binary` mode would decode each field as UTF-8 text instead.)
    const copy = client.query(
      copyTo(
        `copy (select data from export_chunk where export_id = ${escapeLiteral(exp.id)} and attempt = ${escapeLiteral(exp.fileAttempt)} order by seq) to stdout (format binary)`,
      ),
    );
    let broken: Error | undefined;
    try {
      for await (const bytes of binaryCopyValues(copy)) {
        // A client that goes away mid-file must not leave this loop waiting for 'drain' forever.
        if (!res.write(bytes)) await drainedOrClosed(res);
        if (res.destroyed) {
          broken = new Error('client went away');
          copy.destroy();
          return;
        }
      }
    } catch (err) {
      // Headers are sent: all that is left is to cut the response short, so the client sees an incomplete file.
      broken = err as Error;
      services.logger.error({ err, exportId: exp.id }, 'export download failed');
      res.destroy();
      return;
    } finally {
      // A connection left in the middle of a COPY is closed rather than reused.
      client.release(broken);
    }
    res.end();
  };
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise<void>((resolve) => {
    // The client may have gone before this write: its 'close' has been emitted already.
    if (res.destroyed) return resolve();
    const done = () => {
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
