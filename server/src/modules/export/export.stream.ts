import { EventEmitter } from 'node:events';
import type { Services } from '../../services.js';
import { CHUNK_BYTES } from './export.file.js';

/**
 * Chunks committed by the exports this instance writes, by export id, with their bytes: a
 * download of a PROCESSING export on the same instance sends each new chunk from memory, as soon
 * as it is committed, instead of reading it back from PostgreSQL (which cost the database and
 * this process as much CPU again as the download of a finished file). Downloads on other
 * instances hear the export's progress NOTIFY (every 250 ms while rows come), poll besides, and
 * read the chunks from PostgreSQL.
 */
type Committed = { attempt: string; seq: number; data: Buffer };
/** One per instance (several may share a process, as in tests), keyed by its notifier. */
const emitters = new WeakMap<Services['notifier'], EventEmitter>();
const committedOn = (services: Services) => {
  let emitter = emitters.get(services.notifier);
  if (!emitter) {
    emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    emitters.set(services.notifier, emitter);
  }
  return emitter;
};

export const chunkCommitted = (services: Services, exportId: string, attempt: string, seq: number, data: Buffer) => {
  const committed = committedOn(services);
  // Copied only when a download of it listens here: the writer fills the buffer again next.
  if (committed.listenerCount(exportId)) committed.emit(exportId, { attempt, seq, data: Buffer.from(data) } satisfies Committed);
};

/** Chunks a follower keeps in memory at most (8 MB); past that it reads them from PostgreSQL. */
export const HELD_CHUNKS = (8 << 20) / CHUNK_BYTES;

/** How long a follower sleeps at most when nothing told it of a new chunk (another instance writes). */
export const FOLLOW_POLL_MS = 250;

/**
 * Wakes a follower of one export when a chunk is committed on this instance or a progress
 * notification comes from any instance. Set before reading, so that a chunk committed while the
 * follower read is not missed: `wait` then returns at once.
 */
export class ExportChanges {
  private pending = false;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly offs: (() => void)[];
  /** Chunks committed on this instance since this follower listened, oldest first. */
  private held: Committed[] = [];

  constructor(services: Services, exportId: string) {
    const poke = () => {
      this.pending = true;
      this.wake?.();
    };
    const onChunk = (c: Committed) => {
      if (this.held.length < HELD_CHUNKS) this.held.push(c);
      poke();
    };
    const committed = committedOn(services);
    committed.on(exportId, onChunk);
    const offNotify = services.notifier.on('export_progress', (id) => id === exportId && poke());
    this.offs = [() => committed.off(exportId, onChunk), offNotify];
  }

  /**
   * The chunk `seq` of `attempt` if this instance committed it since the follower listened and
   * it is still held; drops what comes before it. Undefined: read it from PostgreSQL.
   */
  take(attempt: string, seq: number): Buffer | undefined {
    while (this.held.length && (this.held[0].attempt !== attempt || this.held[0].seq < seq)) this.held.shift();
    const first = this.held[0];
    if (first?.seq !== seq) return undefined;
    this.held.shift();
    return first.data;
  }

  /** Forgets what happened so far: called just before reading the export's state. */
  clear(): void {
    this.pending = false;
  }

  /** Until something happened since `clear`, `ms` passed, or it is closed (the client went away). */
  wait(ms: number): Promise<void> {
    if (this.pending || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** Closed: the follower stops (its client went away). */
  get stopped(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.held = [];
    for (const off of this.offs) off();
    this.wake?.();
  }
}
