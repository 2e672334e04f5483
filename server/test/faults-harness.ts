import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createClient, type InProcessServer, PASSWORD, startApp, uniqueEmail } from './harness.js';
import { freeListenPort, killLeftovers, type MainProcess, spawnMain } from './harness-process.js';

const _SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

export type { InProcessServer };

/** The app in this process on a given database URL (a proxy's, say), migrated first, unthrottled. */
export const startInProcess = (databaseUrl: string, env: Record<string, string> = {}): Promise<InProcessServer> =>
  startApp(databaseUrl, { RATE_LIMIT_PER_SECOND: '0', ...env });

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

export type Proc = MainProcess & { port: number; url: string };
export { killLeftovers };

/** The real entry point as its own process (its own group), healthy before this resolves. */
export async function spawnServer(env: Record<string, string>): Promise<Proc> {
  const port = await freeListenPort();
  const proc = spawnMain({ PORT: String(port), RATE_LIMIT_PER_SECOND: '0', ...env });
  const url = `http://127.0.0.1:${port}`;
  let dead = false;
  void proc.exited.then(() => {
    dead = true;
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (dead) throw new Error(`server exited before it was healthy:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`server not healthy:\n${proc.output()}`);
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await sleep(100);
  }
  return { ...proc, port, url };
}

/** SIGTERM and the exit code (null after 30 s). */
export async function stopProc(proc: Proc): Promise<number | null> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.child.exitCode;
  proc.child.kill('SIGTERM');
  return Promise.race([proc.exited, sleep(30_000).then(() => null)]);
}

export const dataDir = (prefix: string) => fs.mkdtemp(path.join(os.tmpdir(), prefix));

/** A connection holding export_chunk locked, so that an export stalls before its first chunk. */
export async function lockChunks(databaseUrl: string) {
  const holder = new pg.Client({ connectionString: databaseUrl });
  await holder.connect();
  await holder.query('begin');
  await holder.query('lock table export_chunk in access exclusive mode');
  return async () => {
    await holder.query('rollback').catch(() => undefined);
    await holder.end().catch(() => undefined);
  };
}
