// Prints the SQL that would bring DATABASE_URL's schema up to the entities: a draft for a new migration.
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from '../src/db/orm.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to a migrated database to diff against.');
const orm = await MikroORM.init(ormConfig(url));
console.log(await orm.schema.getUpdateSchemaSQL({ wrap: false }));
await orm.close();
