// pnpm rollups:rebuild (DATABASE_URL set): recomputes every usage rollup from the raw logs still
// kept — after a backfill, a restore or a repair. Idempotent; safe while the server runs.
import pg from 'pg';
import { rebuildRollups } from '../src/modules/usage-log/usage-rollup.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('Set DATABASE_URL to the database whose rollups to rebuild.');
  process.exit(1);
}
const pool = new pg.Pool({ connectionString: url, max: 1 });
try {
  const t0 = performance.now();
  const done = await rebuildRollups(pool, (day, rows) => console.log(`${day}  ${rows} rollup rows`));
  const took = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    done.days ? `Rebuilt ${done.days} days (${done.from} … ${done.to}), ${done.rows} rollup rows, in ${took} s.` : 'No log partitions: nothing to rebuild.',
  );
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  await pool.end();
}
