import type pg from 'pg';
import { withoutNul } from '../../lib/nul.js';
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
 * Buffers usage logs off the request path and writes them in batches: one statement inserts
 * the logs and adds them to every key's lastUsedAt and requestCount, so counters never drift
 * from the logs. Entries are serialized when recorded and written several times a
 * second, so they die young instead of piling up for the garbage collector. A graceful shutdown
 * flushes whatever is left.
 */
export class UsageRecorder {
  /** Entries serialized as they are recorded: the buffer holds flat strings. */
  private buffer: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    private readonly opts = { intervalMs: 250, maxBatch: 1000 },
  ) {
    this.timer = setInterval(() => void this.flush(), opts.intervalMs);
    this.timer.unref();
  }

  record(e: UsageEntry): void {
    // A refused request may carry a NUL, which jsonb cannot hold: kept as U+FFFD.
    const json = withoutNul(JSON.stringify({
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
    this.buffer.push(json);
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
        if (isDataError(err)) {
          // One entry PostgreSQL cannot take must not hold back the others for ever.
          if (await this.writeEach(batch)) continue;
          return;
        }
        // Put the batch back so that a passing database hiccup loses nothing; retry next tick.
        this.buffer.unshift(...batch);
        this.logger.error({ err, pending: this.buffer.length }, 'usage logs could not be written; will retry');
        return;
      }
    }
  }

  /**
   * Entry by entry, after a batch failed on its data: an entry refused again is kept without its
   * bodies (the request still counts); only if that fails too is it dropped, and said so. False
   * when the database itself failed: what is left is back in the buffer for the next flush.
   */
  private async writeEach(batch: string[]): Promise<boolean> {
    for (const [i, entry] of batch.entries()) {
      try {
        await this.write([entry]);
      } catch (err) {
        if (!isDataError(err)) {
          this.buffer.unshift(...batch.slice(i));
          this.logger.error({ err, pending: this.buffer.length }, 'usage logs could not be written; will retry');
          return false;
        }
        const { request_body: _req, response_body: _res, ...rest } = JSON.parse(entry) as Record<string, unknown>;
        try {
          await this.write([JSON.stringify({ ...rest, request_body: { unstorable: true }, response_body: null })]);
          this.logger.warn({ err, apiKeyId: rest.api_key_id }, 'usage log kept without its bodies, which PostgreSQL refused');
        } catch (again) {
          this.logger.error({ err: again, entry: rest }, 'usage log dropped: PostgreSQL refused it');
        }
      }
    }
    return true;
  }

  private async write(batch: string[]): Promise<void> {
    // One statement, so atomic: the logs, then every key's count and last use from what was
    // inserted. A key deleted since the request keeps its id on the log (no FK), with its name.
    await this.pool.query(
      `with logged as (
         insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, request_body, response_body, created_at)
         select gen_random_uuid(), v.team_id, v.api_key_id, k.name, v.method, v.endpoint, v.status_code, v.user_agent, v.duration_ms, v.request_body, v.response_body, v.created_at
           from jsonb_to_recordset($1::jsonb) as v(team_id uuid, api_key_id uuid, method text, endpoint text, status_code smallint,
                user_agent text, duration_ms int, request_body jsonb, response_body jsonb, created_at timestamptz)
           left join api_key k on k.id = v.api_key_id
         returning api_key_id, created_at
       )
       update api_key k set request_count = k.request_count + c.n, last_used_at = greatest(k.last_used_at, c.last)
         from (select api_key_id, count(*) as n, max(created_at) as last from logged group by api_key_id) c
        where k.id = c.api_key_id`,
      [`[${batch.join(',')}]`],
    );
  }
}

/** SQLSTATE class 22, data exception: the statement's data is at fault, not the database. */
const isDataError = (err: unknown) => typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('22');
