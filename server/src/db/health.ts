import { EventEmitter } from 'node:events';
import net from 'node:net';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { isConnectionError, setDatabaseDown } from './connection.js';

export type HealthOptions = {
  /** Between two checks while the database answers. */
  heartbeatMs: number;
  /** A check that takes longer than this counts as a failure. */
  timeoutMs: number;
  /** Between two checks while it does not. */
  retryMs: number;
};

const DEFAULTS: HealthOptions = { heartbeatMs: 500, timeoutMs: 1000, retryMs: 250 };
/** A timeout timer this late says the event loop, not the database, was slow. */
const STARVED_MS = 250;
/** So does an event loop busy this share of the wait. */
const BUSY_LOOP = 0.75;

class Starved extends Error {
  constructor(readonly lateMs: number) {
    super(`the event loop was too busy (its timer ${lateMs} ms late): no verdict on the database`);
    this.name = 'Starved';
  }
}

/**
 * Knows whether PostgreSQL answers, so that requests fail at once with a 503 while it does not
 * and succeed again as soon as it does. A cheap `select 1` runs on a connection of its own every
 * heartbeat, and at once whenever a query anywhere fails for a connection reason. When a check
 * fails, every connection to the database is cut (queries stuck on a stalled network fail now,
 * not after TCP's minutes) and new ones fail without trying; checks then run every `retryMs` on
 * fresh connections, and the first that succeeds reopens the gate and emits 'up'.
 */
export class DatabaseHealth extends EventEmitter<{ down: [err: unknown]; up: [downSeconds: number] }> {
  private state: 'up' | 'down' = 'up';
  private downSince = 0;
  private client: { pg: pg.Client; socket: net.Socket } | undefined;
  private checking: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** False after a check that could not conclude (this process was starved): the next one comes sooner. */
  private lastVerdict = true;
  private readonly opts: HealthOptions;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    opts: Partial<HealthOptions> = {},
  ) {
    super();
    this.opts = { ...DEFAULTS, ...opts };
  }

  get up(): boolean {
    return this.state === 'up';
  }

  /** Seconds since the database stopped answering, 0 while it answers. */
  get downSeconds(): number {
    return this.state === 'down' ? (Date.now() - this.downSince) / 1000 : 0;
  }

  start(): void {
    this.schedule(this.opts.heartbeatMs);
  }

  /**
   * Resolves true once the database answers — at once when a check run now says it does — or
   * false after `timeoutMs` without an answer, or once closed. For work whose failure can only be
   * recorded in the database (a job's), which would otherwise be lost during an outage.
   */
  async untilUp(timeoutMs: number): Promise<boolean> {
    if (this.closed) return false;
    await this.check();
    if (this.state === 'up') return true;
    return new Promise<boolean>((resolve) => {
      const done = (up: boolean) => {
        clearTimeout(timer);
        this.off('up', onUp);
        resolve(up);
      };
      const onUp = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      this.on('up', onUp);
    });
  }

  /** A query failed: if for a connection reason, check now rather than at the next heartbeat. */
  report(err: unknown): void {
    if (this.state === 'up' && isConnectionError(err)) void this.check();
  }

  /** Runs one check now (one at a time) and resolves once its outcome is applied. */
  check(): Promise<void> {
    this.checking ??= this.probe()
      .then(
        () => this.markUp(),
        (err: unknown) => {
          // This process was too busy to read the answer in time: no verdict on the database.
          if (err instanceof Starved) this.logger.debug({ lateMs: err.lateMs }, 'database check inconclusive: the event loop was busy');
          else this.markDown(err);
        },
      )
      .finally(() => {
        this.checking = undefined;
        this.schedule(this.state === 'up' && this.lastVerdict ? this.opts.heartbeatMs : this.opts.retryMs);
      });
    return this.checking;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.checking;
    this.drop();
    setDatabaseDown(this.url, false);
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), ms);
    this.timer.unref();
  }

  /**
   * `select 1` within the timeout. A failure on the kept connection is tried once more on a fresh
   * one: a connection of ours killed alone (pg_terminate_backend, an idle timeout) is no outage.
   */
  private async probe(): Promise<void> {
    const deadline = Date.now() + this.opts.timeoutMs;
    const hadClient = this.client !== undefined;
    this.lastVerdict = true;
    try {
      await this.timed(deadline);
    } catch (err) {
      this.drop();
      if (err instanceof Starved) this.lastVerdict = false;
      if (!hadClient || Date.now() >= deadline) throw err;
      try {
        await this.timed(deadline);
      } catch (again) {
        this.drop();
        throw again;
      }
    }
  }

  private async timed(deadline: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const wait = Math.max(1, deadline - Date.now());
    const armed = Date.now();
    const loopAtArm = performance.eventLoopUtilization();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // A timer that fires late means this process, not the database, was slow (a busy loop,
        // a starved machine): the answer may be sitting unread. Not an outage. So does a loop
        // busy most of the wait with many shorter tasks (a dozen large responses of 200 ms each),
        // behind which the answer waited while the timer still fired nearly on time.
        const late = Date.now() - armed - wait;
        const busy = performance.eventLoopUtilization(loopAtArm).utilization;
        const err =
          late > STARVED_MS || busy > BUSY_LOOP
            ? new Starved(late)
            : Object.assign(new Error(`the database did not answer within ${this.opts.timeoutMs} ms`), { code: 'ETIMEDOUT' });
        this.client?.socket.destroy(err);
        reject(err);
      }, wait);
    });
    try {
      await Promise.race([this.query(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async query(): Promise<void> {
    if (!this.client) {
      // Not a tracked connection: it must get through while the gate is shut.
      const socket = new net.Socket();
      const client = new pg.Client({ connectionString: this.url, stream: () => socket, keepAlive: true });
      client.on('error', () => this.drop());
      this.client = { pg: client, socket };
      await client.connect();
    }
    await this.client.pg.query('select 1 as keyring_health');
  }

  private drop(): void {
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    c.socket.destroy();
    c.pg.end().catch(() => undefined);
  }

  private markDown(err: unknown): void {
    if (this.closed) return;
    if (this.state === 'down') return;
    this.state = 'down';
    this.downSince = Date.now();
    const cut = setDatabaseDown(this.url, true);
    this.logger.error(
      { err: { message: (err as Error)?.message, code: (err as { code?: string })?.code }, connectionsCut: cut, retryMs: this.opts.retryMs },
      `database unreachable: answering 503 and checking again every ${this.opts.retryMs} ms`,
    );
    this.emit('down', err);
  }

  private markUp(): void {
    if (this.state === 'up') return;
    const seconds = (Date.now() - this.downSince) / 1000;
    this.state = 'up';
    setDatabaseDown(this.url, false);
    this.logger.info({ downSeconds: Number(seconds.toFixed(2)) }, `database reachable again after ${seconds.toFixed(1)} s`);
    this.emit('up', seconds);
  }
}
