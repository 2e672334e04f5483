import 'reflect-metadata';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { procStat } from '../src/db/embedded.js';
import { createClient, PASSWORD, uniqueEmail, waitFor } from './harness.js';
import { freeListenPort, killLeftovers, type MainProcess, spawnMain } from './harness-process.js';

// `pnpm start` without DATABASE_URL: the real process and the embedded PostgreSQL it runs under
// DATA_DIR, each killed or interrupted as a machine or a person would.

const dirs: string[] = [];
/** The postmaster's pid, from the lock file PostgreSQL writes in its data directory. */
const postmasterOf = async (dataDir: string) => Number.parseInt(await fs.readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8'), 10);
const alive = async (pid: number) => (await procStat(pid)) !== null;

afterAll(async () => {
  killLeftovers(); // the servers, and the postmasters of their DATA_DIRs
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keyring-embedded-'));
  dirs.push(dir);
  return dir;
}

async function serve(dir: string): Promise<{ proc: MainProcess; url: string }> {
  const port = await freeListenPort();
  const proc = spawnMain({ DATA_DIR: dir, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`server exited before it was healthy:\n${proc.output()}`);
      return (await fetch(`${url}/api/health`).catch(() => undefined))?.status === 200 || undefined;
    },
    90_000,
    'the server to be healthy',
  );
  return { proc, url };
}

async function exitOf(proc: MainProcess): Promise<number | null> {
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 40_000).unref());
  const code = await Promise.race([proc.exited, timeout]);
  expect(code, proc.output()).not.toBe('timeout');
  return code as number | null;
}

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { email } }`;
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { email } }`;

describe('the embedded PostgreSQL of `pnpm start`', () => {
  it('killed (kill -9), is started again by the server: 503 meanwhile, then served again with its data, and the server still stops it on SIGTERM', async () => {
    const dir = await dataDir();
    const { proc, url } = await serve(dir);
    const email = uniqueEmail('embedded-crash');
    expect((await createClient(url).gql(SIGN_UP, { input: { email, password: PASSWORD, teamName: 'Crash' } })).data).toEqual({ signUp: { email } });

    const first = await postmasterOf(dir);
    process.kill(first, 'SIGKILL');
    const statuses = new Set<number>();
    await waitFor(
      async () => {
        const status = (await fetch(`${url}/api/health`)).status;
        statuses.add(status);
        return (status === 200 && (await postmasterOf(dir).catch(() => first)) !== first) || undefined;
      },
      30_000,
      'a new postmaster, and health ok',
    );
    expect(
      [...statuses].every((s) => s === 200 || s === 503),
      [...statuses].join(),
    ).toBe(true);
    expect(proc.output()).toContain('embedded PostgreSQL started again');
    expect((await createClient(url).gql(SIGN_IN, { input: { email, password: PASSWORD } })).data).toEqual({ signIn: { email } });

    const second = await postmasterOf(dir);
    proc.child.kill('SIGTERM');
    expect(await exitOf(proc)).toBe(0);
    expect(await alive(second)).toBe(false);
    // Stopped when asked, not started again.
    await expect(fs.stat(path.join(dir, 'pg', 'postmaster.pid'))).rejects.toThrow();
  }, 180_000);

  it('left running by a server killed outright, is stopped by the next start, which serves the same data; a second server on a DATA_DIR in use is refused, naming the process', async () => {
    const dir = await dataDir();
    const first = await serve(dir);
    const email = uniqueEmail('embedded-orphan');
    expect((await createClient(first.url).gql(SIGN_UP, { input: { email, password: PASSWORD, teamName: 'Orphan' } })).data).toEqual({ signUp: { email } });
    const orphan = await postmasterOf(dir);
    first.proc.child.kill('SIGKILL'); // the server alone (an OOM kill): its postmaster is left
    await first.proc.exited;
    expect(await alive(orphan)).toBe(true);

    const second = await serve(dir);
    expect(second.proc.output()).toContain('stopping the embedded PostgreSQL that a server killed earlier left running');
    expect(await alive(orphan)).toBe(false);
    expect((await createClient(second.url).gql(SIGN_IN, { input: { email, password: PASSWORD } })).data).toEqual({ signIn: { email } });

    const third = spawnMain({ DATA_DIR: dir, PORT: String(await freeListenPort()) });
    expect(await exitOf(third)).toBe(1);
    expect(third.output()).toContain(`is already run by process ${second.proc.child.pid}`);
    expect((await fetch(`${second.url}/api/health`)).status).toBe(200);

    second.proc.child.kill('SIGTERM');
    expect(await exitOf(second.proc)).toBe(0);
  }, 240_000);

  it('Ctrl-C (SIGINT to the whole group) stops the server before its PostgreSQL: every request answered is in the request logs after a restart', async () => {
    const dir = await dataDir();
    const { proc, url } = await serve(dir);
    const admin = createClient(url);
    const email = uniqueEmail('embedded-ctrl-c');
    await admin.gql(SIGN_UP, { input: { email, password: PASSWORD, teamName: 'Ctrl-C' } });
    const created = await admin.gql(`mutation { createApiKey(input: { name: "ctrl-c", permission: FULL_ACCESS }) { token } }`);
    const token = (created.data as { createApiKey: { token: string } }).createApiKey.token;

    // Requests keep coming as the signal arrives; the request log of each one answered is in the
    // server's buffer (flushed every 250 ms) or written, and must be written by the time it exits.
    let answered = 0;
    let stop = false;
    const client = async () => {
      while (!stop) {
        const res = await fetch(`${url}/api/domains`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
        if (res?.status === 200) answered++;
        await res?.arrayBuffer();
      }
    };
    const clients = Array.from({ length: 8 }, client);
    await waitFor(() => answered >= 200 || undefined, 30_000, '200 answered requests');
    process.kill(-(proc.child.pid as number), 'SIGINT');
    expect(await exitOf(proc)).toBe(0);
    stop = true;
    await Promise.all(clients);
    expect(proc.output()).not.toContain('terminating connection due to administrator command');

    const again = await serve(dir);
    const admin2 = createClient(again.url);
    await admin2.gql(SIGN_IN, { input: { email, password: PASSWORD } });
    const keys = await admin2.gql(`{ apiKeys { requestCount } }`);
    // At least: a request refused as the server stopped (503) is logged too, but never answered 200.
    const [{ requestCount }] = (keys.data as { apiKeys: { requestCount: number }[] }).apiKeys;
    expect(requestCount).toBeGreaterThanOrEqual(answered);
    // The terminal closed (SIGHUP): a graceful stop too, the cluster with it.
    const postmaster = await postmasterOf(dir);
    again.proc.child.kill('SIGHUP');
    expect(await exitOf(again.proc)).toBe(0);
    expect(again.proc.output()).toContain('"signal":"SIGHUP","msg":"shutting down"');
    expect(await alive(postmaster)).toBe(false);
  }, 240_000);
});
