// BENCH_ONLY=logs_scale: the dashboard's reads with 10,000 logs and with BENCH_LOG_ROWS (10 M; a
// list such as 10000000,30000000 measures at each size as the table grows), one team's, seeded
// with set-based SQL; the log-write rate on an empty table and a full one; and a LOGS export of
// them all against psql \copy. Each size is on a PostgreSQL of its own, all running at once, and
// their figures are sampled in turns, so that the load of a shared machine falls on both alike.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../src/db/embedded.js';
import { rebuildRollups, WRITE_USAGE_LOGS } from '../src/modules/usage-log/usage-rollup.js';
import { clusterTicks, gql, line, measureExport, processTicks, type Server, startServer } from './lib.js';
import { seedLogs } from './logs-seed.js';

const SIZES = (process.env.BENCH_LOG_ROWS ?? '10000000').split(',').map(Number);
const BASE = 10_000;
const CHUNK = 1_000_000;
const SAMPLES = Number(process.env.BENCH_LOG_SAMPLES ?? 50);
const WARMUP = 10;
const WRITE_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** The export of every row runs at sizes up to 10 M rows (its CSV, stored and downloaded, is ~1.5 GB there), or at every size when BENCH_LOG_EXPORT=1. */
const exportAt = (rows: number) => (process.env.BENCH_LOG_EXPORT ? process.env.BENCH_LOG_EXPORT === '1' : rows <= 10_000_000);
const fmt = (n: number) => n.toLocaleString('en-US');

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
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), cookie: session },
      },
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

type Side = {
  name: string;
  db: EmbeddedDatabase;
  postmaster: number;
  server: Server;
  pool: pg.Pool;
  session: string;
  teamId: string;
  keys: { id: string; name: string }[];
};
/** Wall-clock p50 and p95 (ms, over kept-alive HTTP) and the mean CPU time a read cost its server and PostgreSQL (ms). */
type Timing = { p50: number; p95: number; cpu: number };

/** CPU ticks of a side: its server process, its PostgreSQL's postmaster and every child (backends, writers, the WAL). */
function sideTicks(side: Side): number {
  return processTicks(side.server.child.pid!) + clusterTicks(side.postmaster);
}

/**
 * Each read's p50 and p95 on both sides, sampled in turns (small, large, large, small, …): the
 * machine's load, shared with whatever else runs on it, falls on both alike, so their ratio is the
 * table's size and not the neighbours. Also the CPU time each read cost the side's server and
 * PostgreSQL, less what they burn idle (timers, health checks, the job queue): the server time a
 * read takes on a core of its own, which the wall clock on a loaded machine does not show.
 */
async function timeReads(small: [Side, Read[]], large: [Side, Read[]]): Promise<Map<string, { small: Timing; large: Timing }>> {
  const sides = [small[0], large[0]];
  const i0 = [sides.map(sideTicks), performance.now()] as const;
  await new Promise((r) => setTimeout(r, 5000));
  const idle = sides.map((side, s) => ((sideTicks(side) - i0[0][s]) * 10) / (performance.now() - i0[1])); // ms of CPU per ms
  const out = new Map<string, { small: Timing; large: Timing }>();
  for (let r = 0; r < small[1].length; r++) {
    const times: [number[], number[]] = [[], []];
    let t0: readonly [number[], number] = [[], 0];
    for (let i = 0; i < SAMPLES + WARMUP; i++) {
      if (i === WARMUP) t0 = [sides.map(sideTicks), performance.now()];
      const order = i % 2 === 0 ? [0, 1] : [1, 0];
      for (const s of order) {
        const [side, reads] = s === 0 ? small : large;
        const ms = await timedGql(side.server, side.session, reads[r]);
        if (i >= WARMUP) times[s].push(ms);
      }
    }
    const elapsed = performance.now() - t0[1];
    const timing = (s: number) => {
      const t = times[s].sort((a, b) => a - b);
      const cpu = Math.max(0, (sideTicks(sides[s]) - t0[0][s]) * 10 - idle[s] * elapsed) / SAMPLES;
      return { p50: p(t, 0.5), p95: p(t, 0.95), cpu };
    };
    out.set(small[1][r].name, { small: timing(0), large: timing(1) });
  }
  return out;
}

/** Log rows for the recorder's one statement, as it sends them: batches of 1,000. */
function logBatch(teamId: string, keys: { id: string }[], n: number): string {
  return JSON.stringify(
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
}

/**
 * Rows per second that the recorder's statement writes into each side's table, in turns of a
 * second each (load on the machine falls on both alike), WRITE_SECONDS in all per side.
 */
async function writeRates(sides: Side[]): Promise<number[]> {
  const rows = sides.map(() => 0);
  const ms = sides.map(() => 0);
  for (let turn = 0; turn < WRITE_SECONDS; turn++) {
    for (let s = 0; s < sides.length; s++) {
      const t0 = performance.now();
      while (performance.now() - t0 < 1000) {
        await sides[s].pool.query(WRITE_USAGE_LOGS, [logBatch(sides[s].teamId, sides[s].keys, rows[s])]);
        rows[s] += 1000;
      }
      ms[s] += performance.now() - t0;
    }
  }
  return rows.map((n, s) => n / (ms[s] / 1000));
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

/** A PostgreSQL of its own with a server on it, one team and its five keys. */
async function startSide(name: string, dir: string): Promise<Side> {
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, name), ephemeral: true, settings: { max_wal_size: '8GB' } });
  const postmaster = Number(fs.readFileSync(path.join(dir, name, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const server = await startServer(db.url);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // An idle connection cut when its PostgreSQL stops at the end would otherwise end the process.
  pool.on('error', () => undefined);
  const signUp = await gql(
    server.url,
    `mutation { signUp(input: { email: "logs@example.com", password: "benchmark-password", teamName: "Logs" }) { team { id } } }`,
  );
  const session = signUp.cookie!;
  const keys: { id: string; name: string }[] = [];
  for (let i = 1; i <= 5; i++) {
    const made = await gql(server.url, `mutation { createApiKey(input: { name: "key ${i}", permission: FULL_ACCESS }) { apiKey { id name } } }`, {}, session);
    keys.push(made.data.createApiKey.apiKey);
  }
  return { name, db, postmaster, server, pool, session, teamId: signUp.data.signUp.team.id as string, keys };
}

async function stopSide(side: Side | undefined) {
  if (!side) return;
  await side.pool.end().catch(() => undefined);
  await side.server.stop().catch(() => undefined);
  await side.db.stop().catch(() => undefined);
}

/** Empties a side's logs, rollups and counts (for the write rate on an empty table). */
async function emptyLogs(side: Side) {
  await side.pool.query('truncate usage_log');
  await side.pool.query('delete from usage_rollup');
  await side.pool.query('update api_key set request_count = 0, last_used_at = null');
}

export async function logsScale() {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'keyring-bench-logs-'));
  await fsp.chmod(dir, 0o755); // each PostgreSQL's directory is in it, and runs as the user postgres
  const sides: Side[] = [];
  try {
    console.log(
      `# logs_scale — ${fmt(BASE)} logs of one team, then ${SIZES.map(fmt).join(', then ')}, p95 of ${SAMPLES} GraphQL reads each, sampled in turns with the ${fmt(BASE)}-log database`,
    );
    const small = await startSide('small', dir);
    sides.push(small);
    let large = await startSide('large', dir);
    sides.push(large);
    const empty = await startSide('empty', dir);
    sides.push(empty);
    await empty.server.stop(); // written to by the bench only

    const now = new Date();
    await seedLogs(small.pool, { teamId: small.teamId, keys: small.keys, first: 1, count: BASE, total: BASE, now });
    await settle(small.pool);

    // A day three days back; a cursor 19 pages deep is found on each side.
    const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 3));
    const reads = async (side: Side): Promise<Read[]> => {
      let after: string | null = null;
      for (let i = 0; i < 19; i++) after = (await gql(side.server.url, LOGS_PAGE, { filter: {}, after }, side.session)).data.usageLogs.pageInfo.endCursor;
      return [
        {
          name: 'api_keys',
          query: `{ apiKeys { id name permission tokenStart createdAt lastUsedAt usageStatus requestCount expiresAt domain { id name } } }`,
          variables: {},
        },
        { name: 'health', query: `{ apiKeyHealth { total neverUsed inactive fullAccess expiringSoon } }`, variables: {} },
        {
          name: 'usage_chart',
          query: `query($id: ID!) { apiKey(id: $id) { id usage(days: 30) { date requests errors } } }`,
          variables: { id: side.keys[0].id },
        },
        { name: 'logs_page1', query: LOGS_PAGE, variables: { filter: {} } },
        { name: 'logs_key_4xx', query: LOGS_PAGE, variables: { filter: { apiKeyId: side.keys[1].id, statusClass: 4 } } },
        { name: 'logs_5xx', query: LOGS_PAGE, variables: { filter: { statusClass: 5 } } },
        {
          name: 'logs_route_day',
          query: LOGS_PAGE,
          variables: { filter: { method: 'GET', endpoint: '/domains', from: day.toISOString(), to: new Date(day.getTime() + 86_400_000 - 1).toISOString() } },
        },
        { name: 'logs_page20', query: LOGS_PAGE, variables: { filter: {}, after } },
        // A resource without a method (the Endpoint filter alone), and one no log is about.
        { name: 'logs_resource', query: LOGS_PAGE, variables: { filter: { endpoint: '/domains' } } },
        { name: 'logs_resource_none', query: LOGS_PAGE, variables: { filter: { endpoint: '/broadcasts' } } },
      ];
    };
    const smallReads = await reads(small);

    let seededRows = 0;
    for (const rows of SIZES) {
      const t0 = performance.now();
      // The rows this size adds, spread over the same 30 days and written oldest first.
      const add = rows - seededRows;
      for (let hi = add; hi > 0; hi -= CHUNK) {
        const first = Math.max(1, hi - CHUNK + 1);
        await seedLogs(large.pool, { teamId: large.teamId, keys: large.keys, first, count: hi - first + 1, total: add, now });
        if ((add - first + 1) % (10 * CHUNK) === 0)
          console.log(`#   seeded ${fmt(seededRows + add - first + 1)} rows (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      }
      const seeded = (performance.now() - t0) / 1000;
      const settled = await settle(large.pool);
      const [size] = (
        await large.pool.query<{ heap: string; indexes: string }>(
          `select sum(pg_relation_size(c.oid)) filter (where c.relkind = 'r') as heap, sum(pg_relation_size(c.oid)) filter (where c.relkind = 'i') as indexes
           from pg_inherits i join pg_class p on p.oid = i.inhparent join pg_class c on c.oid = i.inhrelid or c.oid in (select indexrelid from pg_index where indrelid = i.inhrelid)
          where p.relname = 'usage_log'`,
        )
      ).rows;
      const gb = (b: string) => (Number(b) / 1e9).toFixed(1);
      console.log(
        `# ${fmt(rows)} rows: ${fmt(rows - seededRows)} seeded in ${seeded.toFixed(0)} s, rollups rebuilt and vacuumed in ${settled.toFixed(0)} s; heap ${gb(size.heap)} GB, indexes ${gb(size.indexes)} GB`,
      );
      seededRows = rows;

      // A restart, as after the seeding by hand: the server's connections start cold.
      await large.server.stop();
      large = { ...large, server: await startServer(large.db.url) };
      sides[1] = large;
      const load = os.loadavg()[0];
      const timings = await timeReads([small, smallReads], [large, await reads(large)]);
      for (const [name, { small: at10k, large: at }] of timings) {
        line(
          `logs_${name}`.replace('logs_logs_', 'logs_'),
          (at.p95 / at10k.p95).toFixed(2),
          `goal ≤ 1.5, ≤ 50 ms  (p95 ${at10k.p95.toFixed(1)} ms at ${fmt(BASE)} → ${at.p95.toFixed(1)} ms at ${fmt(rows)}; p50 ${at10k.p50.toFixed(1)} → ${at.p50.toFixed(1)}; CPU ${at10k.cpu.toFixed(1)} → ${at.cpu.toFixed(1)} ms)`,
        );
      }
      console.log(`#   load average ${load.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores while the reads were sampled`);

      await emptyLogs(empty);
      const [writeEmpty, writeFull] = await writeRates([empty, large]);
      line(
        'log_write_rate',
        (writeFull / writeEmpty).toFixed(2),
        `goal ≥ 0.8  (${writeFull.toFixed(0)} rows/s at ${fmt(rows)} rows vs ${writeEmpty.toFixed(0)} on an empty table, in turns of 1 s; batches of 1,000, one statement each)`,
      );

      if (exportAt(rows)) {
        const [{ n }] = (await large.pool.query<{ n: string }>('select count(*) as n from usage_log where team_id = $1', [large.teamId])).rows;
        await measureExport({
          server: large.server,
          databaseUrl: large.db.url,
          dir,
          teamId: large.teamId,
          session: large.session,
          rows: Number(n),
          prefix: 'logs_',
        });
      }
    }
  } finally {
    for (const side of sides) await stopSide(side);
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
