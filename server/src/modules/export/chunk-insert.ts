import type { Connection } from 'pg';

const SQL = 'insert into export_chunk (export_id, attempt, seq, data) values ($1, $2, $3, $4)';
/** Parameter types: uuid, uuid, int4, bytea (pg_type oids). */
const PARAM_TYPES = [2950, 2950, 23, 17];
const BINARY = 1;

const cstring = (s: string) => Buffer.from(`${s}\0`);
const uuidBytes = (id: string) => {
  const hex = id.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a uuid: ${id}`);
  return Buffer.from(hex, 'hex');
};
/** A frontend message's first 5 bytes: its type, and its length (which counts itself, not the type). */
const messageHead = (type: string, bodyLength: number) => {
  const head = Buffer.alloc(5);
  head.write(type, 0);
  head.writeInt32BE(4 + bodyLength, 1);
  return head;
};
/** A whole frontend message. */
const message = (type: string, ...body: Buffer[]) => {
  const length = body.reduce((n, b) => n + b.length, 0);
  return Buffer.concat([messageHead(type, length), ...body]);
};
const int16 = (...ns: number[]) => {
  const b = Buffer.alloc(2 * ns.length);
  for (const [i, n] of ns.entries()) b.writeInt16BE(n, 2 * i);
  return b;
};
const int32 = (...ns: number[]) => {
  const b = Buffer.alloc(4 * ns.length);
  for (const [i, n] of ns.entries()) b.writeInt32BE(n, 4 * i);
  return b;
};

/**
 * The same for every chunk, made at the first: Parse of the insert (the unnamed statement), and
 * what follows the chunk's bytes (no result formats, then Execute of all rows, and Sync).
 */
let fixed: { parse: Buffer; trailer: Buffer } | undefined;
const fixedParts = () =>
  (fixed ??= {
    parse: message('P', cstring(''), cstring(SQL), int16(PARAM_TYPES.length), int32(...PARAM_TYPES)),
    trailer: Buffer.concat([int16(0), message('E', cstring(''), int32(0)), message('S')]),
  });

/**
 * One export chunk inserted as node-postgres' `insert … values ($1, $2, $3, $4)` would be, but
 * with the chunk's bytes written to the socket from the caller's buffer, which pg would first copy
 * into a new buffer of the chunk's size (256 KB a chunk, 147 MB allocated and copied per million-row
 * export). Measured 2026-12-04 in a bare process: 688–994 ms of CPU for the writer's side of such an
 * export against 815–1,192 ms through pg's query. (The full collections that took a third of the
 * server's CPU during an export were not these copies': they went with HEAP_GROWING_PERCENT.)
 *
 * Extended protocol: Parse, Bind (all parameters binary), Execute, Sync; PostgreSQL answers
 * ParseComplete, BindComplete, CommandComplete and ReadyForQuery (or ErrorResponse, then
 * ReadyForQuery), which pg hands to the handle* methods. `data` must not change until `done`
 * settles: the socket may still hold it until then.
 */
export class ChunkInsert {
  readonly done: Promise<void>;
  /** pg calls it, if set, like a query's callback (when a query_timeout is configured). */
  callback?: (err: Error | null) => void;
  private settle!: (err: Error | null) => void;
  private readonly head: Buffer;

  constructor(
    exportId: string,
    attempt: string,
    seq: number,
    private readonly data: Buffer,
  ) {
    // pg reports each query's end once: an ErrorResponse clears the active query before its
    // ReadyForQuery (and a query_timeout has pg call the callback itself, then replace it).
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (err) => {
        this.callback?.(err);
        if (err) reject(err);
        else resolve();
      };
    });
    const params = [int32(16), uuidBytes(exportId), int32(16), uuidBytes(attempt), int32(4, seq)];
    const bodyBefore = Buffer.concat([cstring(''), cstring(''), int16(1, BINARY), int16(PARAM_TYPES.length), ...params, int32(data.length)]);
    // Bind's body: what comes before the chunk's bytes, the bytes, and the trailer's 2-byte result-format count.
    this.head = Buffer.concat([fixedParts().parse, messageHead('B', bodyBefore.length + data.length + 2), bodyBefore]);
  }

  /** pg: the query's turn on this connection. */
  submit(connection: Connection): void {
    const socket = connection.stream;
    socket.cork();
    socket.write(this.head);
    socket.write(this.data);
    socket.write(fixedParts().trailer);
    socket.uncork();
  }

  handleError(err: Error): void {
    this.settle(err);
  }

  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}

  handleReadyForQuery(): void {
    this.settle(null);
  }
}
