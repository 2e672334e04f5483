// pnpm bench: starts its own PostgreSQL and server, measures, and prints one line per figure,
// each a ratio against a baseline measured in the same run. Never part of `pnpm test`.
import 'reflect-metadata';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { generateToken } from '../src/modules/api-key/token.js';
import { gql, line, mainThread, measureExport, settle, startServer } from './lib.js';
import { logsScale } from './logs-scale.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
/** Every side is warmed up (JIT, connections, caches) this long before it is measured. */
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = 20;
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
/** export_vs_copy is the median of this many pairs (psql, then the export), measured in turns. */
const EXPORT_RUNS = Number(process.env.BENCH_EXPORT_RUNS ?? 3);
/** BENCH_ONLY=send, export, faults or logs_scale runs one part (for profiling); the default runs them all. */
const ONLY = process.env.BENCH_ONLY;

type Run = autocannon.Result & { answered: number };

/** One autocannon run; `answered` counts every response the client received. */
function load(opts: autocannon.Options): Promise<Run> {
  return new Promise((resolve, reject) => {
    let answered = 0;
    const instance = autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts }, (err, result) =>
      err ? reject(err) : resolve({ ...result, answered }),
    );
    instance.on('response', () => answered++);
  });
}

/** 2xx answers per second: a refusal or an error is not a send, nor a health check. */
const okPerSecond = (r: Run) => r['2xx'] / r.duration;

/** Slices of each side, in turns: a ratio of two runs measured minutes apart measured the neighbours too. */
const TURNS = Number(process.env.BENCH_TURNS ?? 5);

/** Several runs counted as one: their answers summed, their durations added, the worst p99 kept. */
function merged(runs: Run[]): Run {
  const sum = (f: (r: Run) => number) => runs.reduce((n, r) => n + f(r), 0);
  return {
    ...runs[0],
    duration: sum((r) => r.duration),
    '2xx': sum((r) => r['2xx']),
    '4xx': sum((r) => r['4xx']),
    non2xx: sum((r) => r.non2xx),
    answered: sum((r) => r.answered),
    requests: { ...runs[0].requests, total: sum((r) => r.requests.total) },
    latency: { ...runs[0].latency, p99: Math.max(...runs.map((r) => r.latency.p99)) },
  };
}

/**
 * The baseline and a side measured in turns — TURNS slices of DURATION / TURNS seconds each, both
 * warmed up first — so that whatever else runs on the machine falls on both alike. Before each
 * baseline slice the side's leftover work is waited for (settle): the sends' deliveries are
 * charged to the sends, not to the baseline after them. Statements are counted over the side's
 * slices only.
 */
async function inTurns(databaseUrl: string, serverPid: number, baseline: autocannon.Options, side: autocannon.Options) {
  const slice = DURATION / TURNS;
  await load({ ...baseline, duration: WARMUP });
  await statementsSince(databaseUrl);
  const warm = await load({ ...side, duration: WARMUP });
  const warmStatements = await statementsSince(databaseUrl);
  const base: Run[] = [];
  const runs: Run[] = [];
  const statements = noStatements();
  const threads = { baseline: noThread(), side: noThread() };
  let settled = 0;
  for (let i = 0; i < TURNS; i++) {
    const t = performance.now();
    await settle(databaseUrl);
    settled += performance.now() - t;
    base.push(await watched(serverPid, threads.baseline, () => load({ ...baseline, duration: slice })));
    await statementsSince(databaseUrl);
    runs.push(await watched(serverPid, threads.side, () => load({ ...side, duration: slice })));
    for (const [k, n] of Object.entries(await statementsSince(databaseUrl))) statements[k as keyof Statements] += n;
  }
  return { baseline: merged(base), side: merged(runs), warm, warmStatements, statements, settledSeconds: settled / 1000, threads };
}

/**
 * The server's main thread over a side's slices: ns running, waiting for a CPU, and of wall time;
 * and the CPU of the load generator (autocannon runs in this process) over the same slices.
 */
type Thread = { runNs: number; waitNs: number; wallNs: number; loadNs: number };
const noThread = (): Thread => ({ runNs: 0, waitNs: 0, wallNs: 0, loadNs: 0 });

async function watched(pid: number, into: Thread, run: () => Promise<Run>): Promise<Run> {
  const before = mainThread(pid);
  const load = process.cpuUsage();
  const t = process.hrtime.bigint();
  const r = await run();
  const after = mainThread(pid);
  const { user, system } = process.cpuUsage(load);
  into.wallNs += Number(process.hrtime.bigint() - t);
  into.runNs += after.runNs - before.runNs;
  into.waitNs += after.waitNs - before.waitNs;
  into.loadNs += (user + system) * 1000;
  return r;
}

/** `run 72 %, waiting for a CPU 17 %, asleep 11 %` */
const shares = (t: Thread) => {
  const pct = (ns: number) => `${Math.round((100 * ns) / t.wallNs)} %`;
  return `running ${pct(t.runNs)}, waiting for a CPU ${pct(t.waitNs)}, asleep ${pct(Math.max(0, t.wallNs - t.runNs - t.waitNs))}`;
};

type Statements = Record<'emailInsert' | 'delivery' | 'usageLogs' | 'jobQueue' | 'healthCheck' | 'keyLookup' | 'other', number>;
const noStatements = (): Statements => ({ emailInsert: 0, delivery: 0, usageLogs: 0, jobQueue: 0, healthCheck: 0, keyLookup: 0, other: 0 });

/** Statements PostgreSQL ran since the last call, by what ran them (pg_stat_statements counts at once, unlike pg_stat_database). */
async function statementsSince(url: string): Promise<Statements> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ kind: string; n: string }>(
      `select case when query like '%insert into email %' then 'emailInsert'
                   when query like '%update email set status%' then 'delivery'
                   when query like '%insert into usage_log%' then 'usageLogs'
                   when query like '%pgboss.%' then 'jobQueue'
                   when query like '%keyring_health%' then 'healthCheck'
                   when query like '%previous_token_hash = %' then 'keyLookup'
                   else 'other' end as kind, sum(calls) as n
         from pg_stat_statements where query not like '%pg_stat_statements%' and query not like '%bench: settle%' group by 1`,
    );
    await c.query('select pg_stat_statements_reset()');
    const out = noStatements();
    for (const r of rows) out[r.kind as keyof Statements] = Number(r.n);
    return out;
  } finally {
    await c.end();
  }
}

/**
 * recovery_s, outage_fail_ms, lost: a steady stream of sends (8 clients) while PostgreSQL is
 * stopped for 3 s and started again, on a cluster of its own (persistent: an ephemeral one is
 * deleted when it stops).
 */
async function faults() {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'keyring-bench-faults-'));
  const db = await startEmbeddedPostgres({ dataDir: dir, settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
  const server = await startServer(db.url);
  try {
    const signUp = await gql(
      server.url,
      `mutation { signUp(input: { email: "faults@example.com", password: "benchmark-password", teamName: "Faults" }) { team { id } } }`,
    );
    const cookie = signUp.cookie!;
    await gql(server.url, `mutation { createDomain(input: { name: "bench.example.com" }) { id } }`, {}, cookie);
    const key = await gql(server.url, `mutation { createApiKey(input: { name: "faults", permission: SENDING_ACCESS }) { token apiKey { id } } }`, {}, cookie);
    const token = key.data.createApiKey.token as string;
    const keyId = key.data.createApiKey.apiKey.id as string;
    type Sent = { t0: number; t1: number; status: number; id?: string };
    const sent: Sent[] = [];
    let running = true;
    const body = JSON.stringify({ from: 'bench@bench.example.com', to: 'sink@example.org', subject: 'Faults', text: 'Hello' });
    const loops = Array.from({ length: 8 }, async () => {
      while (running) {
        const t0 = performance.now();
        try {
          const res = await fetch(`${server.url}/api/emails`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body,
          });
          const json = (await res.json()) as { id?: string };
          sent.push({ t0, t1: performance.now(), status: res.status, id: json.id });
        } catch {
          sent.push({ t0, t1: performance.now(), status: 0 });
        }
        // A client that gets a 503 waits a little, as a real one would (without it the loop spins).
        if (sent.at(-1)!.status !== 200) await new Promise((r) => setTimeout(r, 10));
      }
    });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await sleep(2000);
    const tDown = performance.now();
    await db.stop();
    await sleep(3000);
    await db.start();
    // PostgreSQL accepts connections: the first time a fresh connection gets an answer.
    let tAccept = 0;
    for (;;) {
      const c = new pg.Client({ connectionString: db.url });
      try {
        await c.connect();
        await c.query('select 1');
        tAccept = performance.now();
        break;
      } catch {
        await sleep(10);
      } finally {
        await c.end().catch(() => undefined);
      }
    }
    while (!sent.some((r) => r.status === 200 && r.t0 >= tAccept) && performance.now() - tAccept < 30_000) await sleep(5);
    await sleep(2000);
    running = false;
    await Promise.all(loops);
    const code = await server.stop();

    const firstOk = sent.filter((r) => r.status === 200 && r.t0 >= tAccept).sort((a, b) => a.t1 - b.t1)[0];
    const whileDown = sent.filter((r) => r.t0 >= tDown && r.t0 < tAccept);
    const statuses: Record<number, number> = {};
    for (const r of whileDown) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    const slowest = Math.max(0, ...whileDown.map((r) => r.t1 - r.t0));
    const acked = sent.filter((r) => r.status === 200).map((r) => r.id!);
    const answered = sent.filter((r) => r.status !== 0).length;
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const stored = Number((await c.query('select count(*) as n from email where id = any($1::uuid[])', [acked])).rows[0].n);
    const logs = Number((await c.query('select count(*) as n from usage_log where api_key_id = $1', [keyId])).rows[0].n);
    const count = Number((await c.query('select request_count from api_key where id = $1', [keyId])).rows[0].request_count);
    await c.end();
    const lost = acked.length - stored + Math.max(0, answered - logs) + Math.max(0, answered - count);
    line(
      'recovery_s',
      firstOk ? ((firstOk.t1 - tAccept) / 1000).toFixed(2) : 'never',
      `goal ≤ 2  (PostgreSQL accepting → first send answered 200; down ${((tAccept - tDown) / 1000).toFixed(1)} s)`,
    );
    line(
      'outage_fail_ms',
      slowest.toFixed(0),
      `goal ≤ 2000  (slowest of ${whileDown.length} requests while down: ${Object.entries(statuses)
        .map(([s, n]) => `${n}× ${s}`)
        .join(', ')})`,
    );
    line(
      'lost',
      String(lost),
      `goal 0  (${acked.length} sends answered 200, ${stored} stored; ${answered} answered with the key, ${logs} usage logs, requestCount ${count}; exit ${code})`,
    );
  } finally {
    await server.stop().catch(() => undefined);
    await db.stop().catch(() => undefined);
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (ONLY === 'faults') return faults();
  if (ONLY === 'logs_scale') return logsScale();
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'keyring-bench-'));
  const db = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true, settings: { shared_preload_libraries: 'pg_stat_statements' } });
  let server = await startServer(db.url);
  try {
    console.log(`# Keyring bench — ${os.cpus().length} cores, ${DURATION}s per run, ${CONNECTIONS} connections`);
    const signUp = await gql(
      server.url,
      `mutation { signUp(input: { email: "bench@example.com", password: "benchmark-password", teamName: "Bench" }) { team { id } } }`,
    );
    const cookie = signUp.cookie!;
    const teamId = signUp.data.signUp.team.id as string;
    await gql(server.url, `mutation { createDomain(input: { name: "bench.example.com" }) { id } }`, {}, cookie);
    const key = await gql(server.url, `mutation { createApiKey(input: { name: "bench", permission: SENDING_ACCESS }) { token apiKey { id } } }`, {}, cookie);
    const token = key.data.createApiKey.token as string;
    const keyId = key.data.createApiKey.apiKey.id as string;

    if (ONLY !== 'export') {
      // The baseline does no database work: the ratios say how close each route comes to the
      // HTTP stack's own ceiling (GET /api/health, one `select 1`, is shown beside it). Each ratio
      // is measured in turns with its own baseline slices (inTurns).
      const liveOpts = { url: `${server.url}/api/health/live` };
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      await admin.query('create extension if not exists pg_stat_statements');
      await admin.end();
      const health = await inTurns(db.url, server.child.pid!, liveOpts, { url: `${server.url}/api/health` });
      const sendOpts = {
        url: `${server.url}/api/emails`,
        method: 'POST' as const,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'bench@bench.example.com', to: 'sink@example.org', subject: 'Benchmark', text: 'Hello' }),
      };
      const sending = await inTurns(db.url, server.child.pid!, liveOpts, sendOpts);
      const send = sending.side;
      const sendStatements = sending.statements;
      const per100 = (n: number) => ((100 * n) / send.requests.total).toFixed(1);
      // A token that costs something to refuse: well formed, its checksum valid, in no database.
      // (A malformed one is refused by its checksum alone, as cheap as the baseline by construction.)
      const unknown = generateToken();
      const rejectOpts = {
        url: `${server.url}/api/emails`,
        method: 'POST' as const,
        headers: { authorization: `Bearer ${unknown}`, 'content-type': 'application/json' },
        body: sendOpts.body,
      };
      const rejecting = await inTurns(db.url, server.child.pid!, liveOpts, rejectOpts);
      const reject = rejecting.side;
      const rejectStatements = rejecting.statements;
      const liveRps = okPerSecond(sending.baseline);
      const turns = `${TURNS} turns of ${(DURATION / TURNS).toFixed(0)} s each`;

      line('live_rps', liveRps.toFixed(0), `(baseline: GET /api/health/live, no database; p99 ${sending.baseline.latency.p99} ms; in the send's turns)`);
      line(
        'health_vs_live',
        (okPerSecond(health.side) / okPerSecond(health.baseline)).toFixed(2),
        `(GET /api/health, one select 1: ${okPerSecond(health.side).toFixed(0)} req/s against ${okPerSecond(health.baseline).toFixed(0)}, ${turns})`,
      );
      line(
        'send_vs_health',
        (okPerSecond(send) / liveRps).toFixed(2),
        `goal ≥ 0.5 of live  (${okPerSecond(send).toFixed(0)} 2xx sends/s against ${liveRps.toFixed(0)}, ${turns}, each live turn after the sends' deliveries were done (${sending.settledSeconds.toFixed(1)} s in all); p99 ${send.latency.p99} ms, ${send.non2xx} non-2xx; statements per 100 sends: ${per100(sendStatements.emailInsert)} insert, ${per100(sendStatements.delivery)} delivery, ${per100(sendStatements.usageLogs)} usage log, ${per100(sendStatements.keyLookup)} key lookup, ${per100(sendStatements.other)} other)`,
      );
      // The server's own cost, apart from the machine: its JavaScript runs on one thread, so CPU time
      // of that thread per request is what a send costs against the HTTP stack's own ceiling.
      const cpuPerLive = sending.threads.baseline.runNs / 1000 / sending.baseline.requests.total;
      const cpuPerSend = sending.threads.side.runNs / 1000 / send.requests.total;
      const loadPer = (t: Thread, r: Run) => (t.loadNs / 1000 / r.requests.total).toFixed(0);
      line(
        'send_cpu_vs_live',
        (cpuPerLive / cpuPerSend).toFixed(2),
        `no goal; what send_vs_health is short of  (the server's main thread: ${cpuPerLive.toFixed(0)} µs of CPU a live check, ${cpuPerSend.toFixed(0)} µs a send; over the send's slices it was ${shares(sending.threads.side)}; over live's, ${shares(sending.threads.baseline)}; the load generator on the same two cores: ${loadPer(sending.threads.baseline, sending.baseline)} µs of CPU a live check, ${loadPer(sending.threads.side, send)} µs a send)`,
      );
      const refusedPerSecond = reject['4xx'] / reject.duration;
      const rejectLiveRps = okPerSecond(rejecting.baseline);
      line(
        'reject_vs_health',
        (refusedPerSecond / rejectLiveRps).toFixed(2),
        `goal ≥ 0.8 of live  (an unknown well-formed token: ${refusedPerSecond.toFixed(0)} refusals/s against ${rejectLiveRps.toFixed(0)}, ${turns}; ${reject['2xx']} 2xx; ${rejecting.warmStatements.keyLookup + rejectStatements.keyLookup} key lookups for 1 distinct token over ${(WARMUP + reject.duration).toFixed(0)} s (its first refusal, in the warm-up, asks the database), goal ≤ 1 a minute; ${rejectStatements.emailInsert + rejectStatements.other} other statements meanwhile; ${rejectStatements.usageLogs} usage-log flushes, ${rejectStatements.jobQueue + rejectStatements.delivery} background polls, ${rejectStatements.healthCheck} database health checks)`,
      );

      // no_loss: every answered request with the key is in the logs and the count after SIGTERM.
      const answered = sending.warm.answered + send.answered;
      const code = await server.stop();
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const logs = Number((await c.query('select count(*) as n from usage_log where api_key_id = $1', [keyId])).rows[0].n);
      const count = Number((await c.query('select request_count from api_key where id = $1', [keyId])).rows[0].request_count);
      // The server may answer a few requests after autocannon stops reading: those are logged too.
      const kept = logs === count && logs >= answered ? 1 : Math.min(logs, count) / answered;
      line('no_loss', kept.toFixed(2), `goal 1.00  (responses received ${answered}, usage_log rows ${logs}, requestCount ${count}, exit ${code})`);
      await c.end();
    } else {
      await server.stop();
    }
    if (ONLY === 'send') return;
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    // export_vs_copy: 1M usage-log rows, createExport → downloaded file, against a COPY of the same rows.
    await c.query(
      `insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, created_at)
       select gen_random_uuid(), $1, $2, 'bench', 'POST', '/emails', case when i % 20 = 0 then 422 else 200 end,
              'resend-node:6.38.0', i % 40, now() - i * interval '10 milliseconds'
         from generate_series(1, $3::int) as i`,
      [teamId, keyId, EXPORT_ROWS],
    );
    await c.query('analyze usage_log');
    const total = Number((await c.query('select count(*) as n from usage_log where team_id = $1', [teamId])).rows[0].n);
    await c.end();
    server = await startServer(db.url);
    const session = (await gql(server.url, `mutation { signIn(input: { email: "bench@example.com", password: "benchmark-password" }) { id } }`)).cookie!;
    await measureExport({ server, databaseUrl: db.url, dir, teamId, session, rows: total, runs: EXPORT_RUNS, warmup: true });
  } finally {
    await server.stop().catch(() => undefined);
    await db.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  }
  if (!ONLY) {
    await faults();
    await logsScale();
  }
}

await main();
