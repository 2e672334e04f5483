import type pg from 'pg';
import type { Logger } from '../../logger.js';

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
};

/**
 * Buffers usage logs off the request path and writes them in batches: one INSERT for the logs
 * and one UPDATE for every key's lastUsedAt and requestCount, in one transaction, so counters
 * never drift from the logs. A graceful shutdown flushes whatever is left.
 */
export class UsageRecorder {
  private buffer: UsageEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    private readonly opts = { intervalMs: 1000, maxBatch: 2000 },
  ) {
    this.timer = setInterval(() => void this.flush(), opts.intervalMs);
    this.timer.unref();
  }

  record(entry: UsageEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length >= this.opts.maxBatch) void this.flush();
  }

  /** Writes everything recorded so far; concurrent calls queue behind one another. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeAll());
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.opts.maxBatch);
      try {
        await this.write(batch);
      } catch (err) {
        // Put the batch back so that a passing database hiccup loses nothing; retry next tick.
        this.buffer.unshift(...batch);
        this.logger.error({ err, pending: this.buffer.length }, 'usage logs could not be written; will retry');
        return;
      }
    }
  }

  private async write(batch: UsageEntry[]): Promise<void> {
    const rows = batch.map((e) => ({
      team_id: e.teamId,
      api_key_id: e.apiKeyId,
      method: e.method,
      endpoint: e.endpoint.slice(0, 300),
      status_code: e.statusCode,
      user_agent: e.userAgent?.slice(0, 300) ?? null,
      duration_ms: e.durationMs,
      request_body: e.requestBody ?? null,
      response_body: e.responseBody ?? null,
      created_at: e.createdAt.toISOString(),
    }));
    const perKey = new Map<string, { id: string; n: number; last: string }>();
    for (const r of rows) {
      const agg = perKey.get(r.api_key_id) ?? { id: r.api_key_id, n: 0, last: r.created_at };
      agg.n++;
      if (r.created_at > agg.last) agg.last = r.created_at;
      perKey.set(r.api_key_id, agg);
    }
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      // One statement per table whatever the batch size; a key deleted since the request keeps
      // its id on the log (no FK), with the name it had.
      await client.query(
        `insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, request_body, response_body, created_at)
         select gen_random_uuid(), v.team_id, v.api_key_id, k.name, v.method, v.endpoint, v.status_code, v.user_agent, v.duration_ms, v.request_body, v.response_body, v.created_at
           from jsonb_to_recordset($1::jsonb) as v(team_id uuid, api_key_id uuid, method text, endpoint text, status_code smallint,
                user_agent text, duration_ms int, request_body jsonb, response_body jsonb, created_at timestamptz)
           left join api_key k on k.id = v.api_key_id`,
        [JSON.stringify(rows)],
      );
      await client.query(
        `update api_key k set request_count = k.request_count + v.n, last_used_at = greatest(k.last_used_at, v.last)
           from jsonb_to_recordset($1::jsonb) as v(id uuid, n int, last timestamptz)
          where k.id = v.id`,
        [JSON.stringify([...perKey.values()])],
      );
      await client.query('commit');
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
}
