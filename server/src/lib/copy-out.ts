import { Readable } from 'node:stream';
import type { Connection } from 'pg';

/** Backend messages a COPY TO STDOUT can interleave (PostgreSQL protocol, "COPY Operations"). */
const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const ERROR_RESPONSE = 0x45; // 'E'
const HEADER_BYTES = 5; // a type byte and a 4-byte length that counts itself

type Socket = Omit<NodeJS.ReadableStream, 'read'> & { read(): Buffer | null };
type DataHandler = (chunk: Buffer) => void;

/**
 * `COPY … TO STDOUT` as a readable stream of the copied bytes, one Buffer per socket read, for
 * `client.query(new CopyOut(sql))`. Like pg-copy-streams' `to`, it reads the connection's socket
 * itself while the COPY runs (pg would make an object of every row's message) and gives it back to
 * pg at CopyDone or an ErrorResponse. Unlike it, it makes no Buffer per row: each socket read
 * belongs to this stream alone, so the rows' bytes are moved together in it (`copyWithin` over the
 * 5-byte message headers) and the read is pushed as one piece. A 1M-row export is 1M messages.
 */
export class CopyOut extends Readable {
  private socket: Socket | null = null;
  private pgHandler: DataHandler | null = null;
  /** The current message: its type and how many of its bytes are still to come. */
  private type = 0;
  private left = 0;
  /** A header cut in two by a socket read: the bytes of it seen so far. */
  private header = Buffer.alloc(HEADER_BYTES);
  private headerHave = 0;
  private wanted = false;
  private readonly onReadable = () => this.forward();

  constructor(readonly text: string) {
    super();
  }

  /** Called by pg when the query's turn comes; an error returned fails the query (pg calls handleError). */
  submit(connection: Connection): Error | undefined {
    const socket = connection.stream as unknown as Socket;
    const handlers = socket.listeners('data') as DataHandler[];
    if (handlers.length !== 1) return new Error(`CopyOut expects pg's one data listener, found ${handlers.length}`);
    this.socket = socket;
    this.pgHandler = handlers[0];
    socket.removeListener('data', this.pgHandler);
    socket.pause();
    socket.on('readable', this.onReadable);
    connection.query(this.text);
    return undefined;
  }

  override _read(): void {
    this.wanted = true;
    this.forward();
  }

  /**
   * Reads the socket while the stream wants more (push said so) and the COPY is on. Unguarded
   * against re-entry: a push that made a consumer read at once would only read the next socket
   * chunk sooner, as every read is parsed whole before it is pushed.
   */
  private forward(): void {
    while (this.wanted && this.socket) {
      const chunk = this.socket.read();
      if (chunk === null) return;
      this.parse(chunk);
    }
  }

  /** Moves the CopyData payloads of one socket read to its front and pushes them as one piece. */
  private parse(buf: Buffer): void {
    let read = 0;
    let write = 0;
    while (read < buf.length) {
      if (this.left > 0) {
        const n = Math.min(this.left, buf.length - read);
        if (this.type === COPY_DATA) {
          if (write !== read) buf.copyWithin(write, read, read + n);
          write += n;
        }
        read += n;
        this.left -= n;
        continue;
      }
      if (this.headerHave === 0 && buf[read] === ERROR_RESPONSE) {
        // pg reads the error (and what follows) and fails the query through handleError.
        this.finish(buf, write, read, false);
        return;
      }
      if (this.headerHave === 0 && buf.length - read >= HEADER_BYTES) {
        this.type = buf[read];
        this.left = buf.readUInt32BE(read + 1) - 4;
        read += HEADER_BYTES;
      } else {
        const n = Math.min(HEADER_BYTES - this.headerHave, buf.length - read);
        buf.copy(this.header, this.headerHave, read, read + n);
        this.headerHave += n;
        read += n;
        if (this.headerHave < HEADER_BYTES) break;
        this.headerHave = 0;
        this.type = this.header[0];
        this.left = this.header.readUInt32BE(1) - 4;
      }
      // CopyOutResponse, NoticeResponse, ParameterStatus and NotificationResponse may come between
      // rows: their bytes are skipped. CopyDone (no body) ends the copy: pg reads CommandComplete onwards.
      if (this.type === COPY_DONE) {
        this.finish(buf, write, read, true);
        return;
      }
    }
    // An empty push (a read of headers only) adds nothing and says whether to read on.
    this.wanted = this.push(buf.subarray(0, write));
  }

  /** Pushes what was copied and gives pg its socket back, with the bytes from `rest` on. */
  private finish(buf: Buffer, write: number, rest: number, done: boolean): void {
    this.push(buf.subarray(0, write));
    const socket = this.socket!;
    const handler = this.pgHandler!;
    // No more reads of the socket (forward stops), whatever the consumer asks.
    this.socket = null;
    // With its last 'readable' listener gone and a 'data' listener on, the socket flows again by
    // itself (on the next tick, as Node documents for 'readable'): pg reads the rest as before.
    socket.removeListener('readable', this.onReadable);
    socket.on('data', handler);
    if (rest < buf.length) handler(buf.subarray(rest));
    if (done) this.push(null);
  }

  /** pg: the query failed (an ErrorResponse, or the connection broke). */
  handleError(err: Error): void {
    this.destroy(err);
  }

  /** pg: CommandComplete ("COPY n"; the caller counts what it reads). */
  handleCommandComplete(): void {}

  /** pg: the connection is ready for the next query. */
  handleReadyForQuery(): void {}
}
