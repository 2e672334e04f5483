import type pg from 'pg';
import { CopyOut } from '../../lib/copy-out.js';
import { ChunkInsert } from './chunk-insert.js';

/**
 * The size of a stored chunk. PostgreSQL's CPU per stored byte rises about five-fold between 384 KB
 * and 512 KB a value (measured 2026-12-04 on PostgreSQL 18, 147 MB inserted as bytea: 370–440 ms of
 * backend CPU in 192–384 KB chunks, 1,760–2,210 ms in 512 KB–1 MB ones, where perf found about
 * half of the backend's time in page faults on memory taken afresh for each value), so chunks
 * stay well below that.
 */
export const CHUNK_BYTES = 256 << 10;
/** How often a long export asks whether another attempt has finished first: every 4 MB. */
const CHECK_EVERY_CHUNKS = (4 << 20) / CHUNK_BYTES;
const QUOTE = 0x22;
const NEWLINE = 0x0a;

/**
 * Counts CSV records in a stream of bytes: newlines outside quoted fields. Jumps from quote to
 * quote with indexOf (memchr), so a 100 MB file costs milliseconds, not a loop over every byte.
 */
export class RecordCounter {
  private inQuotes = false;
  records = 0;

  push(buf: Buffer): void {
    let i = 0;
    while (i < buf.length) {
      const quote = buf.indexOf(QUOTE, i);
      const end = quote === -1 ? buf.length : quote;
      if (!this.inQuotes) {
        for (let nl = buf.indexOf(NEWLINE, i); nl !== -1 && nl < end; nl = buf.indexOf(NEWLINE, nl + 1)) this.records++;
      }
      if (quote === -1) return;
      // An escaped quote ("") toggles twice: still inside the field.
      this.inQuotes = !this.inQuotes;
      i = quote + 1;
    }
  }
}

/**
 * Streams `COPY (query) TO STDOUT` — PostgreSQL's own RFC 4180 CSV writer — for each query in turn into 256 KB chunks
 * stored in export_chunk under one attempt id. Memory stays flat whatever the row count: the copy
 * stream is read with back-pressure while each chunk is written.
 */
export async function writeCsv(opts: {
  /** Streams the COPY (export.connections.ts). */
  copy: pg.PoolClient;
  /** Inserts the chunks meanwhile. */
  writer: pg.PoolClient;
  /** Called when the COPY is stopped midway: its connection cannot be reused. */
  discard: () => void;
  exportId: string;
  attempt: string;
  /** SELECTs whose rows follow one another in the file (one header, from the first). */
  queries: string[];
  onProgress: (rows: number) => void;
  /** Asked after each chunk; false stops the copy (another attempt finished first). */
  stillWanted: () => Promise<boolean>;
  /**
   * Called once each chunk is committed (chunks commit one at a time, in order), with its bytes:
   * valid only during the call (the buffer is filled again afterwards). Downloads follow them.
   */
  onChunk?: (seq: number, data: Buffer) => void;
}): Promise<{ rows: number; bytes: number } | null> {
  const { copy: client, writer } = opts;
  const counter = new RecordCounter();
  // Two chunk buffers, filled in turn: one is being inserted while the next fills, and neither is
  // allocated again, so the garbage collector sees no new megabytes per chunk.
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  let current = buffers[0];
  let filled = 0;
  let seq = 0;
  let bytes = 0;
  let inFlight: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    if (filled === 0) return;
    // The other buffer's insert must be done before that buffer is filled again.
    await inFlight;
    const chunk = seq++;
    const data = current.subarray(0, filled);
    inFlight = writer.query(new ChunkInsert(opts.exportId, opts.attempt, chunk, data)).done.then(() => opts.onChunk?.(chunk, data));
    // Awaited at the next flush or the end; meanwhile a failure must not be an unhandled rejection.
    inFlight.catch(() => undefined);
    current = buffers[seq % 2];
    filled = 0;
  };
  try {
    await client.query(`set statement_timeout = 0`);
    for (const [i, query] of opts.queries.entries()) {
      const stream = client.query(new CopyOut(`copy (${query}) to stdout with (format csv, header ${i === 0}, encoding 'UTF8')`));
      for await (const buf of stream as AsyncIterable<Buffer>) {
        counter.push(buf);
        bytes += buf.length;
        let offset = 0;
        while (offset < buf.length) {
          const n = buf.copy(current, filled, offset);
          filled += n;
          offset += n;
          if (filled < CHUNK_BYTES) break;
          await flush();
          if (seq % CHECK_EVERY_CHUNKS === 0 && !(await opts.stillWanted())) {
            await inFlight;
            stream.destroy();
            opts.discard();
            return null;
          }
        }
        opts.onProgress(Math.max(0, counter.records - 1));
      }
    }
    await flush();
    await inFlight;
    const rows = Math.max(0, counter.records - 1);
    opts.onProgress(rows);
    return { rows, bytes };
  } finally {
    await inFlight.catch(() => undefined);
  }
}
