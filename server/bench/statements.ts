// Where PostgreSQL's time goes under `POST /api/emails` load: `npx tsx bench/statements.ts`.
// Prints pg_stat_statements' top statements by total time (planning and execution) and the WAL written.
import 'reflect-metadata';
import autocannon from 'autocannon';
import pg from 'pg';
import { scratchDatabase, sendingTeam, sendRequest, startServer } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const db = await scratchDatabase('keyring-stmt-', {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track_planning': 'on',
});
const server = await startServer(db.url);
const { token } = await sendingTeam(server.url);
const c = new pg.Client({ connectionString: db.url });
await c.connect();
await c.query('create extension if not exists pg_stat_statements');
// STATEMENTS_SQL: a schema change to try (an index dropped or made partial) before the load.
if (process.env.STATEMENTS_SQL) await c.query(process.env.STATEMENTS_SQL);
const opts = { url: `${server.url}/api/emails`, connections: 20, ...sendRequest(token) };
await autocannon({ ...opts, duration: 2 });
await c.query('select pg_stat_statements_reset(), pg_stat_reset_shared($1)', ['wal']);
const r = await autocannon({ ...opts, duration: SECONDS });
await new Promise((resolve) => setTimeout(resolve, 1000));
const n = r.requests.total;
console.log(`${r.requests.average.toFixed(0)} sends/s, ${n} sends`);
const { rows } = await c.query(
  `select calls, total_plan_time, total_exec_time, rows, wal_records, wal_bytes, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) as q
     from pg_stat_statements where query not like '%pg_stat_statements%' order by total_plan_time + total_exec_time desc limit 12`,
);
for (const s of rows) {
  console.log(
    `${String(s.calls).padStart(6)} calls  plan ${((1000 * s.total_plan_time) / n).toFixed(0).padStart(4)} µs/send  exec ${((1000 * s.total_exec_time) / n).toFixed(0).padStart(4)} µs/send  ${(s.wal_bytes / n).toFixed(0).padStart(5)} WAL B/send  ${s.q}`,
  );
}
const wal = (await c.query('select * from pg_stat_wal')).rows[0];
console.log(`WAL: ${(wal.wal_bytes / n).toFixed(0)} B/send, ${wal.wal_records} records, ${wal.wal_fpi} full pages`);
await c.end();
await server.stop();
await db.remove();
