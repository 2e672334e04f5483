import type { Request, Response } from 'express';
import { authenticateRequest } from '../auth/authenticate.js';
import type { Actor } from '../../graphql/context.js';
import type { Services } from '../../services.js';
import { Export, ExportStatus, effectiveStatus } from './export.entity.js';
import { findExport } from './export.service.js';

const fail = (res: Response, statusCode: number, name: string, message: string) =>
  res.status(statusCode).json({ statusCode, name, message });

/**
 * GET /api/exports/:id/download — the CSV, streamed chunk by chunk from PostgreSQL.
 * A session (the emailed link opens in the browser) or a full-access key; admins only.
 */
export function exportDownload(services: Services) {
  return async (req: Request, res: Response) => {
    const em = services.orm.em.fork();
    let actor: Actor | null;
    try {
      actor = await authenticateRequest(em, services, req);
    } catch {
      return fail(res, 403, 'invalid_api_key', 'API key is invalid.');
    }
    if (!actor) return fail(res, 401, 'missing_api_key', 'Sign in or send a full-access API key to download exports.');
    const exp = await findExport(em, actor.teamId, String(req.params.id));
    if (!exp) return fail(res, 404, 'not_found', 'Export not found.');
    const admin = actor.kind === 'apiKey' ? actor.permission === 'FULL_ACCESS' : actor.role === 'ADMIN';
    if (!admin) return fail(res, 403, 'forbidden', 'Only admins can download exports.');
    const status = effectiveStatus(exp);
    if (status === ExportStatus.EXPIRED) return fail(res, 410, 'export_expired', 'This export has expired: downloads work for 7 days.');
    if (status !== ExportStatus.READY || !exp.fileAttempt) {
      return fail(res, 409, 'export_not_ready', status === ExportStatus.FAILED ? 'This export failed.' : 'This export is still being prepared.');
    }
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${fileName(exp)}"`);
    res.setHeader('cache-control', 'private, no-store');
    if (exp.fileSize !== null && exp.fileSize !== undefined) res.setHeader('content-length', String(exp.fileSize));
    // One chunk at a time, the next read while this one is sent: memory stays flat for any size.
    // The bytes travel as base64 text and are decoded here. (node-postgres's per-query `binary`
    // result mode would decode each field as UTF-8 text: a chunk ending inside a multibyte
    // character would come out as U+FFFD. Base64 is a third smaller on the wire than bytea's hex.)
    const chunk = (seq: number) =>
      services.pool
        .query<{ data: string }>(`select encode(data, 'base64') as data from export_chunk where export_id = $1 and attempt = $2 and seq = $3`, [
          exp.id,
          exp.fileAttempt,
          seq,
        ])
        .then((r) => r.rows.map((row) => ({ data: Buffer.from(row.data, 'base64') })));
    let next = chunk(0);
    for (let seq = 0; ; seq++) {
      const rows = await next;
      if (rows.length === 0) break;
      next = chunk(seq + 1);
      // A client that goes away mid-file must not leave this loop waiting for 'drain' forever.
      if (!res.write(rows[0].data)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
      if (res.destroyed) {
        next.catch(() => undefined);
        return;
      }
    }
    res.end();
  };
}

export const fileName = (exp: Export) =>
  `keyring-${exp.resource.toLowerCase().replace('_', '-')}-${exp.createdAt.toISOString().slice(0, 10)}-${exp.id.slice(0, 8)}.csv`;
