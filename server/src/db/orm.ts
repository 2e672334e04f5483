import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';

/** `onQuery`, when given, sees every SQL statement the ORM runs (tests count them). */
export function ormConfig(clientUrl: string, logger?: Logger, onQuery?: (sql: string) => void): Options {
  return defineConfig({
    clientUrl,
    entities,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false },
    pool: { min: 0, max: 10 },
    forceUtcTimezone: true,
    debug: onQuery ? ['query'] : false,
    allowGlobalContext: false,
    logger: onQuery ? (message) => onQuery(message) : logger ? (message) => logger.debug({ orm: true }, message) : undefined,
  });
}

export async function initOrm(clientUrl: string, logger?: Logger, onQuery?: (sql: string) => void): Promise<MikroORM> {
  return MikroORM.init(ormConfig(clientUrl, logger, onQuery));
}

export async function migrate(orm: MikroORM): Promise<void> {
  await orm.getMigrator().up();
}
