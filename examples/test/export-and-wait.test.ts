import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, makeRequests, runScript, type ServerProcess, signUpTeam, sql, startServer, type Team } from './helpers.js';

const REQUESTS = 1100;
let databaseUrl: string;
let web: ServerProcess;
let worker: ServerProcess | undefined;
let team: Team;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  databaseUrl = await createDatabase();
  // No worker at first: a large export stays PROCESSING until the test starts one.
  web = await startServer(databaseUrl, { workers: false });
  team = await signUpTeam(web.url);
  await makeRequests(web.url, team, REQUESTS);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keyring-export-and-wait-'));
  env = { KEYRING_URL: web.url, KEYRING_API_KEY: team.fullKey };
});

afterAll(async () => {
  await worker?.stop();
  await web?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('export-and-wait', () => {
  it('exits 2 with the usage when the key or the resource is missing', async () => {
    const noKey = runScript('export-and-wait', ['--resource', 'LOGS'], { KEYRING_URL: web.url, KEYRING_API_KEY: '' });
    expect(await noKey.exited).toBe(2);
    expect(noKey.stderr()).toContain('Set KEYRING_API_KEY');
    const noResource = runScript('export-and-wait', [], env);
    expect(await noResource.exited).toBe(2);
    expect(noResource.stderr()).toContain('--resource is required');
  });

  it('prints the error and exits 1 when the export FAILS while it follows it', async () => {
    const run = runScript('export-and-wait', ['--resource', 'LOGS', '--filters', '{"method":"GET"}', '--out', path.join(dir, 'failed.csv')], env);
    const [, id] = await run.waitForOutput(/export (\S+) LOGS PROCESSING/);
    // What a worker does when it gives up on an export: FAILED with a reason, then NOTIFY.
    await sql(databaseUrl, `update export set status = 'FAILED', error = 'Simulated: the worker ran out of disk.', completed_at = now() where id = $1`, [id]);
    await sql(databaseUrl, `select pg_notify('export_progress', $1)`, [id]);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain(`EXPORT_FAILED: Export ${id} failed: Simulated: the worker ran out of disk.`);
    expect(run.stdout()).toBe('');
    await expect(fs.stat(path.join(dir, 'failed.csv'))).rejects.toThrow();
  });

  it('follows a large export to READY with a progress bar and saves the CSV', async () => {
    const out = path.join(dir, 'get-requests.csv');
    const run = runScript('export-and-wait', ['--resource', 'logs', '--days', '1', '--filters', '{"method":"GET"}', '--out', out], env);
    await run.waitForOutput(/export \S+ LOGS PROCESSING/);
    // A worker on another instance runs the job; progress reaches the script through NOTIFY and the WebSocket.
    worker = await startServer(databaseUrl, { workers: true });
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stdout().trim()).toBe(out);
    expect(run.stderr()).toMatch(/LOGS export \|[=█]+\| 100% \| 1100\/1100 rows/);
    expect(run.stderr()).toMatch(new RegExp(`saved ${REQUESTS} rows, \\d+ bytes`));
    const lines = (await fs.readFile(out, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(REQUESTS + 1);
    expect(lines[0]).toMatch(/^id,/);
    expect(lines.slice(1).every((l) => l.includes(',GET,/domains,200,'))).toBe(true);
    await expect(fs.stat(`${out}.partial`)).rejects.toThrow();
  });

  it('saves a small export at once (READY in the response)', async () => {
    const out = path.join(dir, 'keys.csv');
    const run = runScript('export-and-wait', ['--resource', 'API_KEYS', '--out', out], env);
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/export \S+ API_KEYS READY/);
    const csv = await fs.readFile(out, 'utf8');
    expect(csv).toContain('Tools');
    expect(csv).toContain('Mailer');
  });

  it("exits 1 with the server's code and field for bad filters", async () => {
    const run = runScript('export-and-wait', ['--resource', 'LOGS', '--filters', '{"method":"FETCH"}'], env);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/^BAD_USER_INPUT \(filters\.method\): /m);
  });

  it('exits 1 with FORBIDDEN for a sending-access key', async () => {
    const run = runScript('export-and-wait', ['--resource', 'LOGS'], { ...env, KEYRING_API_KEY: team.sendingKey });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/^FORBIDDEN: /m);
  });
});
