// Two builds of the server side by side on one database, their sends measured in turns:
// `AB_A=dist-a/src/main.js AB_B=dist/src/main.js npx tsx bench/ab.ts`. AB_ENV_A / AB_ENV_B (JSON) add
// environment variables to one side; AB_SQL_A tries a schema change on A's own database. Prints each side's 2xx sends per second, the live route's
// (on B) and the ratios, pair by pair, with their median; and each side's server CPU per send.
import 'reflect-metadata';
import autocannon from 'autocannon';
import pg from 'pg';
import { median, processTicks, type Server, scratchDatabase, sendingTeam, sendRequest, settle, startServer } from './lib.js';

const SLICE = Number(process.env.AB_SLICE_SECONDS ?? 2);
const ROUNDS = Number(process.env.AB_ROUNDS ?? 8);
const db = await scratchDatabase('keyring-ab-');
const start = (main: string | undefined, env: string | undefined, url = db.url) => {
  if (main) process.env.BENCH_MAIN = main;
  else delete process.env.BENCH_MAIN;
  return startServer(env?.includes('DATABASE_URL') ? '' : url, env ? JSON.parse(env.replaceAll('$DB', url)) : {});
};
// AB_SQL_A: a schema change tried on A alone, which then gets a database of its own (the same server
// build as B unless AB_A says otherwise); its deliveries are settled on that database too.
const dbA = process.env.AB_SQL_A ? await scratchDatabase('keyring-ab-a-') : db;
const a = await start(process.env.AB_A, process.env.AB_ENV_A, dbA.url);
const b = await start(process.env.AB_B, process.env.AB_ENV_B);
const tokens = new Map<Server, string>([[b, (await sendingTeam(b.url)).token]]);
if (dbA !== db) {
  const admin = new pg.Client({ connectionString: dbA.url });
  await admin.connect();
  await admin.query(process.env.AB_SQL_A!);
  await admin.end();
  tokens.set(a, (await sendingTeam(a.url)).token);
} else tokens.set(a, tokens.get(b)!);
const send = (url: string) => {
  const server = url === a.url ? a : b;
  return { url: `${url}/api/emails`, connections: 20, ...sendRequest(tokens.get(server)!) };
};
/** Each side's server CPU per 2xx answer, in µs, slice by slice. */
const cpu = new Map<Server, number[]>();
const rate = async (opts: autocannon.Options, seconds = SLICE, server?: Server) => {
  // Both sides' leftover deliveries (and autovacuum) done first, on each database.
  for (const url of new Set([db.url, dbA.url])) await settle(url);
  const t0 = server ? processTicks(server.child.pid!) : 0;
  const r = await autocannon({ ...opts, duration: seconds });
  if (server) cpu.set(server, [...(cpu.get(server) ?? []), ((processTicks(server.child.pid!) - t0) * 10_000) / r['2xx']]);
  return r['2xx'] / (r.duration || seconds);
};
for (const s of [a, b]) await rate(send(s.url), 3);
cpu.clear();
await rate({ url: `${b.url}/api/health/live`, connections: 20 }, 3);
const ratios: number[] = [];
const vsLive: number[][] = [[], []];
for (let i = 0; i < ROUNDS; i++) {
  // The order alternates, so that neither side always runs right after the other's deliveries.
  let ra2: number;
  let rb2: number;
  if (i % 2 === 0) {
    ra2 = await rate(send(a.url), SLICE, a);
    rb2 = await rate(send(b.url), SLICE, b);
  } else {
    rb2 = await rate(send(b.url), SLICE, b);
    ra2 = await rate(send(a.url), SLICE, a);
  }
  const live = await rate({ url: `${b.url}/api/health/live`, connections: 20 });
  ratios.push(ra2 / rb2);
  vsLive[0].push(ra2 / live);
  vsLive[1].push(rb2 / live);
  console.log(
    `A ${ra2.toFixed(0)}  B ${rb2.toFixed(0)}  live ${live.toFixed(0)}  A/B ${(ra2 / rb2).toFixed(3)}  A/live ${(ra2 / live).toFixed(3)}  B/live ${(rb2 / live).toFixed(3)}`,
  );
}
const [ca, cb] = [median(cpu.get(a)!), median(cpu.get(b)!)];
console.log(`server CPU per send: A ${ca.toFixed(0)} µs, B ${cb.toFixed(0)} µs (medians), A/B ${(ca / cb).toFixed(3)}`);
console.log(`median A/B ${median(ratios).toFixed(3)}, A/live ${median(vsLive[0]).toFixed(3)}, B/live ${median(vsLive[1]).toFixed(3)}`);
await a.stop();
await b.stop();
await db.remove();
if (dbA !== db) await dbA.remove();
