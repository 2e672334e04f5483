import 'reflect-metadata';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { freePort } from '../src/db/embedded.js';
import { createClient, createTestDatabase, PASSWORD, sql, uniqueEmail } from './harness.js';
import { freeListenPort, killLeftovers, type MainProcess, spawnMain } from './harness-process.js';
import { startTcpProxy } from './tcp-proxy.js';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

const TSX_CLI = path.join(SERVER_DIR, 'node_modules', 'tsx', 'dist', 'cli.mjs');

type Proc = MainProcess;
const spawnServer = spawnMain;

/** Polls /api/health until it answers ok; fails early if the process dies. */
async function waitHealthy(proc: Proc, port: number, timeoutMs = 60_000): Promise<void> {
  let dead = false;
  proc.exited.then(() => {
    dead = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (dead) throw new Error(`server exited before it was healthy:\n${proc.output()}`);
    const res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined);
    if (res?.status === 200) {
      expect(await res.json()).toEqual({ status: 'ok' });
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not healthy after ${timeoutMs} ms:\n${proc.output()}`);
}

/**
 * SIGTERM, as a process manager stops it, or to the whole process group, as Ctrl-C does (then
 * an embedded PostgreSQL in the group gets it too). Expects a clean exit 0 either way.
 */
async function stopWithSigterm(proc: Proc, target: 'process' | 'group' = 'process'): Promise<void> {
  if (target === 'group') process.kill(-(proc.child.pid as number), 'SIGTERM');
  else proc.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000).unref());
  const code = await Promise.race([proc.exited, timeout]);
  expect(code, `exit after SIGTERM:\n${proc.output()}`).toBe(0);
}

// Only after a failed test: the group holds tsx and the server; its embedded PostgreSQL, in a group of its own, is killed by its DATA_DIR.
afterAll(killLeftovers);

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { email role } }`;
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { email } }`;

describe('startup: the real process', () => {
  it('migrates a clean database, serves, exits 0 on SIGTERM (to it or its process group), and starts again on the migrated database', async () => {
    const databaseUrl = await createTestDatabase('startup');
    const port = await freeListenPort();
    const env = { DATABASE_URL: databaseUrl, PORT: String(port) };

    const first = spawnServer(env);
    await waitHealthy(first, port);
    const migrations = await sql<{ name: string }>(databaseUrl, 'select name from mikro_orm_migrations order by id');
    expect(migrations.map((m) => m.name)).toContain('Migration20261128000000_foundation');
    const client = createClient(`http://127.0.0.1:${port}`);
    const email = uniqueEmail('startup');
    const signUp = await client.gql(SIGN_UP, { input: { email, password: PASSWORD, teamName: 'Startup' } });
    expect(signUp.data?.signUp).toEqual({ email, role: 'ADMIN' });
    await stopWithSigterm(first);
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();

    const second = spawnServer(env);
    await waitHealthy(second, port);
    expect(await sql(databaseUrl, 'select name from mikro_orm_migrations order by id')).toEqual(migrations);
    const signIn = await createClient(`http://127.0.0.1:${port}`).gql(SIGN_IN, { input: { email, password: PASSWORD } });
    expect(signIn.data?.signIn).toEqual({ email });
    await stopWithSigterm(second, 'group');
  }, 240_000);

  it('without DATABASE_URL it runs an embedded PostgreSQL under DATA_DIR', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'keyring-startup-'));
    try {
      const port = await freeListenPort();
      const proc = spawnServer({ DATA_DIR: dataDir, PORT: String(port) });
      await waitHealthy(proc, port, 90_000);
      expect(proc.output()).toContain('embedded PostgreSQL started');
      await expect(fs.stat(path.join(dataDir, 'pg', 'PG_VERSION'))).resolves.toBeDefined();
      const client = createClient(`http://127.0.0.1:${port}`);
      const email = uniqueEmail('embedded');
      const signUp = await client.gql(SIGN_UP, { input: { email, password: PASSWORD, teamName: 'Embedded' } });
      expect(signUp.data?.signUp).toEqual({ email, role: 'ADMIN' });
      await stopWithSigterm(proc);
      // PostgreSQL was shut down cleanly with the server, not left running.
      await expect(fs.stat(path.join(dataDir, 'pg', 'postmaster.pid'))).rejects.toThrow();
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('startup: waiting for the database', () => {
  it('starts once PostgreSQL comes up within DATABASE_WAIT_SECONDS', async () => {
    const databaseUrl = await createTestDatabase('wait');
    // A port that refuses connections until the "database" comes up, 3 s after the server starts.
    const proxy = await startTcpProxy(Number(new URL(databaseUrl).port), { listen: false });
    try {
      const port = await freeListenPort();
      const proc = spawnServer({ DATABASE_URL: proxy.urlFor(databaseUrl), PORT: String(port), DATABASE_WAIT_SECONDS: '60' });
      // Up only once the server has tried and been refused (it takes seconds to load).
      for (let i = 0; i < 600 && !proc.output().includes('is not reachable yet; retrying'); i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1000));
      proxy.setMode('pass');
      await waitHealthy(proc, port);
      expect(proc.output()).toContain('is not reachable yet; retrying');
      expect(proc.output()).toContain('PostgreSQL answered');
      await stopWithSigterm(proc);
    } finally {
      await proxy.close();
    }
  }, 120_000);
});

describe('embedded PostgreSQL in another process', () => {
  it("does not change the process's exit code: a failing test run still fails", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'keyring-exitcode-'));
    await fs.chmod(dataDir, 0o755); // the cluster runs as the user postgres when this runs as root
    try {
      // As vitest's main process does: start and stop a cluster, then leave with a failure code.
      const script = path.join(dataDir, 'exit-code.mts');
      await fs.writeFile(
        script,
        `import { startEmbeddedPostgres } from ${JSON.stringify(path.join(SERVER_DIR, 'src/db/embedded.ts'))};
         const db = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(path.join(dataDir, 'db'))}, ephemeral: true });
         await db.stop();
         process.exitCode = 3;`,
      );
      const child = spawn(process.execPath, [TSX_CLI, script], { cwd: SERVER_DIR, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, stderr).toBe(3);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

/** Waits for a process that is expected to give up on its own. */
async function exitOf(proc: Proc): Promise<number | null> {
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 50_000).unref());
  const code = await Promise.race([proc.exited, timeout]);
  expect(code, proc.output()).not.toBe('timeout');
  return code as number | null;
}

// One group, run side by side: each process spends its few seconds loading before it gives up.
describe('startup: refusing to run', () => {
  it.concurrent.each([
    ['PORT', { PORT: 'notaport', DATABASE_URL: 'postgres://127.0.0.1:1/none' }],
    ['DATABASE_URL', { PORT: '0', DATABASE_URL: 'mysql://x' }],
    ['RATE_LIMIT_PER_SECOND', { PORT: '0', DATABASE_URL: 'postgres://127.0.0.1:1/none', RATE_LIMIT_PER_SECOND: '-1' }],
    ['HEAP_GROWING_PERCENT', { PORT: '0', DATABASE_URL: 'postgres://127.0.0.1:1/none', HEAP_GROWING_PERCENT: 'twice' }],
  ])(
    'an invalid %s makes the process exit non-zero with a message naming it',
    async (variable, env) => {
      const proc = spawnServer(env);
      expect(await exitOf(proc)).toBe(1);
      expect(proc.output()).toContain('Invalid configuration');
      expect(proc.output()).toContain(`${variable}:`);
    },
    60_000,
  );

  it.concurrent('an unreachable database is retried with backoff for DATABASE_WAIT_SECONDS, each try logged, then it exits 1 naming DATABASE_URL', async () => {
    const port = await freePort(); // nothing listens there
    const proc = spawnServer({ PORT: '0', DATABASE_URL: `postgres://keyring:secret-pw@127.0.0.1:${port}/none`, DATABASE_WAIT_SECONDS: '2' });
    expect(await exitOf(proc)).toBe(1);
    const out = proc.output();
    expect(out).toContain('Keyring failed to start');
    expect(out).toContain('ECONNREFUSED');
    expect(out).toMatch(
      /PostgreSQL at DATABASE_URL \(postgres:\/\/keyring:\*\*\*@127\.0\.0\.1:\d+\/none\) did not answer within DATABASE_WAIT_SECONDS=2 \(\d+ tries\)/,
    );
    expect(out).not.toContain('secret-pw');
    // 0.25 + 0.5 + 1 s of backoff fit in 2 s: at least three tries, each logged.
    expect(out.match(/is not reachable yet; retrying/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it.concurrent('a database that is not UTF8 is refused at once, naming its encoding', async () => {
    const base = new URL(await createTestDatabase('utf8check'));
    const name = `latin1_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    await sql(base.toString(), `create database ${name} encoding 'LATIN1' lc_collate 'C' lc_ctype 'C' template template0`);
    base.pathname = `/${name}`;
    const proc = spawnServer({ PORT: '0', DATABASE_URL: base.toString() });
    expect(await exitOf(proc)).toBe(1);
    expect(proc.output()).toContain(`The database \\"${name}\\" at DATABASE_URL`);
    expect(proc.output()).toContain('uses the encoding LATIN1; Keyring needs UTF8');
    expect(proc.output()).not.toContain('is not reachable yet');
  }, 60_000);

  it.concurrent('a port already in use makes it exit non-zero and say which', async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const proc = spawnServer({ PORT: String(port), DATABASE_URL: await createTestDatabase('inuse') });
      expect(await exitOf(proc)).toBe(1);
      expect(proc.output()).toContain('Keyring failed to start');
      expect(proc.output()).toContain(`EADDRINUSE: address already in use 127.0.0.1:${port}`);
    } finally {
      holder.close();
    }
  }, 60_000);
});

describe('startup: configuration parsing', () => {
  it('reports every invalid variable at once', () => {
    expect(() => loadConfig({ PORT: '70000', SMTP_URL: 'http://mail', LOG_LEVEL: 'loud' })).toThrow(
      /PORT:[\s\S]*SMTP_URL:[\s\S]*LOG_LEVEL:|PORT:[\s\S]*LOG_LEVEL:[\s\S]*SMTP_URL:/,
    );
  });

  it('refuses export download slots and waits out of range, naming them', () => {
    for (const [name, value] of [
      ['EXPORT_DOWNLOADS', '0'],
      ['EXPORT_DOWNLOADS', '2.5'],
      ['EXPORT_DOWNLOADS', 'many'],
      ['EXPORT_DOWNLOAD_WAIT_SECONDS', '0'],
      ['EXPORT_DOWNLOAD_WAIT_SECONDS', 'soon'],
      ['EXPORT_DOWNLOAD_WAIT_SECONDS', '601'],
      ['EXPORT_DOWNLOAD_STALL_SECONDS', '0'],
      ['EXPORT_DOWNLOAD_STALL_SECONDS', 'never'],
      ['EXPORT_DOWNLOAD_STALL_SECONDS', '3601'],
    ]) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(new RegExp(`${name}:`));
    }
    expect(loadConfig({})).toMatchObject({ EXPORT_DOWNLOADS: 4, EXPORT_DOWNLOAD_WAIT_SECONDS: 30, EXPORT_DOWNLOAD_STALL_SECONDS: 60 });
    expect(loadConfig({ EXPORT_DOWNLOAD_STALL_SECONDS: '0.5' }).EXPORT_DOWNLOAD_STALL_SECONDS).toBe(0.5);
  });

  it('refuses a heap growing percent out of range or not whole, naming it; 0 leaves it to V8', () => {
    for (const value of ['-1', '1001', '2.5', 'twice']) {
      expect(() => loadConfig({ HEAP_GROWING_PERCENT: value }), value).toThrow(/HEAP_GROWING_PERCENT:/);
    }
    expect(loadConfig({}).HEAP_GROWING_PERCENT).toBe(100);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '0' }).HEAP_GROWING_PERCENT).toBe(0);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '1000' }).HEAP_GROWING_PERCENT).toBe(1000);
  });

  it('refuses a request timeout out of range or not a number, naming it', () => {
    for (const value of ['0', '0.5', '3601', 'forever']) {
      expect(() => loadConfig({ REQUEST_TIMEOUT_SECONDS: value }), value).toThrow(/REQUEST_TIMEOUT_SECONDS:/);
    }
    expect(loadConfig({}).REQUEST_TIMEOUT_SECONDS).toBe(120);
    expect(loadConfig({ REQUEST_TIMEOUT_SECONDS: '1' }).REQUEST_TIMEOUT_SECONDS).toBe(1);
    expect(loadConfig({ REQUEST_TIMEOUT_SECONDS: '3600' }).REQUEST_TIMEOUT_SECONDS).toBe(3600);
  });

  it('treats empty variables as unset, so a blank value never turns the rate limit off', () => {
    const config = loadConfig({ PORT: '', RATE_LIMIT_PER_SECOND: '', SMTP_URL: '', LOG_LEVEL: ' ', DATABASE_URL: '' });
    expect(config.PORT).toBe(4000);
    expect(config.RATE_LIMIT_PER_SECOND).toBe(10);
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('derives PUBLIC_URL from the port and trims a trailing slash', () => {
    expect(loadConfig({ PORT: '4321' }).PUBLIC_URL).toBe('http://localhost:4321');
    expect(loadConfig({ PUBLIC_URL: 'https://keys.example.com/' }).PUBLIC_URL).toBe('https://keys.example.com');
    expect(loadConfig({ RATE_LIMIT_PER_SECOND: '0' }).RATE_LIMIT_PER_SECOND).toBe(0);
  });
});
