import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { type DbTimeouts, pgOptions } from './connection.js';
import type { DatabaseHealth } from './health.js';

export type Channel = 'api_key_revoked' | 'api_key_ack' | 'export_progress';

/** The application_name of an instance's LISTEN connection: how instances find each other in pg_stat_activity. */
const LISTENER_NAME = 'keyring-listen:';
type Listener = (payload: string) => void;

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;

/**
 * PostgreSQL LISTEN/NOTIFY shared by every server instance on one database: a dedicated
 * connection listens; NOTIFY goes through the ORM's pool. When that connection is lost it is
 * opened again (with backoff, and at once when the database answers again), and the `onReset`
 * hooks run both when it is lost and once LISTEN is back, so caches that may have missed a
 * message drop what they hold.
 */
export class Notifier {
  /** This instance, as other instances see it (its LISTEN connection's application_name). */
  readonly instanceId = randomUUID();
  private client: pg.Client | undefined;
  private readonly listeners = new Map<Channel, Set<Listener>>();
  private readonly resetHooks = new Set<() => void>();
  private readonly restoredHooks = new Set<() => void>();
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MIN_MS;
  private lostAt = 0;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly orm: MikroORM,
    private readonly logger: Logger,
    private readonly opts: { timeouts?: DbTimeouts; health?: DatabaseHealth } = {},
  ) {
    opts.health?.on('up', () => {
      if (!this.client && !this.closed) this.reconnectNow();
    });
  }

  async start(): Promise<void> {
    const client = new pg.Client({ ...pgOptions(this.url, this.opts.timeouts), application_name: `${LISTENER_NAME}${this.instanceId}` });
    client.on('notification', (msg) => {
      for (const l of this.listeners.get(msg.channel as Channel) ?? []) l(msg.payload ?? '');
    });
    const lost = (err?: Error) => {
      if (this.closed || this.client !== client) return;
      this.lost(err);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      for (const channel of ['api_key_revoked', 'api_key_ack', 'export_progress'] satisfies Channel[]) {
        await client.query(`LISTEN ${channel}`);
      }
    } catch (e) {
      client.end().catch(() => undefined);
      throw e;
    }
    this.client = client;
    if (this.lostAt) {
      // Notifications sent while nobody listened are gone: forget what they might have revoked.
      for (const hook of this.resetHooks) hook();
      for (const hook of this.restoredHooks) hook();
      this.logger.info({ downSeconds: Number(((Date.now() - this.lostAt) / 1000).toFixed(2)) }, 'LISTEN connection restored; caches flushed');
      this.lostAt = 0;
    }
    this.retryMs = RETRY_MIN_MS;
  }

  private lost(err?: Error): void {
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
    if (!this.lostAt) {
      this.lostAt = Date.now();
      this.logger.warn({ err: err && { message: err.message, code: (err as { code?: string }).code } }, 'LISTEN connection lost; reconnecting');
    }
    for (const hook of this.resetHooks) hook();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.reconnectNow();
    }, this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  private reconnectNow(): void {
    if (this.closed || this.connecting) return;
    clearTimeout(this.retry);
    this.retry = undefined;
    this.connecting = this.start()
      .catch((err: unknown) => {
        this.logger.debug({ err }, 'LISTEN reconnect failed; retrying');
        if (!this.lostAt) this.lostAt = Date.now();
        this.scheduleReconnect();
      })
      .finally(() => {
        this.connecting = undefined;
      });
  }

  on(channel: Channel, listener: Listener): () => void {
    const set = this.listeners.get(channel) ?? new Set<Listener>();
    this.listeners.set(channel, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  onReset(hook: () => void): void {
    this.resetHooks.add(hook);
  }

  /** Runs `hook` each time LISTEN is back after a loss: whatever was notified meanwhile was missed. */
  onRestored(hook: () => void): void {
    this.restoredHooks.add(hook);
  }

  /** Whether LISTEN is active (for readiness and metrics). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /** The instances whose LISTEN connection is open on this database now, this one included. */
  async listeningInstances(): Promise<string[]> {
    const rows: { id: string }[] = await this.orm.em.getConnection().execute(
      `select substr(application_name, ${LISTENER_NAME.length + 1}) as id from pg_stat_activity
          where datname = current_database() and usename = current_user and application_name like ?`,
      [`${LISTENER_NAME}%`],
    );
    return rows.map((r) => r.id);
  }

  /** Sends to every instance, this one included. */
  async notify(channel: Channel, payload: string): Promise<void> {
    await this.orm.em.getConnection().execute('select pg_notify(?, ?)', [channel, payload]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.connecting;
    await this.client?.end().catch(() => undefined);
  }
}
