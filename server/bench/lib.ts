// What the bench sections share: the server process, GraphQL, RSS, and the export measurement.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient as createWsClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded.js';
import { CopyOut } from '../src/lib/copy-out.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverDir = path.resolve(here, '..');

export const line = (name: string, value: string, note = '') => console.log(`${name.padEnd(18)} ${value}${note ? `   ${note}` : ''}`);

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Waits (at most 60 s) until the work a run left behind is done: no email left to deliver, no autovacuum running. */
export async function settle(databaseUrl: string): Promise<void> {
  const started = performance.now();
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    for (;;) {
      const { rows } = await c.query<{ pending: number; vacuums: number }>(
        `/* bench: settle */ select (select count(*)::int from email where status in ('queued', 'sending')) as pending,
                (select count(*)::int from pg_stat_activity where backend_type = 'autovacuum worker') as vacuums`,
      );
      if ((rows[0].pending === 0 && rows[0].vacuums === 0) || performance.now() - started > 60_000) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await c.end();
  }
}

export type Server = { url: string; child: ChildProcess; stop: () => Promise<number | null> };

/** The server as production runs it, on this database; `cpuProfileDir` (or BENCH_CPU_PROFILE) writes a CPU profile there when it stops. */
export async function startServer(databaseUrl: string, env: Record<string, string> = {}, cpuProfileDir = process.env.BENCH_CPU_PROFILE): Promise<Server> {
  const port = await freePort();
  const profile = cpuProfileDir ? [`--cpu-prof`, `--cpu-prof-dir=${cpuProfileDir}`] : [];
  // The compiled server, as `pnpm start` runs it (tsx's transform adds work to every closure made).
  // BENCH_MAIN: another compiled tree (bench/ab.ts compares two).
  const main = process.env.BENCH_TSX ? ['--import', 'tsx', 'src/main.ts'] : [process.env.BENCH_MAIN ?? 'dist/src/main.js'];
  // BENCH_NODE_ARGS: more of node's flags for the server (--trace-gc, which NODE_OPTIONS refuses).
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...profile, ...nodeArgs, ...main], {
    cwd: serverDir,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_SECOND: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      REQUIRE_VERIFIED_DOMAINS: 'false',
      ...env,
    },
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

export async function gql(url: string, query: string, variables: Record<string, unknown> = {}, cookie?: string) {
  const post = () =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  // A kept-alive socket the server closed while idle (the psql \copy before createExport takes
  // longer than its keep-alive timeout) fails the next request unsent: ask again on a new one.
  const res = await post().catch((e: unknown) => {
    if ((e as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw e;
    return post();
  });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return { data: body.data!, cookie: res.headers.getSetCookie()[0]?.split(';')[0] };
}

/** A team with a domain and a sending-access key, as the send benches post with: its session and token. */
export async function sendingTeam(url: string): Promise<{ cookie: string; token: string }> {
  const { cookie } = await gql(url, `mutation { signUp(input: { email: "p@example.com", password: "profile-password", teamName: "P" }) { id } }`);
  await gql(url, `mutation { createDomain(input: { name: "p.example.com" }) { id } }`, {}, cookie);
  const key = await gql(url, `mutation { createApiKey(input: { name: "p", permission: SENDING_ACCESS }) { token } }`, {}, cookie);
  return { cookie: cookie!, token: key.data.createApiKey.token };
}

/** What the send benches post: one small email from the sending team's domain. */
export const sendRequest = (token: string) => ({
  method: 'POST' as const,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ from: 'a@p.example.com', to: 'b@example.org', subject: 'Profile', text: 'Hello' }),
});

/** A throwaway embedded PostgreSQL in a temporary directory, and how to remove it. */
export async function scratchDatabase(prefix: string, settings?: Record<string, string>) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  const db = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true, ...(settings ? { settings } : {}) });
  const postmaster = Number(fs.readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    url: db.url,
    dir,
    postmaster,
    remove: async () => {
      await db.stop();
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

/** utime + stime of a process, in clock ticks (1/100 s); 0 once it is gone. */
export function processTicks(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/**
 * A process's main thread (where the server's JavaScript runs) from the scheduler's side, in ns
 * since it started: time on a CPU, time runnable but waiting for one (/proc/<pid>/task/<pid>/schedstat).
 */
export function mainThread(pid: number): { runNs: number; waitNs: number } {
  try {
    const [run, wait] = fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return { runNs: run, waitNs: wait };
  } catch {
    return { runNs: 0, waitNs: 0 };
  }
}

/** CPU ticks of a PostgreSQL cluster: the postmaster and its children (backends, writers, the WAL). */
export function clusterTicks(postmaster: number): number {
  let n = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(pid) === postmaster || Number(f[1]) === postmaster) n += Number(f[11]) + Number(f[12]);
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

/** CPU ticks every process of the machine spent so far (/proc/stat: all but idle and iowait). */
export function machineTicks(): number {
  const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return ticks.reduce((a, b) => a + b, 0) - ticks[3] - ticks[4];
}

export function rssMb(pid: number): number {
  let status = '';
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0; // the server has exited (the bench is failing: its error follows)
  }
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * export_vs_copy, export_rss_mb, progress_gap_s: a LOGS export of the team's `rows` logs,
 * createExport → file saved by curl, against psql \copy of the same query; server RSS sampled
 * throughout. `prefix` names the figures of a section (logs_scale's `logs_`).
 */
type ExportOptions = {
  server: Server;
  databaseUrl: string;
  dir: string;
  teamId: string;
  session: string;
  rows: number;
  prefix?: string;
  /** Pairs (psql, then the export) measured one after the other; the ratio printed is their median. */
  runs?: number;
  /**
   * One pair first that is shown but not counted, as the send bench warms up each side: the
   * server's first export after it starts compiles the export path (1.1–1.6 s of the server's CPU
   * against 0.9–1.0 s for the next, 2026-12-04) and was the slowest pair of every run.
   */
  warmup?: boolean;
};

/**
 * export_vs_copy, export_rss_mb and progress_gap_s: `runs` pairs of a `psql \copy` and an export
 * of the same rows, in turns, so that a moment of load falls on one pair rather than decides the
 * figure (one pair gave 0.64 and 0.83 on the same quiet machine, psql taking 3.2 s and 4.5 s).
 */
export async function measureExport(opts: ExportOptions) {
  const name = (n: string) => `${opts.prefix ?? ''}${n}`;
  const warm = opts.warmup ? await exportPair(opts) : undefined;
  const pairs: ExportPair[] = [];
  for (let i = 0; i < (opts.runs ?? 1); i++) pairs.push(await exportPair(opts));
  const ratios = pairs.map((p) => p.copyMs / p.exportMs);
  const warmed = warm ? ` after a warm-up pair (${(warm.copyMs / warm.exportMs).toFixed(2)}, not counted)` : '';
  const all = pairs.length > 1 ? `; ${pairs.length} pairs${warmed}: ${ratios.map((r) => r.toFixed(2)).join(', ')}` : warmed;
  const shown = pairs.map((p) => `export+download ${(p.exportMs / 1000).toFixed(1)} s, ${p.baseline} ${(p.copyMs / 1000).toFixed(1)} s`);
  const bytes = pairs[0].bytes;
  line(
    name('export_vs_copy'),
    median(ratios).toFixed(2),
    `goal ≥ 0.8  (${opts.rows} rows, median${all}: ${shown.join('; ')}; ${(bytes / 1e6).toFixed(0)} MB, ${pairs.every((p) => p.same) ? "identical to psql's every time" : 'DIFFERENT'})`,
  );
  for (const p of pairs) console.log(`#   ${p.phases}`);
  // Memory and progress over every export, the warm-up's included (the first grows RSS the most).
  const every = warm ? [warm, ...pairs] : pairs;
  const worst = every.reduce((a, b) => (b.rssPeak - b.rssBefore > a.rssPeak - a.rssBefore ? b : a));
  line(
    name('export_rss_mb'),
    (worst.rssPeak - worst.rssBefore).toFixed(0),
    `goal ≤ 100  (the largest of the exports, the warm-up included: server RSS ${worst.rssBefore.toFixed(0)} → peak ${worst.rssWhileWriting.toFixed(0)} MB writing, ${worst.rssPeak.toFixed(0)} MB downloading)`,
  );
  const gappiest = every.reduce((a, b) => (b.gapMs > a.gapMs ? b : a));
  line(
    name('progress_gap_s'),
    (gappiest.gapMs / 1000).toFixed(2),
    `goal ≤ 1  (the longest of the exports' longest gaps, the warm-up included, between events whose processedRows differ: ${gappiest.stamps} of ${gappiest.events} events)`,
  );
}

type ExportPair = {
  copyMs: number;
  exportMs: number;
  baseline: string;
  bytes: number;
  same: boolean;
  phases: string;
  rssBefore: number;
  rssPeak: number;
  rssWhileWriting: number;
  gapMs: number;
  stamps: number;
  events: number;
};

async function exportPair(opts: ExportOptions): Promise<ExportPair> {
  const { server, dir, teamId, session } = opts;
  const { logsExportQuery } = await import('../src/modules/usage-log/usage-log.export.js');
  const copySql = `copy (${logsExportQuery(teamId, {})}) to stdout with (format csv, header true)`;
  const copyFile = path.join(dir, 'copy.csv');
  let t0 = performance.now();
  let cpu0 = machineTicks();
  let baseline = 'psql \\copy';
  try {
    const oneLine = logsExportQuery(teamId, {}).replace(/\s+/g, ' ');
    execFileSync('psql', [opts.databaseUrl, '-q', '-c', `\\copy (${oneLine}) to '${copyFile}' with (format csv, header true)`], { stdio: 'ignore' });
  } catch {
    baseline = 'COPY TO STDOUT (CopyOut)';
    t0 = performance.now();
    cpu0 = machineTicks();
    const c = new pg.Client({ connectionString: opts.databaseUrl });
    await c.connect();
    const out = fs.createWriteStream(copyFile);
    const stream = c.query(new CopyOut(copySql));
    await new Promise<void>((resolve, reject) => {
      stream.pipe(out);
      out.on('finish', resolve);
      stream.on('error', reject);
    });
    await c.end();
  }
  const copyMs = performance.now() - t0;
  const copyCpu = (machineTicks() - cpu0) / 100;
  const copyBytes = fs.statSync(copyFile).size;

  const rssBefore = rssMb(server.child.pid!);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(server.child.pid!))), 100);
  t0 = performance.now();
  cpu0 = machineTicks();
  const serverTicks0 = processTicks(server.child.pid!);
  const created = await gql(server.url, `mutation { createExport(input: { resource: LOGS }) { id status } }`, {}, session);
  const id = created.data.createExport.id as string;
  const tCreated = performance.now();
  // The download starts with the export: while it is PROCESSING it streams each chunk as it is
  // committed, and it ends once the export is READY and every byte of the file was sent. Written
  // to a file as it arrives, as a browser saves a download, by a native client as psql is one:
  // curl. (Node's fetch, reading in this process beside the sampler, took 0.76–1.35 s for a file
  // that curl saved in 0.40–0.64 s: it measured the bench's client, not the server.) Asynchronous,
  // so that the RSS sampler and the progress subscription keep going meanwhile.
  const downloaded = path.join(dir, 'export.csv');
  const downloadUrl = `${server.url}/api/exports/${id}/download`;
  let downloader = 'curl';
  let tFirstByte = Number.NaN;
  const download = (async () => {
    try {
      const { stdout } = await promisify(execFile)('curl', [
        '--fail',
        '--silent',
        '--show-error',
        '--output',
        downloaded,
        '--write-out',
        '%{time_starttransfer}',
        '--header',
        `cookie: ${session}`,
        downloadUrl,
      ]);
      tFirstByte = tCreated + Number(stdout) * 1000;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      downloader = 'fetch';
      const file = await fetch(downloadUrl, { headers: { cookie: session } });
      tFirstByte = performance.now();
      await pipeline(Readable.fromWeb(file.body as never), fs.createWriteStream(downloaded));
    }
    return performance.now();
  })();
  download.catch(() => undefined);
  const ws = createWsClient({
    url: `${server.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: class extends WebSocket {
      constructor(u: string, p?: string | string[]) {
        super(u, p, { headers: { cookie: session } });
      }
    },
  });
  // Progress, not a heartbeat: only the events whose processedRows differ from the last one (and READY).
  const stamps: number[] = [];
  let events = 0;
  let lastRows = -1;
  await new Promise<void>((resolve, reject) =>
    ws.subscribe(
      { query: `subscription { exportProgress(id: "${id}") { status processedRows } }` },
      {
        next: (m) => {
          events++;
          const e = m.data?.exportProgress as { status: string; processedRows: number } | undefined;
          if (e && (e.processedRows !== lastRows || e.status !== 'PROCESSING')) stamps.push(performance.now());
          if (e) lastRows = e.processedRows;
        },
        error: reject,
        complete: resolve,
      },
    ),
  );
  await ws.dispose();
  const tReady = performance.now();
  const rssWhileWriting = rssPeak;
  const tSaved = await download;
  const exportCpu = (machineTicks() - cpu0) / 100;
  const serverCpu = (processTicks(server.child.pid!) - serverTicks0) / 100;
  const bytes = fs.statSync(downloaded).size;
  // The file saved is the export's whole file, byte for byte the same as psql's.
  const same = bytes === copyBytes && fs.readFileSync(downloaded).equals(fs.readFileSync(copyFile));
  fs.rmSync(downloaded);
  fs.rmSync(copyFile);
  const exportMs = tSaved - t0;
  clearInterval(sampler);
  const gaps = stamps.slice(1).map((s, i) => s - stamps[i]);
  const phase = (a: number, b: number) => ((b - a) / 1000).toFixed(2);
  return {
    copyMs,
    exportMs,
    baseline,
    bytes,
    same,
    phases: `createExport ${phase(t0, tCreated)} s, first byte +${phase(tCreated, tFirstByte)} s, READY +${phase(tCreated, tReady)} s, file saved +${phase(tReady, tSaved)} s after READY (${downloader}, streamed while written); CPU of the whole machine: export ${exportCpu.toFixed(1)} s (the server's ${serverCpu.toFixed(2)} s), ${baseline} ${copyCpu.toFixed(1)} s`,
    rssBefore,
    rssPeak,
    rssWhileWriting,
    gapMs: Math.max(0, ...gaps),
    stamps: stamps.length,
    events,
  };
}
