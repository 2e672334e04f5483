// Server CPU time per request (user + system, from /proc), steadier than throughput on a shared
// 2-core machine: `npx tsx bench/cost.ts`. Prints µs of server CPU per health check and per send,
// and PostgreSQL's (every process of the cluster): what one core of each holds, sends per second.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'keyring-cost-'));
const db = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true });
const port = await freePort();
const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
  cwd: path.resolve(import.meta.dirname, '..'),
  env: {
    ...process.env,
    DATABASE_URL: db.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    RATE_LIMIT_PER_SECOND: '0',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    REQUIRE_VERIFIED_DOMAINS: 'false',
  },
  stdio: 'inherit',
});
const url = `http://127.0.0.1:${port}`;
for (;;) {
  if (
    await fetch(`${url}/api/health`)
      .then((r) => r.ok)
      .catch(() => false)
  )
    break;
  await new Promise((r) => setTimeout(r, 100));
}
const gql = async (query: string, cookie?: string) => {
  const r = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ query }),
  });
  return { body: (await r.json()) as { data: Record<string, any> }, cookie: r.headers.getSetCookie()[0]?.split(';')[0] };
};
const { cookie } = await gql(`mutation { signUp(input: { email: "p@example.com", password: "profile-password", teamName: "P" }) { id } }`);
await gql(`mutation { createDomain(input: { name: "p.example.com" }) { id } }`, cookie);
const token = (await gql(`mutation { createApiKey(input: { name: "p", permission: SENDING_ACCESS }) { token } }`, cookie)).body.data.createApiKey.token;

const ticks = () => {
  const f = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (1/100 s)
};
const postmaster = Number(fs.readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
/** CPU ticks of the PostgreSQL cluster: the postmaster and its children (backends, writers, the WAL). */
const pgTicks = () => {
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
};
async function cost(name: string, opts: autocannon.Options) {
  await autocannon({ ...opts, connections: 20, duration: 2 }); // warm-up
  const [t0, p0] = [ticks(), pgTicks()];
  const r = await autocannon({ ...opts, connections: 20, duration: SECONDS });
  await new Promise((resolve) => setTimeout(resolve, 500)); // the last usage-log batch
  const us = ((ticks() - t0) * 10_000) / r.requests.total;
  const pgUs = ((pgTicks() - p0) * 10_000) / r.requests.total;
  console.log(
    `${name.padEnd(8)} ${us.toFixed(0)} µs server CPU, ${pgUs.toFixed(0)} µs PostgreSQL CPU per request  (${r.requests.average.toFixed(0)} req/s; one core holds ${(1e6 / us).toFixed(0)} of the server, ${(1e6 / pgUs).toFixed(0)} of PostgreSQL)`,
  );
  return us;
}
const health = await cost('health', { url: `${url}/api/health` });
const send = await cost('send', {
  url: `${url}/api/emails`,
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ from: 'a@p.example.com', to: 'b@example.org', subject: 'Profile', text: 'Hello' }),
});
console.log(`health/send CPU ratio ${(health / send).toFixed(2)}`);
await new Promise((r) => {
  child.once('exit', r);
  child.kill('SIGTERM');
});
await db.stop();
await fsp.rm(dir, { recursive: true, force: true });
