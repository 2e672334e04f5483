import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/db/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    /** Part of the name of every database this run creates (see createTestDatabase). */
    testRun: string;
  }
}

async function dropRunDatabases(url: string, run: string) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`%\\_${run}\\_%`]);
    for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`);
  } finally {
    await admin.end();
  }
}

/** A real PostgreSQL for the whole run: DATABASE_URL when set, else an embedded one in a temp dir. */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    // A server of the caller's: the databases this run creates are named after it and dropped at the end.
    const run = randomBytes(4).toString('hex');
    project.provide('databaseUrl', process.env.DATABASE_URL);
    project.provide('testRun', run);
    return () => dropRunDatabases(process.env.DATABASE_URL!, run);
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keyring-test-pg-'));
  // Two test files at once, each with servers, notifiers and pools of their own: PostgreSQL's
  // default 100 connections ran out ("sorry, too many clients already") in a CI run.
  const db = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true, settings: { max_connections: '300' } });
  project.provide('databaseUrl', db.url);
  project.provide('testRun', 'embedded');
  return async () => {
    await db.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
