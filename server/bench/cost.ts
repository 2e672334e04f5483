// Server CPU time per request (user + system, from /proc), steadier than throughput on a shared
// 2-core machine: `npx tsx bench/cost.ts`. Prints µs of server CPU per live check (no database), health check and send,
// and PostgreSQL's (every process of the cluster): what one core of each holds, sends per second.
import 'reflect-metadata';
import autocannon from 'autocannon';
import { clusterTicks, processTicks, scratchDatabase, sendingTeam, sendRequest, startServer } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const db = await scratchDatabase('keyring-cost-');
const server = await startServer(db.url);
const { url } = server;
const { token } = await sendingTeam(url);
const ticks = () => processTicks(server.child.pid!);
const pgTicks = () => clusterTicks(db.postmaster);

async function cost(name: string, opts: autocannon.Options) {
  await autocannon({ ...opts, connections: 20, duration: 2 }); // warm-up
  const [t0, p0, c0] = [ticks(), pgTicks(), process.cpuUsage()];
  const r = await autocannon({ ...opts, connections: 20, duration: SECONDS });
  await new Promise((resolve) => setTimeout(resolve, 500)); // the last usage-log batch
  const us = ((ticks() - t0) * 10_000) / r.requests.total;
  const pgUs = ((pgTicks() - p0) * 10_000) / r.requests.total;
  const c1 = process.cpuUsage(c0);
  const clientUs = (c1.user + c1.system) / r.requests.total;
  console.log(
    `${name.padEnd(8)} ${us.toFixed(0)} µs server CPU, ${pgUs.toFixed(0)} µs PostgreSQL CPU, ${clientUs.toFixed(0)} µs the load generator's per request  (${r.requests.average.toFixed(0)} req/s; one core holds ${(1e6 / us).toFixed(0)} of the server, ${(1e6 / pgUs).toFixed(0)} of PostgreSQL)`,
  );
  return us;
}
// COST_ONLY=send (or live, health) measures that one alone.
const only = process.env.COST_ONLY;
const measure = (name: string, opts: autocannon.Options) => (!only || only === name ? cost(name, opts) : Promise.resolve(Number.NaN));
const live = await measure('live', { url: `${url}/api/health/live` });
const health = await measure('health', { url: `${url}/api/health` });
const send = await measure('send', { url: `${url}/api/emails`, ...sendRequest(token) });
if (!only) console.log(`health/send CPU ratio ${(health / send).toFixed(2)}, live/send ${(live / send).toFixed(2)}`);
await server.stop();
await db.remove();
