// pnpm bench: starts its own PostgreSQL and server, measures, and prints one line per figure,
// each a ratio against a baseline measured in the same run. Never part of `pnpm test`.
import 'reflect-metadata';
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { createClient as createWsClient } from 'graphql-ws';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import WebSocket from 'ws';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverDir = path.resolve(here, '..');
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 20;
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
/** BENCH_ONLY=send, export or faults runs one part (for profiling); the default runs them all. */
const ONLY = process.env.BENCH_ONLY;

const line = (name: string, value: string, note = '') => console.log(`${name.padEnd(18)} ${value}${note ? `   ${note}` : ''}`);

type Server = { url: string; child: ChildProcess; stop: () => Promise<number | null> };

async function startServer(databaseUrl: string): Promise<Server> {
  const port = await freePort();
  const profile = process.env.BENCH_CPU_PROFILE ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', RATE_LIMIT_PER_SECOND: '0', LOG_LEVEL: 'warn', NODE_ENV: 'production', REQUIRE_VERIFIED_DOMAINS: 'false' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      if (i > 600) throw new Error('server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

async function gql(url: string, query: string, variables: Record<string, unknown> = {}, cookie?: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return { data: body.data!, cookie: res.headers.getSetCookie()[0]?.split(';')[0] };
}

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

/** Statements PostgreSQL ran since the last call, by what ran them (pg_stat_statements counts at once, unlike pg_stat_database). */
async function statementsSince(url: string): Promise<Record<'emailInsert' | 'delivery' | 'usageLogs' | 'jobQueue' | 'healthCheck' | 'other', number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ kind: string; n: string }>(
      `select case when query like '%insert into email %' then 'emailInsert'
                   when query like '%update email set status%' then 'delivery'
                   when query like '%insert into usage_log%' then 'usageLogs'
                   when query like '%pgboss.%' then 'jobQueue'
                   when query like '%keyring_health%' then 'healthCheck'
                   else 'other' end as kind, sum(calls) as n
         from pg_stat_statements where query not like '%pg_stat_statements%' group by 1`,
    );
    await c.query('select pg_stat_statements_reset()');
    const out = { emailInsert: 0, delivery: 0, usageLogs: 0, jobQueue: 0, healthCheck: 0, other: 0 };
    for (const r of rows) out[r.kind as keyof typeof out] = Number(r.n);
    return out;
  } finally {
    await c.end();
  }
}

function rssMb(pid: number): number {
  let status = '';
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0; // the server has exited (the bench is failing: its error follows)
  }
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
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
    const signUp = await gql(server.url, `mutation { signUp(input: { email: "faults@example.com", password: "benchmark-password", teamName: "Faults" }) { team { id } } }`);
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
          const res = await fetch(`${server.url}/api/emails`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
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
    line('recovery_s', firstOk ? ((firstOk.t1 - tAccept) / 1000).toFixed(2) : 'never', `goal ≤ 2  (PostgreSQL accepting → first send answered 200; down ${((tAccept - tDown) / 1000).toFixed(1)} s)`);
    line('outage_fail_ms', slowest.toFixed(0), `goal ≤ 2000  (slowest of ${whileDown.length} requests while down: ${Object.entries(statuses).map(([s, n]) => `${n}× ${s}`).join(', ')})`);
    line('lost', String(lost), `goal 0  (${acked.length} sends answered 200, ${stored} stored; ${answered} answered with the key, ${logs} usage logs, requestCount ${count}; exit ${code})`);
  } finally {
    await server.stop().catch(() => undefined);
    await db.stop().catch(() => undefined);
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (ONLY === 'faults') return faults();
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'keyring-bench-'));
  const db = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true, settings: { shared_preload_libraries: 'pg_stat_statements' } });
  let server = await startServer(db.url);
  try {
    console.log(`# Keyring bench — ${os.cpus().length} cores, ${DURATION}s per run, ${CONNECTIONS} connections`);
    const signUp = await gql(server.url, `mutation { signUp(input: { email: "bench@example.com", password: "benchmark-password", teamName: "Bench" }) { team { id } } }`);
    const cookie = signUp.cookie!;
    const teamId = signUp.data.signUp.team.id as string;
    await gql(server.url, `mutation { createDomain(input: { name: "bench.example.com" }) { id } }`, {}, cookie);
    const key = await gql(server.url, `mutation { createApiKey(input: { name: "bench", permission: SENDING_ACCESS }) { token apiKey { id } } }`, {}, cookie);
    const token = key.data.createApiKey.token as string;
    const keyId = key.data.createApiKey.apiKey.id as string;

    if (ONLY !== 'export') {
      const health = await load({ url: `${server.url}/api/health` });
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      await admin.query('create extension if not exists pg_stat_statements');
      await admin.end();
      await statementsSince(db.url);
      const send = await load({
        url: `${server.url}/api/emails`,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'bench@bench.example.com', to: 'sink@example.org', subject: 'Benchmark', text: 'Hello' }),
      });
      const sendStatements = await statementsSince(db.url);
      const per100 = (n: number) => ((100 * n) / send.requests.total).toFixed(1);
      const reject = await load({
        url: `${server.url}/api/emails`,
        method: 'POST',
        headers: { authorization: 'Bearer re_not-a-real-token', 'content-type': 'application/json' },
        body: '{}',
      });
      const rejectStatements = await statementsSince(db.url);
      const fromRequests = rejectStatements.emailInsert + rejectStatements.other;

      line('health_rps', health.requests.average.toFixed(0), '(baseline)');
      line('send_vs_health', (send.requests.average / health.requests.average).toFixed(2), `goal ≥ 0.5  (${send.requests.average.toFixed(0)} sends/s, p99 ${send.latency.p99} ms, ${send.non2xx} non-2xx; statements per 100 sends: ${per100(sendStatements.emailInsert)} insert, ${per100(sendStatements.delivery)} delivery, ${per100(sendStatements.usageLogs)} usage log, ${per100(sendStatements.other)} other)`);
      line('reject_vs_health', (reject.requests.average / health.requests.average).toFixed(2), `goal ≥ 0.8  (${reject.requests.total} refused; ${fromRequests} statements from them; meanwhile ${rejectStatements.usageLogs} usage-log flush of the sends before, ${rejectStatements.jobQueue + rejectStatements.delivery} background polls, ${rejectStatements.healthCheck} database health checks)`);

      // no_loss: every answered request with the key is in the logs and the count after SIGTERM.
      const answered = send.answered;
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
    const { exportQuery } = await import('../src/modules/export/export.queries.js');
    const copySql = `copy (${exportQuery('LOGS' as never, teamId, {})}) to stdout with (format csv, header true)`;
    const copyFile = path.join(dir, 'copy.csv');
    let t0 = performance.now();
    let baseline = 'psql \\copy';
    try {
      const oneLine = exportQuery('LOGS' as never, teamId, {}).replace(/\s+/g, ' ');
      execFileSync('psql', [db.url, '-q', '-c', `\\copy (${oneLine}) to '${copyFile}' with (format csv, header true)`], { stdio: 'ignore' });
    } catch {
      baseline = 'COPY TO STDOUT (pg-copy-streams)';
      t0 = performance.now();
      const out = fs.createWriteStream(copyFile);
      const stream = c.query(copyTo(copySql));
      await new Promise<void>((resolve, reject) => {
        stream.pipe(out);
        out.on('finish', resolve);
        stream.on('error', reject);
      });
    }
    const copyMs = performance.now() - t0;
    const copyBytes = fs.statSync(copyFile).size;
    await c.end();

    server = await startServer(db.url);
    const session = (await gql(server.url, `mutation { signIn(input: { email: "bench@example.com", password: "benchmark-password" }) { id } }`)).cookie!;
    const rssBefore = rssMb(server.child.pid!);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(server.child.pid!))), 100);
    t0 = performance.now();
    const created = await gql(server.url, `mutation { createExport(input: { resource: LOGS }) { id status } }`, {}, session);
    const id = created.data.createExport.id as string;
    const tCreated = performance.now();
    const ws = createWsClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(u: string, p?: string | string[]) {
          super(u, p, { headers: { cookie: session } });
        }
      },
    });
    const stamps: number[] = [];
    await new Promise<void>((resolve, reject) =>
      ws.subscribe({ query: `subscription { exportProgress(id: "${id}") { status processedRows } }` }, { next: () => stamps.push(performance.now()), error: reject, complete: resolve }),
    );
    await ws.dispose();
    const tReady = performance.now();
    const rssWhileWriting = rssPeak;
    // Written to a file as it arrives, as a browser saves a download, by a native client as psql
    // is one: curl. (Node's fetch, reading in this process beside the sampler, took 0.76–1.35 s for a
    // file that curl saved in 0.40–0.64 s: it measured the bench's client, not the server.)
    const downloaded = path.join(dir, 'export.csv');
    const downloadUrl = `${server.url}/api/exports/${id}/download`;
    let downloader = 'curl';
    try {
      // Asynchronously, so that the RSS sampler keeps sampling during the download.
      await promisify(execFile)('curl', ['--fail', '--silent', '--show-error', '--output', downloaded, '--header', `cookie: ${session}`, downloadUrl]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      downloader = 'fetch';
      const file = await fetch(downloadUrl, { headers: { cookie: session } });
      await pipeline(Readable.fromWeb(file.body as never), fs.createWriteStream(downloaded));
    }
    const bytes = fs.statSync(downloaded).size;
    const exportMs = performance.now() - t0;
    clearInterval(sampler);
    const gaps = stamps.slice(1).map((s, i) => s - stamps[i]);
    line('export_vs_copy', (copyMs / exportMs).toFixed(2), `goal ≥ 0.5  (${total} rows: export+download ${(exportMs / 1000).toFixed(1)} s, ${baseline} ${(copyMs / 1000).toFixed(1)} s; ${(bytes / 1e6).toFixed(0)} MB vs ${(copyBytes / 1e6).toFixed(0)} MB)`);
    const phase = (a: number, b: number) => ((b - a) / 1000).toFixed(1);
    console.log(`#   createExport ${phase(t0, tCreated)} s, first progress +${phase(tCreated, stamps[0] ?? tCreated)} s, written +${phase(stamps[0] ?? tCreated, tReady)} s, download ${phase(tReady, t0 + exportMs)} s (${downloader})`);
    line('export_rss_mb', (rssPeak - rssBefore).toFixed(0), `goal ≤ 100  (server RSS ${rssBefore.toFixed(0)} → peak ${rssWhileWriting.toFixed(0)} MB writing, ${rssPeak.toFixed(0)} MB downloading)`);
    line('progress_gap_s', (Math.max(0, ...gaps) / 1000).toFixed(2), `goal ≤ 1  (${stamps.length} progress events)`);
  } finally {
    await server.stop().catch(() => undefined);
    await db.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  }
  if (!ONLY) await faults();
}

await main();
