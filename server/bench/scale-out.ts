// Sends per second of N instances on one PostgreSQL (docs/scaling.md): `npx tsx bench/scale-out.ts`
// in server/, instance counts by SCALE_INSTANCES (default 1,2,3), BENCH_SECONDS per run (10).
// For each N: N server processes on one embedded PostgreSQL, 20 connections split between them
// (a load balancer's round robin), authenticated POST /api/emails; prints sends/s, p99, and the
// CPU time per send of the servers (all N) and of PostgreSQL (every process of the cluster), less
// what they burn idle, with the statements PostgreSQL ran per 100 sends: what one core of each
// holds, whatever share of this machine's cores the run gets.
import 'reflect-metadata';
import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { clusterTicks, gql, processTicks, type Server, scratchDatabase, startServer } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const COUNTS = (process.env.SCALE_INSTANCES ?? '1,2,3').split(',').map(Number);
const CONNECTIONS = 20;
const IDLE_SECONDS = 5;

const db = await scratchDatabase('keyring-scale-out-', { shared_preload_libraries: 'pg_stat_statements' });
const { postmaster } = db;
const admin = new pg.Client({ connectionString: db.url });
let servers: Server[] = [];
try {
  await admin.connect();
  await admin.query('create extension if not exists pg_stat_statements');
  console.log(`# scale_out — N instances on one PostgreSQL, ${os.cpus().length} cores for all of it, ${CONNECTIONS} connections, ${SECONDS} s per run`);
  let token = '';
  for (const n of COUNTS) {
    servers = [];
    for (let i = 0; i < n; i++) servers.push(await startServer(db.url));
    if (!token) {
      const signUp = await gql(
        servers[0].url,
        `mutation { signUp(input: { email: "scale@example.com", password: "benchmark-password", teamName: "Scale" }) { team { id } } }`,
      );
      await gql(servers[0].url, `mutation { createDomain(input: { name: "scale.example.com" }) { id } }`, {}, signUp.cookie);
      token = (await gql(servers[0].url, `mutation { createApiKey(input: { name: "scale", permission: SENDING_ACCESS }) { token } }`, {}, signUp.cookie)).data
        .createApiKey.token;
    }
    const opts = (s: Server, connections: number, duration: number): autocannon.Options => ({
      url: `${s.url}/api/emails`,
      method: 'POST',
      connections,
      duration,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'bench@scale.example.com', to: 'sink@example.org', subject: 'Scale', text: 'Hello' }),
    });
    // The connections as a round-robin balancer spreads them (20 over 3: 7, 7, 6).
    const split = servers.map((_, i) => Math.floor(CONNECTIONS / n) + (i < CONNECTIONS % n ? 1 : 0));
    await Promise.all(servers.map((s, i) => autocannon(opts(s, split[i], 2)))); // warm-up
    // What the instances and PostgreSQL burn with no requests (timers, health checks, the job
    // queue's polls), per second: taken off the run's CPU, which leaves the cost of the sends.
    await new Promise((r) => setTimeout(r, 1000));
    const i0 = [servers.reduce((sum, s) => sum + processTicks(s.child.pid!), 0), clusterTicks(postmaster), performance.now()];
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const idleSeconds = (performance.now() - i0[2]) / 1000;
    const idleServer = (servers.reduce((sum, s) => sum + processTicks(s.child.pid!), 0) - i0[0]) / idleSeconds;
    const idlePg = (clusterTicks(postmaster) - i0[1]) / idleSeconds;
    await admin.query('select pg_stat_statements_reset()');
    const s0 = servers.map((s) => processTicks(s.child.pid!));
    const p0 = clusterTicks(postmaster);
    const tLoad = performance.now();
    const results = await Promise.all(servers.map((s, i) => autocannon(opts(s, split[i], SECONDS))));
    await new Promise((r) => setTimeout(r, 500)); // the last usage-log batch and delivery
    const loadSeconds = (performance.now() - tLoad) / 1000;
    const serverTicks = servers.reduce((sum, s, i) => sum + processTicks(s.child.pid!) - s0[i], 0) - idleServer * loadSeconds;
    const pgTicks = clusterTicks(postmaster) - p0 - idlePg * loadSeconds;
    const { rows } = await admin.query<{ n: string }>(
      `select coalesce(sum(calls), 0) as n from pg_stat_statements where query not like '%pg_stat_statements%' and query not like '%keyring_health%' and query not like '%pgboss.%'`,
    );
    const sent = results.reduce((sum, r) => sum + r.requests.total, 0);
    const ok = results.reduce((sum, r) => sum + r['2xx'], 0);
    const serverUs = (serverTicks * 10_000) / sent;
    const pgUs = (pgTicks * 10_000) / sent;
    const p99 = Math.max(...results.map((r) => r.latency.p99));
    console.log(
      `instances=${n}  ${(sent / SECONDS).toFixed(0)} sends/s (${ok} of ${sent} answered 200, p99 ≤ ${p99} ms)  server CPU ${serverUs.toFixed(0)} µs/send (one core: ${(1e6 / serverUs).toFixed(0)}/s)  PostgreSQL CPU ${pgUs.toFixed(0)} µs/send (one core: ${(1e6 / pgUs).toFixed(0)}/s)  idle ${idleServer.toFixed(0)} + ${idlePg.toFixed(0)} % of a core  ${((Number(rows[0].n) * 100) / sent).toFixed(1)} statements per 100 sends`,
    );
    await Promise.all(servers.map((s) => s.stop()));
  }
} finally {
  await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
  await admin.end().catch(() => undefined);
  await db.remove();
}
