import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type App, createApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config.js';
import { timeoutsOf } from '../src/db/connection.js';
import { initOrm, migrate } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';
import { createClient, PASSWORD, uniqueEmail } from './harness.js';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

export type InProcessServer = { url: string; app: App; config: Config; stop(): Promise<void> };

/** The app in this process on a given database URL (a proxy's, say), migrated first. */
export async function startInProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<InProcessServer> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    CLIENT_DIST: '/nonexistent',
    RATE_LIMIT_PER_SECOND: '0',
    ...env,
  });
  const logger = createLogger(config.LOG_LEVEL);
  const orm = await initOrm(databaseUrl, logger, undefined, timeoutsOf(config));
  await migrate(orm);
  const app = await createApp({ config, orm, logger });
  const url = await app.listen(0, '127.0.0.1');
  return {
    url,
    app,
    config,
    async stop() {
      await app.close();
      await orm.close();
    },
  };
}

export type Team = { token: string; keyId: string; cookie: string; teamId: string };

/** A team with a domain and a full-access key (it sends and may use GraphQL). */
export async function setUpTeam(url: string, domain = 'faults.example.com'): Promise<Team> {
  const client = createClient(url);
  const signUp = await client.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { team { id } } }`, {
    input: { email: uniqueEmail('faults'), password: PASSWORD, teamName: 'Faults' },
  });
  if (signUp.errors) throw new Error(JSON.stringify(signUp.errors));
  await client.gql(`mutation { createDomain(input: { name: "${domain}" }) { id } }`);
  const key = await client.gql(`mutation { createApiKey(input: { name: "faults", permission: FULL_ACCESS }) { token apiKey { id } } }`);
  if (key.errors) throw new Error(JSON.stringify(key.errors));
  return { token: key.data!.createApiKey.token, keyId: key.data!.createApiKey.apiKey.id, cookie: client.cookie!, teamId: signUp.data!.signUp.team.id };
}

export type Sent = {
  status: number;
  /** performance.now() at the start and end of the request */
  started: number;
  ended: number;
  id?: string;
  name?: string;
  retryAfter?: string | null;
};

export async function sendEmail(url: string, team: Team, subject: string, domain = 'faults.example.com'): Promise<Sent> {
  const started = performance.now();
  try {
    const res = await fetch(`${url}/api/emails`, {
      method: 'POST',
      headers: { authorization: `Bearer ${team.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: `app@${domain}`, to: 'someone@example.org', subject, text: 'Hello' }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json()) as { id?: string; name?: string };
    return { status: res.status, started, ended: performance.now(), id: body.id, name: body.name, retryAfter: res.headers.get('retry-after') };
  } catch {
    // No answer at all (connection refused or timed out): never acknowledged.
    return { status: 0, started, ended: performance.now() };
  }
}

/** `loops` clients sending one email after another (with `pauseMs` between) until stopped. */
export function sendLoad(url: string, team: Team, opts: { loops?: number; pauseMs?: number; prefix?: string } = {}) {
  const results: Sent[] = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: opts.loops ?? 4 }, async () => {
    while (running) {
      results.push(await sendEmail(url, team, `${opts.prefix ?? 'load'} ${n++}`));
      if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
    }
  });
  return {
    results,
    async stop(): Promise<Sent[]> {
      running = false;
      await Promise.all(loops);
      return results;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Proc = { child: ChildProcess; output: () => string; exited: Promise<number | null>; port: number; url: string };

const started = new Set<ChildProcess>();

/** Kills (SIGKILL, whole group) whatever a failed test left running. */
export function killLeftovers(): void {
  for (const child of started) {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

async function freeListenPort(): Promise<number> {
  const range = await fs.readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768 60999');
  const low = Math.min(Number(range.trim().split(/\s+/)[0]) || 32768, 32768);
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * (low - 10_000));
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** The real entry point as its own process (its own group), healthy before this resolves. */
export async function spawnServer(env: Record<string, string>): Promise<Proc> {
  const port = await freeListenPort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    detached: true,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      CLIENT_DIST: '/nonexistent',
      RATE_LIMIT_PER_SECOND: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (dead) throw new Error(`server exited before it was healthy:\n${out}`);
    if (Date.now() > deadline) throw new Error(`server not healthy:\n${out}`);
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await sleep(100);
  }
  return { child, output: () => out, exited, port, url };
}

/** SIGTERM and the exit code (null after 30 s). */
export async function stopProc(proc: Proc): Promise<number | null> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.child.exitCode;
  proc.child.kill('SIGTERM');
  return Promise.race([proc.exited, sleep(30_000).then(() => null)]);
}

export const dataDir = (prefix: string) => fs.mkdtemp(path.join(os.tmpdir(), prefix));
