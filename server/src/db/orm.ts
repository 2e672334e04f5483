import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import { type DbTimeouts, DEFAULT_TIMEOUTS, IDLE_CONNECTION_MS, pgOptions } from './connection.js';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';

const quiet = () => undefined;

/** `onQuery`, when given, sees every SQL statement the ORM runs (tests count them). */
export function ormConfig(clientUrl: string, logger?: Logger, onQuery?: (sql: string) => void, timeouts: DbTimeouts = DEFAULT_TIMEOUTS): Options {
  const { connectionString: _url, ...connection } = pgOptions(clientUrl, timeouts);
  return defineConfig({
    clientUrl,
    entities,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false },
    pool: { min: 0, max: 10, idleTimeoutMillis: IDLE_CONNECTION_MS },
    // The same timeouts, keep-alive and tracked sockets as every other pool; waiting for a free
    // connection gives up as soon as opening one would (knex waits 60 s by default).
    driverOptions: {
      connection,
      acquireConnectionTimeout: timeouts.connectTimeoutMs,
      // knex would print "Connection Error: …" to the console for each connection a restart cut.
      log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet, ...(logger ? { warn: (m: unknown) => logger.debug({ knex: true }, String(m)) } : {}) },
    },
    forceUtcTimezone: true,
    debug: onQuery ? ['query'] : false,
    allowGlobalContext: false,
    logger: onQuery ? (message) => onQuery(message) : logger ? (message) => logger.debug({ orm: true }, message) : undefined,
  });
}

export async function initOrm(clientUrl: string, logger?: Logger, onQuery?: (sql: string) => void, timeouts?: DbTimeouts): Promise<MikroORM> {
  return MikroORM.init(ormConfig(clientUrl, logger, onQuery, timeouts));
}

/**
 * All pending migrations in one transaction, with no statement timeout (a migration may rewrite a
 * large table). Instances started together take turns (an advisory lock): the first migrates, the
 * others then find nothing to do — without it, two ran the same migration at once and one failed.
 */
export async function migrate(orm: MikroORM): Promise<void> {
  await orm.em.getConnection().transactional(async (trx) => {
    await trx.raw('set local statement_timeout = 0');
    await trx.raw('select pg_advisory_xact_lock(7385816461)'); // 'migrate' — any constant of ours
    await orm.getMigrator().up({ transaction: trx });
  });
}
