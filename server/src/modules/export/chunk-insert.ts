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
/** A frontend message: its type byte, its length, its body. */
const message = (type: string, ...body: Buffer[]) => {
  const length = body.reduce((n, b) => n + b.length, 4);
  const head = Buffer.alloc(5);
  head.write(type, 0);
  head.writeInt32BE(length, 1);
  return Buffer.concat([head, ...body]);
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
 * into a new buffer of the chunk's size. Those copies, 256 KB each and alive until the socket took
 * them, outlived young-generation collections and kept V8 marking the whole old generation: ~10
 * full collections per million-row export in a bare process, ~20 in the server (2026-12-04,
 * `--trace-gc`), a third of the server's CPU during an export.
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
    const bindLength = 4 + bodyBefore.length + data.length + 2;
    const bindHead = Buffer.alloc(5);
    bindHead.write('B', 0);
    bindHead.writeInt32BE(bindLength, 1);
    this.head = Buffer.concat([fixedParts().parse, bindHead, bodyBefore]);
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
