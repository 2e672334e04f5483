import pg from 'pg';
import type { Logger } from '../logger.js';
import { type DbTimeouts, DEFAULT_TIMEOUTS, isConnectionError } from './connection.js';

/** A database that cannot work with Keyring, whatever the wait: stop and say why. */
export class DatabaseRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseRefusedError';
  }
}

/** The URL with its password hidden, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'an unparsable URL';
  }
}

/**
 * Tries PostgreSQL until it answers or `seconds` have passed, with backoff (0.25 s doubling to
 * 5 s), logging each failed try; then checks that the database is UTF8. A database that is
 * still starting (a container started beside this one) is waited for; one that answers with
 * another encoding, or refuses the credentials, is refused at once.
 */
export async function waitForDatabase(url: string, opts: { seconds: number; logger: Logger; timeouts?: DbTimeouts; name?: string }): Promise<void> {
  const name = opts.name ?? `DATABASE_URL (${safeUrl(url)})`;
  const started = Date.now();
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: (opts.timeouts ?? DEFAULT_TIMEOUTS).connectTimeoutMs });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ encoding: string; db: string }>(`select current_setting('server_encoding') as encoding, current_database() as db`);
      const { encoding, db } = rows[0];
      if (encoding !== 'UTF8') {
        throw new DatabaseRefusedError(
          `The database "${db}" at ${name} uses the encoding ${encoding}; Keyring needs UTF8 (text it cannot store would be lost). ` +
            `Create the database with ENCODING 'UTF8' (for example: createdb -E UTF8 -T template0 ${db}) and point DATABASE_URL at it.`,
        );
      }
      if (attempt > 1) opts.logger.info({ attempt, waitedSeconds: Number(((Date.now() - started) / 1000).toFixed(1)) }, 'PostgreSQL answered');
      return;
    } catch (err) {
      if (err instanceof DatabaseRefusedError || !isConnectionError(err)) throw err;
      const waited = (Date.now() - started) / 1000;
      if (waited + delay / 1000 > opts.seconds) {
        throw new Error(
          `PostgreSQL at ${name} did not answer within DATABASE_WAIT_SECONDS=${opts.seconds} (${attempt} ${attempt === 1 ? 'try' : 'tries'}): ${(err as Error).message}`,
        );
      }
      opts.logger.warn(
        {
          attempt,
          err: { message: (err as Error).message, code: (err as { code?: string }).code },
          retryInSeconds: delay / 1000,
          waitedSeconds: Number(waited.toFixed(1)),
        },
        `PostgreSQL at ${name} is not reachable yet; retrying`,
      );
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(5000, delay * 2);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
