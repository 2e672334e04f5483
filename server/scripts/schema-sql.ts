// Prints the SQL that would bring a database up to the entities after applying every migration:
// a draft for the next migration. DATABASE_URL must point at a scratch database.
import 'reflect-metadata';
import { initOrm, migrate } from '../src/db/orm.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to a scratch database.');
const orm = await initOrm(url);
await migrate(orm);
console.log(await orm.schema.getUpdateSchemaSQL({ wrap: false }));
await orm.close();
