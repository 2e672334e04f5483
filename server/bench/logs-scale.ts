// BENCH_ONLY=logs_scale: the dashboard's reads with 10,000 logs and with BENCH_LOG_ROWS (10 M),
// one team's, seeded with set-based SQL; the log-write rate on an empty table and a full one; and
// a LOGS export of them all against psql \copy.
import { randomUUID } from 'node:crypto';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { rebuildRollups, WRITE_USAGE_LOGS } from '../src/modules/usage-log/usage-rollup.js';
import { gql, line, measureExport, type Server, startServer } from './lib.js';
import { seedLogs } from './logs-seed.js';

const ROWS = Number(process.env.BENCH_LOG_ROWS ?? 10_000_000);
const BASE = 10_000;
const CHUNK = 1_000_000;
const SAMPLES = Number(process.env.BENCH_LOG_SAMPLES ?? 50);
const WARMUP = 10;
const WRITE_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** The export of every row runs up to 10 M rows (its CSV, stored and downloaded, is ~1.5 GB there), or when BENCH_LOG_EXPORT=1. */
const EXPORT = process.env.BENCH_LOG_EXPORT ? process.env.BENCH_LOG_EXPORT === '1' : ROWS <= 10_000_000;

const LOG_FIELDS = 'id method endpoint statusCode durationMs userAgent createdAt apiKeyId apiKeyName apiKey { id name }';
const LOGS_PAGE = `query($filter: UsageLogFilter, $after: String) {
  usageLogs(filter: $filter, first: 50, after: $after) { edges { cursor node { ${LOG_FIELDS} } } pageInfo { hasNextPage endCursor } searchedUntil }
  usageLogRetention { days oldestAt }
}`;

type Read = { name: string; query: string; variables: Record<string, unknown> };

const p = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One GraphQL request over a kept-alive socket (Node's fetch costs the bench's client milliseconds of its own); ms until the last byte. */
function timedGql(server: Server, session: string, read: Read): Promise<number> {
  const body = JSON.stringify({ query: read.query, variables: read.variables });
  const url = new URL(`${server.url}/graphql`);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), cookie: session } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200 || text.includes('"errors":[')) reject(new Error(`${read.name}: ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve(ms);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function timeReads(server: Server, session: string, reads: Read[]): Promise<Map<string, { p50: number; p95: number }>> {
  const out = new Map<string, { p50: number; p95: number }>();
  for (const read of reads) {
    const times: number[] = [];
    for (let i = 0; i < SAMPLES + WARMUP; i++) {
      const ms = await timedGql(server, session, read);
      if (i >= WARMUP) times.push(ms);
    }
    times.sort((a, b) => a - b);
    out.set(read.name, { p50: p(times, 0.5), p95: p(times, 0.95) });
  }
  return out;
}

/** Rows per second that the recorder's one statement writes, batches of 1,000 as it sends them, for WRITE_SECONDS. */
async function writeRate(pool: pg.Pool, teamId: string, keys: { id: string }[]): Promise<number> {
  const batch = (n: number) =>
    JSON.stringify(
      Array.from({ length: 1000 }, (_, i) => ({
        id: randomUUID(),
        team_id: teamId,
        api_key_id: keys[(n + i) % keys.length].id,
        method: 'POST',
        endpoint: '/emails',
        status_code: i % 20 === 0 ? 422 : 200,
        user_agent: 'resend-node:6.38.0',
        duration_ms: i % 40,
        request_body: { to: ['a@example.org'], subject: 'Hi' },
        response_body: { id: 'x' },
        created_at: new Date().toISOString(),
      })),
    );
  let rows = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < WRITE_SECONDS * 1000) {
    await pool.query(WRITE_USAGE_LOGS, [batch(rows)]);
    rows += 1000;
  }
  return rows / ((performance.now() - t0) / 1000);
}

/** After seeding behind the recorder's back, as after a backfill: rollups rebuilt, counters from them, statistics. */
async function settle(pool: pg.Pool): Promise<number> {
  const t0 = performance.now();
  await rebuildRollups(pool);
  await pool.query(
    `update api_key k set request_count = r.n, last_used_at = r.last
       from (select api_key_id, sum(requests) as n, max(last_used_at) as last from usage_rollup group by 1) r where r.api_key_id = k.id`,
  );
  // What autovacuum does to a table that only grows (PostgreSQL 13+ vacuums after inserts too).
  await pool.query('vacuum (analyze) usage_log');
  return (performance.now() - t0) / 1000;
}

export async function logsScale() {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'keyring-bench-logs-'));
  const db = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true, settings: { max_wal_size: '8GB' } });
  let server = await startServer(db.url);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  try {
    console.log(`# logs_scale — ${BASE.toLocaleString('en-US')} then ${ROWS.toLocaleString('en-US')} logs of one team, p95 of ${SAMPLES} GraphQL reads each`);
    const signUp = await gql(server.url, `mutation { signUp(input: { email: "logs@example.com", password: "benchmark-password", teamName: "Logs" }) { team { id } } }`);
    const session = signUp.cookie!;
    const teamId = signUp.data.signUp.team.id as string;
    const keys: { id: string; name: string }[] = [];
    for (let i = 1; i <= 5; i++) {
      const made = await gql(server.url, `mutation { createApiKey(input: { name: "key ${i}", permission: FULL_ACCESS }) { apiKey { id name } } }`, {}, session);
      keys.push(made.data.createApiKey.apiKey);
    }

    const writeEmpty = await writeRate(pool, teamId, keys);
    await pool.query('truncate usage_log');
    await pool.query('delete from usage_rollup');
    await pool.query('update api_key set request_count = 0, last_used_at = null');

    const now = new Date();
    await seedLogs(pool, { teamId, keys, first: 1, count: BASE, total: BASE, now });
    await settle(pool);

    // A day three days back; a cursor 19 pages deep is found at each size.
    const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 3));
    const reads = async (): Promise<Read[]> => {
      let after: string | null = null;
      for (let i = 0; i < 19; i++) after = (await gql(server.url, LOGS_PAGE, { filter: {}, after }, session)).data.usageLogs.pageInfo.endCursor;
      return [
        { name: 'api_keys', query: `{ apiKeys { id name permission tokenStart createdAt lastUsedAt usageStatus requestCount expiresAt domain { id name } } }`, variables: {} },
        { name: 'health', query: `{ apiKeyHealth { total neverUsed inactive fullAccess expiringSoon } }`, variables: {} },
        { name: 'usage_chart', query: `query($id: ID!) { apiKey(id: $id) { id usage(days: 30) { date requests errors } } }`, variables: { id: keys[0].id } },
        { name: 'logs_page1', query: LOGS_PAGE, variables: { filter: {} } },
        { name: 'logs_key_4xx', query: LOGS_PAGE, variables: { filter: { apiKeyId: keys[1].id, statusClass: 4 } } },
        { name: 'logs_5xx', query: LOGS_PAGE, variables: { filter: { statusClass: 5 } } },
        {
          name: 'logs_route_day',
          query: LOGS_PAGE,
          variables: { filter: { method: 'GET', endpoint: '/domains', from: day.toISOString(), to: new Date(day.getTime() + 86_400_000 - 1).toISOString() } },
        },
        { name: 'logs_page20', query: LOGS_PAGE, variables: { filter: {}, after } },
      ];
    };
    const small = await timeReads(server, session, await reads());

    const t0 = performance.now();
    for (let hi = ROWS; hi > BASE; hi -= CHUNK) {
      const first = Math.max(BASE + 1, hi - CHUNK + 1);
      await seedLogs(pool, { teamId, keys, first, count: hi - first + 1, total: ROWS, now });
      if (ROWS > 10 * CHUNK && (ROWS - first + 1) % (10 * CHUNK) < CHUNK) console.log(`#   seeded ${(ROWS - first + 1 + BASE).toLocaleString('en-US')} rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    const seeded = (performance.now() - t0) / 1000;
    const settled = await settle(pool);
    const [size] = (await pool.query<{ heap: string; indexes: string }>(
      `select sum(pg_relation_size(c.oid)) filter (where c.relkind = 'r') as heap, sum(pg_relation_size(c.oid)) filter (where c.relkind = 'i') as indexes
         from pg_inherits i join pg_class p on p.oid = i.inhparent join pg_class c on c.oid = i.inhrelid or c.oid in (select indexrelid from pg_index where indrelid = i.inhrelid)
        where p.relname = 'usage_log'`,
    )).rows;
    const gb = (b: string) => (Number(b) / 1e9).toFixed(1);
    console.log(`#   ${ROWS.toLocaleString('en-US')} rows seeded in ${seeded.toFixed(0)} s, rollups rebuilt and vacuumed in ${settled.toFixed(0)} s; heap ${gb(size.heap)} GB, indexes ${gb(size.indexes)} GB`);

    // A restart, as after the seeding by hand: the server's connections start cold.
    await server.stop();
    server = await startServer(db.url);
    const large = await timeReads(server, session, await reads());
    for (const [name, at] of large) {
      const base = small.get(name)!;
      line(`logs_${name}`.replace('logs_logs_', 'logs_'), (at.p95 / base.p95).toFixed(2), `goal ≤ 1.5, ≤ 50 ms  (p95 ${base.p95.toFixed(1)} ms at 10,000 → ${at.p95.toFixed(1)} ms at ${ROWS.toLocaleString('en-US')}; p50 ${base.p50.toFixed(1)} → ${at.p50.toFixed(1)})`);
    }

    const writeFull = await writeRate(pool, teamId, keys);
    line('log_write_rate', (writeFull / writeEmpty).toFixed(2), `goal ≥ 0.8  (${writeFull.toFixed(0)} rows/s at ${ROWS.toLocaleString('en-US')} rows vs ${writeEmpty.toFixed(0)} on an empty table; batches of 1,000, one statement each)`);

    if (EXPORT) {
      const [{ n }] = (await pool.query<{ n: string }>('select count(*) as n from usage_log where team_id = $1', [teamId])).rows;
      await measureExport({ server, databaseUrl: db.url, dir, teamId, session, rows: Number(n), prefix: 'logs_' });
    }
  } finally {
    await pool.end();
    await server.stop().catch(() => undefined);
    await db.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
