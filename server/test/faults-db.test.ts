import 'reflect-metadata';
import fs from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../src/db/embedded.js';
import { createPool } from '../src/db/pool.js';
import {
  dataDir,
  killLeftovers,
  type Sent,
  sendEmail,
  sendLoad,
  setUpTeam,
  sleep,
  spawnServer,
  startInProcess,
  stopProc,
  type Team,
} from './faults-harness.js';
import { createClient, createTestDatabase, sql, waitFor } from './harness.js';
import { startTcpProxy } from './tcp-proxy.js';

/** What every fault must leave true about the answers: 200 or a proper 503, never a 500 or silence. */
function expectOnly200Or503(results: Sent[]) {
  for (const r of results) {
    if (r.status === 200) continue;
    expect({ status: r.status, name: r.name, retryAfter: r.retryAfter }).toEqual({ status: 503, name: 'service_unavailable', retryAfter: '2' });
  }
}

/** Every email answered 200 is stored, once. */
async function expectAcknowledgedStored(databaseUrl: string, results: Sent[]) {
  const ids = results.filter((r) => r.status === 200).map((r) => r.id!);
  expect(new Set(ids).size).toBe(ids.length);
  const [{ n }] = await sql<{ n: string }>(databaseUrl, 'select count(*) as n from email where id = any($1::uuid[])', [ids]);
  expect(Number(n)).toBe(ids.length);
}

/** Every answered request made with the key has its usage log and is counted (once flushed). */
async function expectUsageLogged(databaseUrl: string, team: Team, answered: number) {
  const [row] = await sql<{ logs: string; count: number }>(
    databaseUrl,
    'select (select count(*) from usage_log where api_key_id = $1) as logs, request_count as count from api_key where id = $1',
    [team.keyId],
  );
  expect({ logs: Number(row.logs), count: row.count }).toEqual({ logs: answered, count: answered });
}

const slowest = (results: Sent[]) => Math.max(0, ...results.map((r) => r.ended - r.started));

afterAll(() => killLeftovers());

describe('faults: PostgreSQL stops and restarts under load (the real process, its own PostgreSQL)', () => {
  let db: EmbeddedDatabase;
  let dir: string;
  beforeAll(async () => {
    dir = await dataDir('keyring-faults-pg-');
    // Persistent (an ephemeral cluster deletes its data when stopped), but as fast as one.
    db = await startEmbeddedPostgres({ dataDir: dir, settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
  });
  afterAll(async () => {
    killLeftovers();
    await db?.stop().catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('never exits, answers 503 within 2 s while it is down, recovers without a restart, and loses nothing it acknowledged', async () => {
    const proc = await spawnServer({ DATABASE_URL: db.url, WORKERS: 'true' });
    const team = await setUpTeam(proc.url);
    const load = sendLoad(proc.url, team, { loops: 4, pauseMs: 20, prefix: 'outage' });
    await sleep(1500);

    const tDown = performance.now();
    await db.stop();
    await sleep(300);
    // Liveness never needs the database; readiness says it is gone; GraphQL says so in its own shape.
    const live = await fetch(`${proc.url}/api/health/live`);
    expect({ status: live.status, body: await live.json() }).toEqual({ status: 200, body: { status: 'ok', database: 'down' } });
    const ready = await fetch(`${proc.url}/api/health`);
    expect({ status: ready.status, retryAfter: ready.headers.get('retry-after'), body: await ready.json() }).toEqual({
      status: 503,
      retryAfter: '2',
      body: { status: 'unavailable', statusCode: 503, name: 'service_unavailable', message: expect.stringMatching(/database cannot be reached/) },
    });
    const t0 = performance.now();
    const gql = await fetch(`${proc.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${team.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ apiKeys { id } }' }),
    });
    const gqlBody = (await gql.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(gqlBody.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    // The dashboard's session and an export download: 503 too, not "signed out" or "bad key".
    const dash = await fetch(`${proc.url}/graphql`, {
      method: 'POST',
      headers: { cookie: team.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    const dashBody = (await dash.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect({ status: dash.status, code: dashBody.errors?.[0]?.extensions?.code, retryAfter: dash.headers.get('retry-after') }).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      retryAfter: '2',
    });
    const download = await fetch(`${proc.url}/api/exports/00000000-0000-0000-0000-000000000000/download`, { headers: { cookie: team.cookie } });
    expect({ status: download.status, retryAfter: download.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '2' });
    await sleep(2000);

    await db.start();
    const tUp = performance.now();
    const firstOk = await waitFor(() => load.results.find((r) => r.status === 200 && r.started >= tUp), 10_000, 'a send after PostgreSQL restarted');
    await sleep(1000);
    const results = await load.stop();

    expect(proc.child.exitCode, proc.output()).toBeNull();
    const whileDown = results.filter((r) => r.started > tDown + 200 && r.ended < tUp);
    expect(whileDown.length).toBeGreaterThan(20);
    expect(whileDown.every((r) => r.status === 503)).toBe(true);
    expect(slowest(results)).toBeLessThan(2000);
    expectOnly200Or503(results);
    expect(firstOk.ended - tUp).toBeLessThan(2000);
    expect(results.filter((r) => r.status === 200 && r.started > tUp).length).toBeGreaterThan(5);
    expect(proc.output()).toContain('database unreachable: answering 503');
    expect(proc.output()).toMatch(/database reachable again after \d+\.\d s/);

    // The job queue resumed: an export large enough to run as a job gets written.
    const client = createClient(proc.url);
    client.cookie = team.cookie;
    await sql(
      db.url,
      `insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, duration_ms, created_at)
       select gen_random_uuid(), $1, gen_random_uuid(), 'seed', 'GET', '/emails', 200, 1, now() from generate_series(1, 1100)`,
      [team.teamId],
    );
    const created = await client.gql(`mutation { createExport(input: { resource: LOGS }) { id status } }`);
    expect(created.data?.createExport.status).toBe('PROCESSING');
    await waitFor(
      async () => {
        const r = await client.gql(`query($id: ID!) { export(id: $id) { status } }`, { id: created.data!.createExport.id });
        return r.data?.export.status === 'READY' ? true : undefined;
      },
      30_000,
      'the export job to finish',
    );

    expect(await stopProc(proc), proc.output()).toBe(0);
    await expectAcknowledgedStored(db.url, results);
    // Every answer with the key (503s included), and the GraphQL query, logged and counted.
    await expectUsageLogged(db.url, team, results.filter((r) => r.status !== 0).length + 1);
  }, 150_000);
});

// The last case with the rate limit on: its table unreachable, the limiter's failure was a 503
// that no usage log recorded (the admission was never made).
describe.each([
  ['drop', '0'],
  ['stall', '0'],
  ['reset', '0'],
  ['reset', '100000'],
] as const)('faults: the network to PostgreSQL is cut (%s) through a TCP proxy, RATE_LIMIT_PER_SECOND=%s', (mode, rateLimit) => {
  it('answers 503 within 2 s during the cut, sends again within 2 s after it, and loses nothing acknowledged', async () => {
    const databaseUrl = await createTestDatabase('faults');
    const proxy = await startTcpProxy(Number(new URL(databaseUrl).port));
    const server = await startInProcess(proxy.urlFor(databaseUrl), { RATE_LIMIT_PER_SECOND: rateLimit });
    try {
      const team = await setUpTeam(server.url);
      const load = sendLoad(server.url, team, { loops: 3, pauseMs: 20, prefix: mode });
      await sleep(1000);
      proxy.setMode(mode);
      const tCut = performance.now();
      await sleep(3000);
      expect(server.app.services.database.up).toBe(false);
      proxy.setMode('pass');
      const tBack = performance.now();
      const firstOk = await waitFor(() => load.results.find((r) => r.status === 200 && r.started >= tBack), 10_000, 'a send after the network came back');
      await sleep(500);
      const results = await load.stop();

      expectOnly200Or503(results);
      expect(results.filter((r) => r.started > tCut + 2000 && r.ended < tBack).every((r) => r.status === 503)).toBe(true);
      // Including the requests caught in flight when the network stalled.
      expect(slowest(results)).toBeLessThan(2000);
      expect(firstOk.ended - tBack).toBeLessThan(2000);
      await server.stop();
      await expectAcknowledgedStored(databaseUrl, results);
      await expectUsageLogged(databaseUrl, team, results.length);
    } finally {
      await server.stop().catch(() => undefined);
      await proxy.close();
    }
  }, 60_000);
});

describe('faults: connections killed with pg_terminate_backend', () => {
  it('keeps serving: the pools, LISTEN and the job queue reconnect by themselves', async () => {
    const databaseUrl = await createTestDatabase('faults');
    const server = await startInProcess(databaseUrl);
    try {
      const team = await setUpTeam(server.url);
      const load = sendLoad(server.url, team, { loops: 3, pauseMs: 10, prefix: 'terminate' });
      await sleep(800);
      const killed = await sql<{ pid: number }>(
        databaseUrl,
        'select pg_terminate_backend(pid), pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      expect(killed.length).toBeGreaterThanOrEqual(3);
      const tKill = performance.now();
      await sleep(1500);
      const results = await load.stop();

      expectOnly200Or503(results);
      expect(slowest(results)).toBeLessThan(2000);
      // Sends succeed again within a second of the kill.
      const after = results.filter((r) => r.started > tKill + 1000);
      expect(after.length).toBeGreaterThan(5);
      expect(after.every((r) => r.status === 200)).toBe(true);
      await waitFor(() => (server.app.services.notifier.listening ? true : undefined), 5000, 'LISTEN to be back');
      await server.stop();
      await expectAcknowledgedStored(databaseUrl, results);
      await expectUsageLogged(databaseUrl, team, results.length);
    } finally {
      await server.stop().catch(() => undefined);
    }
  }, 60_000);

  it('a connection killed while checked out (a transaction in progress) fails its statement, not the process', async () => {
    const databaseUrl = await createTestDatabase('faults');
    const pool = createPool(databaseUrl);
    try {
      const client = await pool.connect();
      await client.query('begin');
      const [{ pid }] = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows;
      await sql(databaseUrl, 'select pg_terminate_backend($1)', [pid]);
      // Without a listener on the checked-out client, its 'error' event would end the process here.
      await sleep(300);
      await expect(client.query('select 1')).rejects.toThrow();
      client.release(true);
      expect((await pool.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('flushes the key cache when LISTEN comes back: a key deleted while it was cut off is refused at once', async () => {
    const databaseUrl = await createTestDatabase('faults');
    const proxy = await startTcpProxy(Number(new URL(databaseUrl).port));
    const direct = await startInProcess(databaseUrl);
    const cutOff = await startInProcess(proxy.urlFor(databaseUrl));
    try {
      const team = await setUpTeam(direct.url);
      // The cut-off instance has the key cached (a cache hit needs no database).
      expect((await sendEmail(cutOff.url, team, 'cached')).status).toBe(200);
      proxy.setMode('drop');
      await waitFor(() => (cutOff.app.services.notifier.listening ? undefined : true), 5000, 'LISTEN to be lost');
      const client = createClient(direct.url);
      client.cookie = team.cookie;
      const deleted = await client.gql(`mutation($id: ID!) { deleteApiKey(id: $id) }`, { id: team.keyId });
      expect(deleted.errors).toBeUndefined();
      proxy.setMode('pass');
      await waitFor(() => (cutOff.app.services.notifier.listening ? true : undefined), 5000, 'LISTEN to be back');
      const res = await sendEmail(cutOff.url, team, 'after delete');
      expect({ status: res.status, name: res.name }).toEqual({ status: 403, name: 'invalid_api_key' });
    } finally {
      await cutOff.stop().catch(() => undefined);
      await direct.stop().catch(() => undefined);
      await proxy.close();
    }
  }, 60_000);
});

describe('faults: a slow database', () => {
  it('cancels a statement after DATABASE_STATEMENT_TIMEOUT_SECONDS with a 503, and keeps answering everything else', async () => {
    const databaseUrl = await createTestDatabase('faults');
    const server = await startInProcess(databaseUrl, { DATABASE_STATEMENT_TIMEOUT_SECONDS: '1' });
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      const team = await setUpTeam(server.url);
      expect((await sendEmail(server.url, team, 'before')).status).toBe(200);
      // Something holds the email table: every send waits on its lock.
      await locker.query('begin');
      await locker.query('lock table email in access exclusive mode');
      const slow = await Promise.all(Array.from({ length: 12 }, (_, i) => sendEmail(server.url, team, `slow ${i}`)));
      for (const r of slow) {
        expect({ status: r.status, name: r.name }).toEqual({ status: 503, name: 'service_unavailable' });
        expect(r.ended - r.started).toBeLessThan(2500);
      }
      // The pool was not held: readiness and other queries answer meanwhile.
      const t0 = performance.now();
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
      expect(performance.now() - t0).toBeLessThan(500);
      await locker.query('rollback');
      expect((await sendEmail(server.url, team, 'after')).status).toBe(200);
    } finally {
      await locker.end();
      await server.stop();
    }
  }, 60_000);
});
