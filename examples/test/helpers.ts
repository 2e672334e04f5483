import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inject } from 'vitest';
import { freePort } from '../../server/src/db/embedded.js';

const SERVER_DIR = fileURLToPath(new URL('../../server', import.meta.url));
const EXAMPLES_DIR = fileURLToPath(new URL('..', import.meta.url));

/** A fresh, empty database on the run's PostgreSQL. */
export async function createDatabase(): Promise<string> {
  const base = new URL(inject('databaseUrl'));
  const name = `examples_${inject('testRun')}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  base.pathname = `/${name}`;
  return base.toString();
}

export async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(databaseUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, ms: number, what: string | (() => string)): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type ServerProcess = { url: string; port: number; stop(): Promise<void> };

/**
 * The real server as a user runs it (`src/main.ts` in its own process), so a test can stop and
 * restart it. PUBLIC_URL is the URL it answers on, so download links work as given.
 */
export async function startServer(databaseUrl: string, opts: { port?: number; workers?: boolean; publicUrl?: string } = {}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: opts.publicUrl ?? url,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      CLIENT_DIST: '/nonexistent',
      RATE_LIMIT_PER_SECOND: '0',
      WORKERS: String(opts.workers ?? true),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
      return (await fetch(`${url}/api/health`).catch(() => null))?.ok ? true : undefined;
    },
    60_000,
    'the server to start',
  );
  return {
    url,
    port,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A script of this package, run as a user runs it, with the output collected as it comes. */
export type ScriptRun = {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Waits until stdout or stderr matches. */
  waitForOutput(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
};

export function runScript(script: string, args: string[], env: Record<string, string>): ScriptRun {
  const child = spawn(process.execPath, ['--import', 'tsx', `src/${script}.ts`, ...args], {
    cwd: EXAMPLES_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput: (pattern, ms = 60_000) =>
      waitFor(
        () => {
          const m = out.match(pattern) ?? err.match(pattern);
          if (m) return m;
          if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode} before printing ${pattern}:\n${out}\n${err}`);
          return undefined;
        },
        ms,
        () => `${script} to print ${pattern}\n--- stdout\n${out}\n--- stderr\n${err}`,
      ),
  };
}

type GqlBody = { data?: Record<string, unknown> | null; errors?: { message: string }[] };

/** GraphQL over HTTP for setting up a test, signed in with a cookie or a key. */
export async function gql<T>(url: string, auth: { cookie?: string; key?: string }, query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(auth.cookie ? { cookie: auth.cookie } : {}),
      ...(auth.key ? { authorization: `Bearer ${auth.key}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GqlBody;
  if (body.errors?.length || !body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

export type Team = { cookie: string; fullKey: string; fullKeyId: string; sendingKey: string };

/** Signs up a team (its admin's session cookie) with a full-access and a sending-access key. */
export async function signUpTeam(url: string): Promise<Team> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($input: SignUpInput!) { signUp(input: $input) { id } }',
      variables: { input: { email: `admin-${randomBytes(4).toString('hex')}@example.com`, password: 'correct horse battery', teamName: 'Tools' } },
    }),
  });
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0];
  if (!res.ok || !cookie) throw new Error(`sign up failed: ${await res.text()}`);
  const keys = await gql<{ full: { token: string; apiKey: { id: string } }; sending: { token: string } }>(
    url,
    { cookie },
    `mutation {
      full: createApiKey(input: { name: "Tools", permission: FULL_ACCESS }) { token apiKey { id } }
      sending: createApiKey(input: { name: "Mailer", permission: SENDING_ACCESS }) { token }
    }`,
  );
  return { cookie, fullKey: keys.full.token, fullKeyId: keys.full.apiKey.id, sendingKey: keys.sending.token };
}

/**
 * Makes `n` requests with the key (GET /api/domains), each a usage log, and waits until all are
 * recorded: enough of them make a LOGS export too large to be written during the request.
 */
export async function makeRequests(url: string, team: Team, n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const res = await fetch(`${url}/api/domains`, { headers: { authorization: `Bearer ${team.fullKey}` } });
      if (!res.ok) throw new Error(`GET /api/domains answered ${res.status}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await waitFor(
    async () => {
      const d = await gql<{ apiKey: { requestCount: number } }>(url, { cookie: team.cookie }, 'query($id: ID!) { apiKey(id: $id) { requestCount } }', {
        id: team.fullKeyId,
      });
      return d.apiKey.requestCount >= n ? true : undefined;
    },
    10_000,
    'the usage logs to be written',
  );
}
