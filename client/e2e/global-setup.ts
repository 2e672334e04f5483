import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The server's own embedded PostgreSQL, for steps no API offers (ageing an export by days). */
    databaseUrl: string;
  }
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const serverMain = path.join(repoRoot, 'server', 'dist', 'src', 'main.js');
const clientIndex = path.join(repoRoot, 'client', 'dist', 'index.html');
const artifactsDir = path.join(repoRoot, 'client', 'e2e', '.artifacts');

export function freePort(): Promise<number> {
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

export async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before it was healthy`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server was not healthy within ${timeoutMs} ms`);
}

export function stop(child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The URL of the PostgreSQL the server started in DATA_DIR (server/src/db/embedded.ts): user and
 * database `keyring`, the password it keeps in DATA_DIR/pg-password, and the port PostgreSQL wrote
 * on the fourth line of its postmaster.pid.
 */
async function embeddedDatabaseUrl(dataDir: string): Promise<string> {
  const password = (await fsp.readFile(path.join(dataDir, 'pg-password'), 'utf8')).trim();
  const port = Number((await fsp.readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[3]);
  if (!password || !Number.isInteger(port) || port <= 0) throw new Error(`could not read the embedded PostgreSQL's password and port in ${dataDir}`);
  return `postgres://keyring:${encodeURIComponent(password)}@127.0.0.1:${port}/keyring`;
}

/** Starts the real built server (embedded PostgreSQL in a fresh temp dir) for the whole run. */
export default async function setup(project: TestProject) {
  for (const file of [serverMain, clientIndex]) {
    if (!fs.existsSync(file)) throw new Error(`${path.relative(repoRoot, file)} is missing: run \`pnpm build\` first`);
  }
  await fsp.rm(artifactsDir, { recursive: true, force: true });
  await fsp.mkdir(artifactsDir, { recursive: true });
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'keyring-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const log = fs.createWriteStream(path.join(artifactsDir, 'server.log'));
  const child = spawn(process.execPath, ['--enable-source-maps', serverMain], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: baseUrl,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // Every test signs up from 127.0.0.1.
      SIGNUP_PER_ADDRESS_PER_HOUR: '10000',
      // Always its own embedded database and the built-in outbox, whatever the shell says.
      DATABASE_URL: '',
      SMTP_URL: '',
      // The browser tests send from domains they cannot verify; and DNS stays on loopback: nothing
      // listens on this port, so a verification answers at once with a DNS error (pending).
      REQUIRE_VERIFIED_DOMAINS: 'false',
      DNS_SERVERS: `127.0.0.1:${await freePort()}`,
      // One background export per team at a time: a test holding that slot (e2e/db.ts) keeps an export PROCESSING.
      EXPORT_TEAM_CONCURRENCY: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);

  const cleanup = async () => {
    await stop(child);
    log.end();
    await fsp.rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(baseUrl, child, 90_000);
  } catch (e) {
    await cleanup();
    const output = await fsp.readFile(path.join(artifactsDir, 'server.log'), 'utf8').catch(() => '');
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- server output ---\n${output}`);
  }
  let databaseUrl: string;
  try {
    databaseUrl = await embeddedDatabaseUrl(dataDir);
  } catch (e) {
    await cleanup();
    throw e;
  }
  project.provide('baseUrl', baseUrl);
  project.provide('databaseUrl', databaseUrl);
  return cleanup;
}
