import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/src/db/embedded.js';
import { createDatabase, gql, makeRequests, runScript, type ScriptRun, type ServerProcess, signUpTeam, startServer } from './helpers.js';

const servers: ServerProcess[] = [];
let watcher: ScriptRun | undefined;
afterAll(async () => {
  watcher?.child.kill('SIGKILL');
  for (const s of servers) await s.stop();
});

const CREATE = `mutation($filters: JSON) { createExport(input: { resource: LOGS, filters: $filters }) { id status } }`;

describe('watch-exports', () => {
  it('follows every PROCESSING export, survives a server restart with backoff and reports each outcome', { timeout: 180_000 }, async () => {
    const databaseUrl = await createDatabase();
    const port = await freePort();
    // The first instance runs no jobs: its exports stay PROCESSING until the restarted one runs them.
    const first = await startServer(databaseUrl, { port, workers: false });
    servers.push(first);
    const team = await signUpTeam(first.url);
    await makeRequests(first.url, team, 1100);
    const create = async (filters: Record<string, unknown>) => {
      const { createExport } = await gql<{ createExport: { id: string; status: string } }>(first.url, { cookie: team.cookie }, CREATE, { filters });
      expect(createExport.status).toBe('PROCESSING');
      return createExport.id;
    };

    const before = await create({ method: 'GET' });
    watcher = runScript('watch-exports', ['--poll-seconds', '1', '--max-backoff-seconds', '1'], { KEYRING_URL: first.url, KEYRING_API_KEY: team.fullKey });
    await watcher.waitForOutput(new RegExp(`following ${before} LOGS 0% \\(0/~1,001 rows\\)`));
    // Created while the watcher runs: found by its next listing.
    const during = await create({ method: 'GET', statusCode: 200 });
    await watcher.waitForOutput(new RegExp(`following ${during} LOGS`));

    await first.stop();
    await watcher.waitForOutput(/disconnected \(1001\)/);
    await watcher.waitForOutput(/reconnecting in \d\.\d s/);
    await watcher.waitForOutput(/cannot list exports \(connect ECONNREFUSED [^)]*\); retrying in \d\.\d s/);

    // The same address again, now with a worker: it runs both jobs.
    const second = await startServer(databaseUrl, { port, workers: true });
    servers.push(second);
    const lineOf = async (pattern: RegExp) => {
      await watcher!.waitForOutput(pattern);
      return watcher!
        .stdout()
        .split('\n')
        .findIndex((l) => pattern.test(l));
    };
    const reconnected = await lineOf(/ reconnected$/m);
    const ready1 = await lineOf(new RegExp(`${before} READY 1,100 rows, [\\d,]+ bytes ${second.url}/api/exports/${before}/download$`, 'm'));
    const ready2 = await lineOf(new RegExp(`${during} READY 1,100 rows, [\\d,]+ bytes `));
    expect(ready1).toBeGreaterThan(reconnected);
    expect(ready2).toBeGreaterThan(reconnected);
    await lineOf(/server reachable again$/m);
    // Every line is timestamped.
    for (const line of watcher.stdout().trimEnd().split('\n')) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);

    // Long-running: it is still there, and stops cleanly on SIGTERM.
    expect(watcher.child.exitCode).toBeNull();
    watcher.child.kill('SIGTERM');
    expect(await watcher.exited).toBe(0);
    expect(watcher.stdout()).toMatch(/stopping\n$/);
  });

  it('exits 1 when the key is refused, instead of retrying forever', async () => {
    const server = await startServer(await createDatabase());
    servers.push(server);
    const run = runScript('watch-exports', [], { KEYRING_URL: server.url, KEYRING_API_KEY: `re_${'x'.repeat(38)}` });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/^UNAUTHENTICATED: /m);
  });
});
