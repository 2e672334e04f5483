import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../server/src/db/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    testRun: string;
  }
}

/** A real PostgreSQL for the run, as the server's tests have: DATABASE_URL when set, else an embedded one. */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    const url = process.env.DATABASE_URL;
    const run = randomBytes(4).toString('hex');
    project.provide('databaseUrl', url);
    project.provide('testRun', run);
    return async () => {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`examples\\_${run}\\_%`]);
        for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`);
      } finally {
        await admin.end();
      }
    };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keyring-examples-pg-'));
  const db = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true });
  project.provide('databaseUrl', db.url);
  project.provide('testRun', 'embedded');
  return async () => {
    await db.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
