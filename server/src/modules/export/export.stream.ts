import { EventEmitter } from 'node:events';
import type { Services } from '../../services.js';

/**
 * Chunks committed by the exports this instance writes, by export id: a download of a PROCESSING
 * export on the same instance reads each new chunk at once. Downloads on other instances hear the
 * export's progress NOTIFY (every 250 ms while rows come) and poll besides.
 */
const committed = new EventEmitter();
committed.setMaxListeners(0);

export const chunkCommitted = (exportId: string) => committed.emit(exportId);

/** How long a follower sleeps at most when nothing told it of a new chunk (another instance writes). */
export const FOLLOW_POLL_MS = 250;

/**
 * Wakes a follower of one export when a chunk is committed on this instance or a progress
 * notification comes from any instance. Set before reading, so that a chunk committed while the
 * follower read is not missed: `wait` then returns at once.
 */
export class ExportChanges {
  private pending = false;
  private wake: (() => void) | undefined;
  private readonly offs: (() => void)[];

  constructor(services: Services, exportId: string) {
    const poke = () => {
      this.pending = true;
      this.wake?.();
    };
    committed.on(exportId, poke);
    const offNotify = services.notifier.on('export_progress', (id) => id === exportId && poke());
    this.offs = [() => committed.off(exportId, poke), offNotify];
  }

  /** Forgets what happened so far: called just before reading the export's state. */
  clear(): void {
    this.pending = false;
  }

  /** Until something happened since `clear`, `ms` passed, or `abort` resolves. */
  wait(ms: number, abort?: Promise<unknown>): Promise<void> {
    if (this.pending) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      abort?.then(done, done);
    });
  }

  close(): void {
    for (const off of this.offs) off();
    this.wake?.();
  }
}
