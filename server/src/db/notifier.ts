import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from '../logger.js';

export type Channel = 'api_key_revoked' | 'export_progress';
type Listener = (payload: string) => void;

/**
 * PostgreSQL LISTEN/NOTIFY shared by every server instance on one database: a dedicated
 * connection listens; NOTIFY goes through the ORM's pool. On reconnect, `onReset` hooks run so
 * caches that may have missed a message can drop what they hold.
 */
export class Notifier {
  private client: pg.Client | undefined;
  private readonly listeners = new Map<Channel, Set<Listener>>();
  private readonly resetHooks = new Set<() => void>();
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly orm: MikroORM,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (msg) => {
      for (const l of this.listeners.get(msg.channel as Channel) ?? []) l(msg.payload ?? '');
    });
    client.on('error', (err) => {
      if (this.closed) return;
      this.logger.warn({ err }, 'notification connection lost; reconnecting');
      this.reconnect();
    });
    await client.connect();
    for (const channel of ['api_key_revoked', 'export_progress'] satisfies Channel[]) {
      await client.query(`LISTEN ${channel}`);
    }
    this.client = client;
  }

  private reconnect(): void {
    this.client?.end().catch(() => undefined);
    this.client = undefined;
    for (const hook of this.resetHooks) hook();
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.start().catch((err) => {
        this.logger.warn({ err }, 'notification reconnect failed');
        this.reconnect();
      });
    }, 1000);
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

  /** Sends to every instance, this one included. */
  async notify(channel: Channel, payload: string): Promise<void> {
    await this.orm.em.getConnection().execute('select pg_notify(?, ?)', [channel, payload]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }
}
