import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { initOrm } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';
import { INLINE_EXPORT_SLOTS } from '../src/modules/export/export.connections.js';
import { signUpAdmin, sql, startTestServer, type TestClient, type TestServer, waitFor } from './harness.js';

// Bounded load: what many exports at once may cost the database, and one team's exports another's.
let server: TestServer;
const cleanup: (() => Promise<void>)[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const c of cleanup) await c();
  await server?.stop();
});

const CREATE = `mutation($input: CreateExportInput!) { createExport(input: $input) { id status rowCount } }`;

async function seedLogs(teamId: string, rows: number) {
  await sql(
    server.databaseUrl,
    `insert into usage_log (id, team_id, method, endpoint, status_code, user_agent, duration_ms, created_at)
     select gen_random_uuid(), $1, 'POST', '/emails', 200, 'load agent ' || i, i % 50, now() - i * interval '1 millisecond'
       from generate_series(1, $2::int) as i`,
    [teamId, rows],
  );
}

describe('database connections', () => {
  it('small exports take their connections from a bounded pool: ten at once open none the second time, and the peak stays bounded', async () => {
    const { client } = await signUpAdmin(server, 'Small exports');
    for (const name of ['a.example.com', 'b.example.com']) {
      await client.gql(`mutation($input: CreateDomainInput!) { createDomain(input: $input) { id } }`, { input: { name } });
    }
    const watcher = new pg.Client({ connectionString: server.databaseUrl });
    await watcher.connect();
    const connections = async () =>
      Number((await watcher.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = current_database()')).rows[0].n);
    try {
      const round = async () => {
        const started = (await watcher.query<{ now: Date }>('select now()')).rows[0].now;
        let peak = 0;
        const opened = new Set<number>();
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            const { rows } = await watcher.query<{ pid: number; fresh: boolean }>(
              'select pid, backend_start > $1 as fresh from pg_stat_activity where datname = current_database()',
              [started],
            );
            peak = Math.max(peak, rows.length);
            for (const r of rows) if (r.fresh) opened.add(r.pid);
            await new Promise((r) => setTimeout(r, 5));
          }
        })();
        const results = await Promise.all(Array.from({ length: 10 }, () => client.gql(CREATE, { input: { resource: 'DOMAINS' } })));
        sampling = false;
        await sampler;
        for (const r of results) expect(r.data?.createExport, JSON.stringify(r.errors)).toMatchObject({ status: 'READY', rowCount: 2 });
        return { peak, opened: opened.size };
      };
      const baseline = await connections();
      const first = await round();
      const second = await round();
      // Unpooled, every export opened two connections of its own: 20 new ones each round, 12 → 34 at the peak.
      console.log(`connections: baseline ${baseline}, peaks ${first.peak} and ${second.peak}, opened ${first.opened} then ${second.opened}`);
      expect(second.opened).toBeLessThanOrEqual(2);
      // At most the ORM's pool (10, for the ten requests) and the small exports' pair of pools (2 × 2).
      expect(Math.max(first.peak, second.peak) - baseline).toBeLessThanOrEqual(10 + 2 * INLINE_EXPORT_SLOTS);
    } finally {
      await watcher.end();
    }
  });
});

describe('fairness between teams', () => {
  it("one team's flood of large exports does not hold back another team's small background export, with two instances running jobs", {
    timeout: 120_000,
  }, async () => {
    // A second instance with workers on the same database: the team's limit holds across both.
    const logger = createLogger('silent');
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: server.databaseUrl, CLIENT_DIST: '/nonexistent' });
    const orm = await initOrm(server.databaseUrl, logger);
    const second = await createApp({ config, orm, logger });
    cleanup.push(async () => {
      await second.close();
      await orm.close();
    });
    const flooder = await signUpAdmin(server, 'Flooder');
    const other = await signUpAdmin(server, 'Other');
    await seedLogs(flooder.user.team.id, 50_000);
    await seedLogs(other.user.team.id, 1_500);
    const create = async (client: TestClient) => {
      const res = await client.gql(CREATE, { input: { resource: 'LOGS' } });
      expect(res.data?.createExport.status, JSON.stringify(res.errors)).toBe('PROCESSING');
      return res.data!.createExport.id as string;
    };
    const flood: string[] = [];
    for (let i = 0; i < 6; i++) flood.push(await create(flooder.client));
    // How many of the flood's exports are being written at once (an attempt writing, from before its
    // first row to READY), sampled throughout. (Rows counted so far, the measure before, left too
    // short a window once 50,000 rows took ~0.1 s to export: it caught none.)
    let mostAtOnce = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [row] = await sql<{ n: string }>(
          server.databaseUrl,
          `select count(*) as n from export where id = any($1) and status = 'PROCESSING' and writing_attempt is not null`,
          [flood],
        );
        mostAtOnce = Math.max(mostAtOnce, Number(row.n));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // The other team's export is queued behind all six.
    const started = Date.now();
    const small = await create(other.client);
    const status = async (ids: string[]) => sql<{ id: string; status: string }>(server.databaseUrl, 'select id, status from export where id = any($1)', [ids]);
    await waitFor(async () => ((await status([small]))[0].status === 'READY' ? true : undefined), 60_000, 'the small export');
    const took = Date.now() - started;
    const floodLeft = (await status(flood)).filter((e) => e.status === 'PROCESSING').length;
    // One global queue, one job at a time: the small export waited for all six (floodLeft 0).
    expect(floodLeft).toBeGreaterThanOrEqual(3);
    expect(took).toBeLessThan(5_000);
    console.log(`small export of another team READY in ${took} ms, with ${floodLeft} of the flood's 6 exports still PROCESSING`);
    // The flood still finishes.
    await waitFor(async () => ((await status(flood)).every((e) => e.status === 'READY') ? true : undefined), 100_000, 'the flood');
    sampling = false;
    await sampler;
    // EXPORT_TEAM_CONCURRENCY (1), across both instances and their six workers.
    expect(mostAtOnce).toBe(1);
    const times = await sql<{ s: number }>(
      server.databaseUrl,
      'select extract(epoch from completed_at - created_at)::float as s from export where id = any($1) order by completed_at',
      [flood],
    );
    console.log(`the flood's exports READY after ${times.map((t) => t.s.toFixed(1)).join(', ')} s`);
  });
});
