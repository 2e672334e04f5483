import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { LOG_PARTITIONS_QUEUE } from '../src/modules/usage-log/usage-log.jobs.js';
import { LOG_PARTITION_AHEAD_DAYS, listLogPartitions, maintainLogPartitions, utcDay } from '../src/modules/usage-log/usage-log.partitions.js';
import { sql, startTestServer, type TestServer, waitFor } from './harness.js';
import { setUpTeam, type Team } from './rest-harness.js';

const DAY = 86_400_000;
const RETENTION = 10;
let server: TestServer;
let acme: Team;

const daysAgo = (n: number) => new Date(Date.now() - n * DAY);
const partitionOf = (day: Date) => `usage_log_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;

/** Inserts one log row as a backfill would, and answers the partition it landed in. */
async function backfill(createdAt: Date, userAgent: string): Promise<string> {
  const [row] = await sql<{ partition: string }>(
    server.databaseUrl,
    `insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, created_at)
     values (gen_random_uuid(), $1, $2, 'backfill', 'POST', '/emails', 200, $3, 1, $4) returning tableoid::regclass::text as partition`,
    [acme.teamId, acme.full.id, userAgent, createdAt],
  );
  return row.partition;
}

const rowsWithAgent = async (userAgent: string) =>
  Number((await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from usage_log where user_agent = $1', [userAgent]))[0].n);

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0', LOG_RETENTION_DAYS: String(RETENTION) });
  acme = await setUpTeam(server, 'Acme');
});
afterAll(() => server?.stop());

describe('usage_log partitions', () => {
  it('is partitioned by day, with a partition for every day of the retention window and a week ahead', async () => {
    const [table] = await sql<{ strategy: string }>(
      server.databaseUrl,
      `select partstrat as strategy from pg_partitioned_table where partrelid = 'usage_log'::regclass`,
    );
    expect(table.strategy).toBe('r');
    const names = (await listLogPartitions(server.app.services.pool)).map((p) => p.name);
    const expected: string[] = [];
    for (let d = utcDay(daysAgo(RETENTION)); d <= utcDay(new Date(Date.now() + LOG_PARTITION_AHEAD_DAYS * DAY)); d = new Date(d.getTime() + DAY)) {
      expected.push(partitionOf(d));
    }
    expect(names).toEqual(expect.arrayContaining(expected));
    const [fallback] = await sql<{ n: string }>(server.databaseUrl, `select count(*) as n from pg_inherits where inhrelid = 'usage_log_default'::regclass`);
    expect(Number(fallback.n)).toBe(1);
  });

  it('writes a request made now into the partition of today', async () => {
    const agent = `today-${Date.now()}`;
    const res = await fetch(`${server.url}/api/domains`, { headers: { authorization: `Bearer ${acme.full.token}`, 'user-agent': agent } });
    expect(res.status).toBe(200);
    await server.app.services.usageRecorder.flush();
    const [row] = await sql<{ partition: string }>(server.databaseUrl, 'select tableoid::regclass::text as partition from usage_log where user_agent = $1', [
      agent,
    ]);
    expect(row.partition).toBe(partitionOf(new Date()));
  });

  it('takes a backfilled row of any day inside the retention window into that day', async () => {
    for (const n of [0, 1, RETENTION - 1, RETENTION]) {
      const at = new Date(daysAgo(n).getTime() + 1000);
      expect(await backfill(at, `backfill-${n}`)).toBe(partitionOf(at));
    }
  });

  it('never refuses a row for its timestamp: one no partition is there for waits in the default partition, then moves into its day', async () => {
    const far = new Date(Date.now() + 30 * DAY);
    expect(await backfill(far, 'far-future')).toBe('usage_log_default');
    const done = await maintainLogPartitions(server.app.services.pool, { retentionDays: RETENTION, drop: false, now: far });
    expect(done.created).toContain(partitionOf(far));
    const [row] = await sql<{ partition: string }>(
      server.databaseUrl,
      `select tableoid::regclass::text as partition from usage_log where user_agent = 'far-future'`,
    );
    expect(row.partition).toBe(partitionOf(far));
  });

  it('lets instances maintain the partitions at the same time, each partition made once', async () => {
    const later = new Date(Date.now() + 60 * DAY);
    const runs = await Promise.all([1, 2, 3].map(() => maintainLogPartitions(server.app.services.pool, { retentionDays: RETENTION, drop: false, now: later })));
    const created = runs.flatMap((r) => r.created);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created).size).toBe(created.length);
    expect(runs.flatMap((r) => r.failed)).toEqual([]);
    expect((await maintainLogPartitions(server.app.services.pool, { retentionDays: RETENTION, drop: false, now: later })).created).toEqual([]);
  });
});

describe('retention', () => {
  it('drops whole the partitions older than LOG_RETENTION_DAYS, and the rows that old in the default partition, from the periodic job', async () => {
    const pool = server.app.services.pool;
    // The maintenance each start sends must have run: run later, it would drop the old partition
    // made below before its row is written (the row then lands in the default partition).
    await waitFor(
      async () =>
        (await sql(server.databaseUrl, `select 1 from pgboss.job where name = $1 and state in ('created', 'retry', 'active')`, [LOG_PARTITIONS_QUEUE])).length
          ? undefined
          : true,
      20_000,
      'the start-up maintenance to have run',
    );
    // A day from when logs were kept longer: its partition exists, with a backdated row in it.
    const old = daysAgo(RETENTION + 5);
    await sql(server.databaseUrl, 'select keyring_log_partition($1::date)', [old.toISOString().slice(0, 10)]);
    expect(await backfill(old, 'backdated')).toBe(partitionOf(old));
    // Older still, with no partition: the default partition took it.
    expect(await backfill(daysAgo(RETENTION + 40), 'backdated-default')).toBe('usage_log_default');
    // An hour into the oldest day kept (an hour after "RETENTION days ago" is the next day after 23:00 UTC).
    const kept = await backfill(new Date(utcDay(daysAgo(RETENTION)).getTime() + 3_600_000), 'kept');
    expect(kept).toBe(partitionOf(daysAgo(RETENTION)));

    await server.app.services.jobs.send(LOG_PARTITIONS_QUEUE, {});
    await waitFor(async () => ((await listLogPartitions(pool)).some((p) => p.name === partitionOf(old)) ? undefined : true), 20_000, 'the old partition to go');
    await waitFor(async () => ((await rowsWithAgent('backdated-default')) === 0 ? true : undefined), 10_000, 'the old default row to go');

    expect(await rowsWithAgent('backdated')).toBe(0);
    expect(await rowsWithAgent('kept')).toBe(1);
    const oldest = (await listLogPartitions(pool))[0];
    expect(oldest.to.getTime()).toBeGreaterThan(daysAgo(RETENTION).getTime());
    expect(oldest.from.getTime()).toBeLessThanOrEqual(daysAgo(RETENTION).getTime());
  });

  it('never gives a dropped day a partition again, even when the window widens (its logs are gone for good)', async () => {
    const pool = server.app.services.pool;
    const oldest = (await listLogPartitions(pool))[0];
    const done = await maintainLogPartitions(pool, { retentionDays: RETENTION + 30, drop: false });
    expect(done.created).toEqual([]);
    expect((await listLogPartitions(pool))[0]).toEqual(oldest);
  });

  it('is idempotent: a second run drops nothing more', async () => {
    await maintainLogPartitions(server.app.services.pool, { retentionDays: RETENTION, drop: true });
    const done = await maintainLogPartitions(server.app.services.pool, { retentionDays: RETENTION, drop: true });
    expect(done).toEqual({ created: [], dropped: [], failed: [], defaultRowsDeleted: 0 });
  });

  it('gives up on a partition behind a long read after its lock timeout, and drops it on the next run', async () => {
    const pool = server.app.services.pool;
    const old = daysAgo(RETENTION + 3);
    await sql(server.databaseUrl, 'select keyring_log_partition($1::date)', [old.toISOString().slice(0, 10)]);
    const reader = await pool.connect();
    try {
      // A long export, say: a transaction that has read the logs and goes on.
      await reader.query('begin');
      await reader.query('select count(*) from usage_log');
      const t0 = Date.now();
      const done = await maintainLogPartitions(pool, { retentionDays: RETENTION, drop: true });
      expect(done.failed).toEqual([partitionOf(old)]);
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      await reader.query('commit');
      reader.release();
    }
    // This run drops it, unless the periodic job got there first.
    await maintainLogPartitions(pool, { retentionDays: RETENTION, drop: true });
    expect((await listLogPartitions(pool)).map((p) => p.name)).not.toContain(partitionOf(old));
  });
});

describe('LOG_RETENTION_DAYS', () => {
  it('defaults to 30 days and refuses values out of 1…365, naming the variable', () => {
    expect(loadConfig({}).LOG_RETENTION_DAYS).toBe(30);
    expect(loadConfig({ LOG_RETENTION_DAYS: '7' }).LOG_RETENTION_DAYS).toBe(7);
    for (const value of ['0', '366', '1.5', 'a month', '-3']) {
      expect(() => loadConfig({ LOG_RETENTION_DAYS: value }), value).toThrow(/LOG_RETENTION_DAYS:/);
    }
  });
});
