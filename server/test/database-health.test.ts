import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseHealth } from '../src/db/health.js';
import { createLogger } from '../src/logger.js';
import { createTestDatabase } from './harness.js';

/*
 * The database check must not take a busy process for a database outage: a dozen large REST
 * responses of about 200 ms each kept the answer of its `select 1` unread past its timeout, the
 * instance cut every connection and answered 503 to everyone while PostgreSQL was fine.
 */
let url: string;
beforeAll(async () => {
  url = await createTestDatabase('health');
});

const health: DatabaseHealth[] = [];
afterAll(async () => {
  for (const h of health) await h.close();
});

/** Keeps the event loop busy in slices of `sliceMs`, letting I/O through between them, for `totalMs`. */
function busyFor(totalMs: number, sliceMs: number): Promise<void> {
  const until = Date.now() + totalMs;
  return new Promise((resolve) => {
    const slice = () => {
      const end = Math.min(until, Date.now() + sliceMs);
      while (Date.now() < end) {
        // busy: as a large response being serialised
      }
      if (Date.now() >= until) resolve();
      else setImmediate(slice);
    };
    setImmediate(slice);
  });
}

describe('DatabaseHealth while this process is busy', () => {
  it('reaches no verdict (the database stays up) when the loop was busy most of the check', async () => {
    const h = new DatabaseHealth(url, createLogger('silent'), { timeoutMs: 300, heartbeatMs: 60_000, retryMs: 60_000 });
    health.push(h);
    let downs = 0;
    h.on('down', () => downs++);
    const busy = busyFor(1500, 150);
    await h.check();
    await busy;
    expect(downs).toBe(0);
    expect(h.up).toBe(true);
  });

  it('still finds a database that does not answer, when the loop is idle', async () => {
    const h = new DatabaseHealth('postgres://nobody:x@127.0.0.1:1/nothing', createLogger('silent'), { timeoutMs: 300, heartbeatMs: 60_000, retryMs: 60_000 });
    health.push(h);
    await h.check();
    expect(h.up).toBe(false);
  });
});
