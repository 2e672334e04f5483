import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { isDatabaseUnavailable } from '../../db/connection.js';
import type { DatabaseHealth } from '../../db/health.js';
import { withoutNul } from '../../lib/nul.js';
import type { Logger } from '../../logger.js';
import { redactText } from './redact.js';
import { WRITE_USAGE_LOGS } from './usage-rollup.js';

export type UsageEntry = {
  teamId: string;
  apiKeyId: string;
  method: string;
  endpoint: string;
  statusCode: number;
  userAgent: string | null;
  durationMs: number;
  requestBody: unknown;
  responseBody: unknown;
  createdAt: Date;
  /** How many requests the entry stands for: 1 unless it sums up refused ones (the gate's rate-limit summary). */
  requests?: number;
};

export type RecorderOptions = {
  intervalMs: number;
  maxBatch: number;
  /** At most this many entries wait in memory (while the database is unreachable, say). */
  maxEntries: number;
  /** At most this many characters of serialized entries; past half of it, new entries lose their bodies. */
  maxBytes: number;
  /** When given, nothing is tried while the database is down, and everything is written as soon as it is back. */
  health?: DatabaseHealth;
  /** Told how long each successful write took and how many entries it wrote (metrics). */
  onWrite?: (ms: number, entries: number) => void;
};

const DEFAULTS: RecorderOptions = { intervalMs: 250, maxBatch: 1000, maxEntries: 100_000, maxBytes: 64 * 1024 * 1024 };
const MAX_BACKOFF_MS = 5000;
const QUIET_MS = 10_000;

/** What the recorder has had to give up, since start (for metrics and tests). */
export type RecorderStats = {
  written: number;
  /** Entries kept without their request and response bodies because the buffer was over half full. */
  bodiesShed: number;
  /** Entries dropped because the buffer was full. */
  entriesShed: number;
  /** Entries kept without their bodies because PostgreSQL refused them. */
  keptWithoutBodies: number;
  /** Entries dropped because PostgreSQL refused them even without bodies. */
  refused: number;
};

/**
 * Buffers usage logs off the request path and writes them in batches: one statement inserts
 * the logs and adds them to every key's lastUsedAt and requestCount, so counters never drift
 * from the logs. Entries are serialized when recorded and written several times a
 * second, so they die young instead of piling up for the garbage collector. A graceful shutdown
 * flushes whatever is left.
 *
 * Failures: a write that fails for a passing reason (the database unreachable, a timeout, a
 * deadlock) keeps its entries and is tried again with backoff — at once when the database is back.
 * One that PostgreSQL refuses for what it holds (encoding, a value out of range, a constraint) is
 * never retried as is: its entries are written one by one, a refused one again without its bodies,
 * then dropped with an error log, and the rest of the batch goes through.
 *
 * Bounds, while the database is away: past half of `maxBytes`, new entries are kept without their
 * bodies (the request is still logged and counted); at `maxEntries` entries or `maxBytes`, new
 * entries are dropped. Both are counted (`stats`) and logged, at most once every 10 s.
 */
export class UsageRecorder {
  /** Entries serialized as they are recorded: the buffer holds flat strings. */
  private buffer: string[] = [];
  private chars = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly opts: RecorderOptions;
  private retryAt = 0;
  private backoffMs: number;
  private failingSince = 0;
  private quietUntil = 0;
  private shedSinceLog = { bodies: 0, entries: 0 };
  readonly stats: RecorderStats = { written: 0, bodiesShed: 0, entriesShed: 0, keptWithoutBodies: 0, refused: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    opts: Partial<RecorderOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
    this.backoffMs = this.opts.intervalMs;
    this.timer = setInterval(() => void this.flush(), this.opts.intervalMs);
    this.timer.unref();
    this.opts.health?.on('up', () => {
      this.retryAt = 0;
      void this.flush();
    });
  }

  /** Entries waiting to be written. */
  get depth(): number {
    return this.buffer.length;
  }

  /** Characters of serialized entries waiting to be written. */
  get bytes(): number {
    return this.chars;
  }

  record(e: UsageEntry): void {
    if (this.buffer.length >= this.opts.maxEntries) {
      this.shed('entries');
      return;
    }
    let json = serialize(e, true);
    if (this.chars + json.length > this.opts.maxBytes / 2) {
      json = serialize(e, false);
      if (this.chars + json.length > this.opts.maxBytes) {
        this.shed('entries');
        return;
      }
      this.shed('bodies');
    }
    this.buffer.push(json);
    this.chars += json.length;
    if (this.buffer.length >= this.opts.maxBatch) void this.flush();
  }

  /** Writes everything recorded so far; concurrent calls queue behind one another. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeAll());
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.retryAt = 0;
    await this.flush();
    if (this.buffer.length > 0) {
      this.logger.error({ lost: this.buffer.length }, 'usage logs not written at shutdown: the database did not take them');
    }
  }

  private shed(what: 'bodies' | 'entries'): void {
    if (what === 'bodies') this.stats.bodiesShed++;
    else this.stats.entriesShed++;
    this.shedSinceLog[what]++;
    const now = Date.now();
    if (now < this.quietUntil) return;
    this.quietUntil = now + QUIET_MS;
    this.logger.error(
      {
        bodiesShed: this.shedSinceLog.bodies,
        entriesShed: this.shedSinceLog.entries,
        pending: this.buffer.length,
        pendingChars: this.chars,
        maxEntries: this.opts.maxEntries,
        maxBytes: this.opts.maxBytes,
      },
      'usage-log buffer full: new entries are kept without their bodies past half of USAGE_LOG_BUFFER_MB, dropped at USAGE_LOG_BUFFER_ENTRIES or USAGE_LOG_BUFFER_MB',
    );
    this.shedSinceLog = { bodies: 0, entries: 0 };
  }

  private take(n: number): string[] {
    const batch = this.buffer.splice(0, n);
    for (const e of batch) this.chars -= e.length;
    return batch;
  }

  private giveBack(entries: string[]): void {
    this.buffer.unshift(...entries);
    for (const e of entries) this.chars += e.length;
  }

  private async writeAll(): Promise<void> {
    if (this.opts.health && !this.opts.health.up) return;
    if (Date.now() < this.retryAt) return;
    let wrote = 0;
    while (this.buffer.length > 0) {
      const batch = this.take(this.opts.maxBatch);
      const started = performance.now();
      try {
        await this.write(batch);
        wrote += batch.length;
        this.stats.written += batch.length;
        this.opts.onWrite?.(performance.now() - started, batch.length);
      } catch (err) {
        if (isTransient(err)) {
          this.giveBack(batch);
          this.failed(err);
          return;
        }
        // PostgreSQL refused what the batch holds: find the entries at fault, let the rest through.
        // Only those written count as written (the "held logs are written" notice said 1 for one dropped).
        const before = this.stats.written;
        const done = await this.writeEach(batch);
        wrote += this.stats.written - before;
        if (done < batch.length) return;
      }
    }
    if (this.failingSince && wrote > 0) {
      this.logger.info(
        { written: wrote, afterSeconds: Number(((Date.now() - this.failingSince) / 1000).toFixed(1)) },
        'usage logs held while the database was unreachable are written',
      );
    }
    this.failingSince = 0;
    this.backoffMs = this.opts.intervalMs;
  }

  private failed(err: unknown): void {
    const now = Date.now();
    this.retryAt = now + this.backoffMs;
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    if (!this.failingSince) {
      this.failingSince = now;
      this.logger.warn(
        { err: { message: (err as Error)?.message, code: (err as { code?: string })?.code }, pending: this.buffer.length },
        'usage logs could not be written; keeping them in memory and retrying with backoff',
      );
    }
  }

  /**
   * Entry by entry, after a batch was refused for what it holds: an entry refused again is kept
   * without its bodies (the request still counts); only if that fails too is it dropped, and said
   * so. Returns how many entries were dealt with: fewer than the batch when the database itself
   * failed meanwhile (what is left is back in the buffer).
   */
  private async writeEach(batch: string[]): Promise<number> {
    for (const [i, entry] of batch.entries()) {
      try {
        await this.write([entry]);
        this.stats.written++;
      } catch (err) {
        if (isTransient(err)) {
          this.giveBack(batch.slice(i));
          this.failed(err);
          return i;
        }
        const { request_body: _req, response_body: _res, ...rest } = JSON.parse(entry) as Record<string, unknown>;
        try {
          await this.write([JSON.stringify({ ...rest, request_body: { unstorable: true }, response_body: null })]);
          this.stats.written++;
          this.stats.keptWithoutBodies++;
          this.logger.warn(
            { err: { message: (err as Error).message, code: (err as { code?: string }).code }, apiKeyId: rest.api_key_id },
            'usage log kept without its bodies, which PostgreSQL refused',
          );
        } catch (again) {
          if (isTransient(again)) {
            this.giveBack(batch.slice(i));
            this.failed(again);
            return i;
          }
          this.stats.refused++;
          this.logger.error(
            { err: { message: (again as Error).message, code: (again as { code?: string }).code }, entry: rest },
            'usage log dropped: PostgreSQL refused it',
          );
        }
      }
    }
    return batch.length;
  }

  /** The one statement that stores a batch (its SQL may change; the policy above does not). */
  private async write(batch: string[]): Promise<void> {
    // One statement, so atomic: the logs, their rollups, and every key's count and last use.
    // Each entry carries the id it got when recorded: a batch written again because its answer
    // was lost (the connection cut after the commit) inserts nothing twice and counts nothing twice.
    // Prepared once per connection (named), so that it is planned once rather than on every batch.
    await this.pool.query({ name: 'keyring_usage_log_write', text: WRITE_USAGE_LOGS, values: [`[${batch.join(',')}]`] });
  }
}

/**
 * Worth trying again as is: the database unreachable or restarting, a statement or lock timeout,
 * a deadlock or serialization failure, too many connections, no SQLSTATE at all. Anything else
 * PostgreSQL answered with (class 22 data, 23 constraint, 42 schema, 54 limits…) is about the
 * statement and would fail the same way for ever.
 */
function isTransient(err: unknown): boolean {
  if (isDatabaseUnavailable(err)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return ['40001', '40P01', '55P03', '57014', '57P03'].includes(code) || code.startsWith('53') || code.startsWith('08');
}

/** One entry as a JSON object for jsonb_to_recordset; without its bodies when the buffer is crowded. */
function serialize(e: UsageEntry, bodies: boolean): string {
  // A refused request may carry a NUL, which jsonb cannot hold: kept as U+FFFD.
  return withoutNul(
    JSON.stringify({
      id: randomUUID(),
      team_id: e.teamId,
      api_key_id: e.apiKeyId,
      // The column holds 10 characters; Node accepts UNSUBSCRIBE (11), whose log PostgreSQL refused.
      method: e.method.slice(0, 10),
      // Read by every member, as the bodies are: a token a client wrote into the path (a contact
      // looked up by one) or its User-Agent was kept whole.
      endpoint: redactText(e.endpoint).slice(0, 300),
      status_code: e.statusCode,
      user_agent: e.userAgent == null ? null : redactText(e.userAgent).slice(0, 300),
      duration_ms: e.durationMs,
      request_body: bodies ? (e.requestBody ?? null) : { omitted: 'usage-log buffer over half full' },
      response_body: bodies ? (e.responseBody ?? null) : null,
      created_at: e.createdAt.toISOString(),
      requests: e.requests ?? 1,
    }),
  );
}
