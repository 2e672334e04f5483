import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sql } from '../../../test/harness.js';
import { startTcpProxy, type TcpProxy } from '../../../test/tcp-proxy.js';
import { initOrm, migrate } from '../../db/orm.js';
import { createLogger } from '../../logger.js';
import { type UsageEntry, UsageRecorder } from './usage-recorder.js';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
const entry = (over: Partial<UsageEntry> = {}): UsageEntry => ({
  teamId: randomUUID(),
  apiKeyId: randomUUID(),
  method: 'POST',
  endpoint: '/emails',
  statusCode: 200,
  userAgent: 'test',
  durationMs: 3,
  requestBody: { subject: 'hello' },
  responseBody: { id: 'x' },
  createdAt: new Date(),
  ...over,
});

/** A team row for the logs' foreign key. */
async function team(url: string): Promise<string> {
  const id = randomUUID();
  await sql(url, `insert into team (id, name, created_at) values ($1, 'Recorder', now())`, [id]);
  return id;
}

async function migrated(url: string) {
  const orm = await initOrm(url, logger);
  await migrate(orm);
  await orm.close();
}

describe('UsageRecorder: writes PostgreSQL refuses for good are never retried for ever', () => {
  let url: string;
  let pool: pg.Pool;
  beforeAll(async () => {
    // A LATIN1 database (Keyring refuses to start on one; the recorder must cope with refusals all the same).
    const base = new URL(await createTestDatabase('recorder'));
    const name = `latin1_rec_${Date.now()}`;
    await sql(base.toString(), `create database ${name} encoding 'LATIN1' lc_collate 'C' lc_ctype 'C' template template0`);
    base.pathname = `/${name}`;
    url = base.toString();
    await migrated(url);
    pool = new pg.Pool({ connectionString: url, max: 2 });
  });
  afterAll(() => pool?.end());

  it('keeps an entry without the bodies PostgreSQL cannot store, drops one it refuses even then, and writes the rest of the batch', async () => {
    const recorder = new UsageRecorder(pool, logger, { intervalMs: 60_000 });
    const teamId = await team(url);
    recorder.record(entry({ teamId, endpoint: '/ok-1' }));
    recorder.record(entry({ teamId, endpoint: '/unicode', requestBody: { subject: '日本語 — not in LATIN1' } }));
    recorder.record(entry({ teamId, endpoint: '/bad-status', statusCode: 70_000 }));
    recorder.record(entry({ teamId, endpoint: '/ok-2' }));
    await recorder.flush();
    const rows = await sql<{ endpoint: string; request_body: unknown }>(
      url,
      'select endpoint, request_body from usage_log where team_id = $1 order by endpoint',
      [teamId],
    );
    expect(rows).toEqual([
      { endpoint: '/ok-1', request_body: { subject: 'hello' } },
      { endpoint: '/ok-2', request_body: { subject: 'hello' } },
      { endpoint: '/unicode', request_body: { unstorable: true } },
    ]);
    expect(recorder.depth).toBe(0);
    expect(recorder.stats).toMatchObject({ written: 3, keptWithoutBodies: 1, refused: 1 });
    // Nothing left to retry: another flush writes nothing more.
    await recorder.flush();
    expect(recorder.stats.written).toBe(3);
    await recorder.close();
  });
});

describe('UsageRecorder: bounded while the database is unreachable', () => {
  let url: string;
  let proxy: TcpProxy;
  let pool: pg.Pool;
  beforeAll(async () => {
    url = await createTestDatabase('recorder');
    await migrated(url);
    proxy = await startTcpProxy(Number(new URL(url).port));
    pool = new pg.Pool({ connectionString: proxy.urlFor(url), max: 2, connectionTimeoutMillis: 1000 });
    pool.on('error', () => undefined);
  });
  afterAll(async () => {
    await pool?.end();
    await proxy?.close();
  });

  it('keeps entries (then without bodies past half the bytes, then none past the limit), counts what it shed, and writes what it kept once the database is back', async () => {
    const maxEntries = 60;
    const maxBytes = 40_000;
    const recorder = new UsageRecorder(pool, logger, { intervalMs: 60_000, maxEntries, maxBytes, maxBatch: 1000 });
    const teamId = await team(url);
    proxy.setMode('drop');
    const big = 'x'.repeat(1000);
    for (let i = 0; i < 100; i++) recorder.record(entry({ teamId, endpoint: `/e/${i}`, requestBody: { big } }));
    await recorder.flush();
    expect(recorder.depth).toBe(maxEntries);
    expect(recorder.bytes).toBeLessThanOrEqual(maxBytes);
    expect(recorder.stats.entriesShed).toBe(100 - maxEntries);
    expect(recorder.stats.bodiesShed).toBeGreaterThan(0);
    expect(recorder.stats.written).toBe(0);

    proxy.setMode('pass');
    await recorder.close(); // flushes at once, whatever the backoff
    const rows = await sql<{ n: string; bodiless: string }>(
      url,
      `select count(*) as n, count(*) filter (where request_body ? 'omitted') as bodiless from usage_log where team_id = $1`,
      [teamId],
    );
    expect(Number(rows[0].n)).toBe(maxEntries);
    expect(Number(rows[0].bodiless)).toBe(recorder.stats.bodiesShed);
    expect(recorder.depth).toBe(0);
  });
});
