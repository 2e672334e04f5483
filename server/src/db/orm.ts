import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';

export function ormConfig(clientUrl: string, logger?: Logger): Options {
  return defineConfig({
    clientUrl,
    entities,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false },
    pool: { min: 0, max: 10 },
    forceUtcTimezone: true,
    debug: false,
    allowGlobalContext: false,
    logger: logger ? (message) => logger.debug({ orm: true }, message) : undefined,
  });
}

export async function initOrm(clientUrl: string, logger?: Logger): Promise<MikroORM> {
  return MikroORM.init(ormConfig(clientUrl, logger));
}

export async function migrate(orm: MikroORM): Promise<void> {
  await orm.getMigrator().up();
}
