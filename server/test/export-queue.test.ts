import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { initOrm, migrate } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';
import { createClient, createTestDatabase, PASSWORD, sql, uniqueEmail, waitFor } from './harness.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

async function instance(databaseUrl: string, workers: boolean) {
  const logger = createLogger('silent');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    CLIENT_DIST: '/nonexistent',
    WORKERS: String(workers),
  });
  const orm = await initOrm(databaseUrl, logger);
  await migrate(orm);
  const app = await createApp({ config, orm, logger });
  cleanup.push(() => orm.close());
  cleanup.push(() => app.close());
  return app.listen(0, '127.0.0.1');
}

describe('a WORKERS=false instance on a database no worker has seen yet', () => {
  it('queues its large exports, and the first worker to start runs them', { timeout: 60_000 }, async () => {
    const databaseUrl = await createTestDatabase();
    const web = createClient(await instance(databaseUrl, false));
    const signUp = await web.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { team { id } } }`, {
      input: { email: uniqueEmail('queue'), password: PASSWORD, teamName: 'Queue' },
    });
    await sql(
      databaseUrl,
      `insert into usage_log (id, team_id, method, endpoint, status_code, user_agent, duration_ms, created_at)
       select gen_random_uuid(), $1, 'GET', '/domains', 200, 'seed', 1, now() - i * interval '1 millisecond' from generate_series(1, 1500) as i`,
      [signUp.data!.signUp.team.id],
    );
    const created = await web.gql(`mutation { createExport(input: { resource: LOGS }) { id status } }`);
    const { id, status } = created.data!.createExport;
    expect(status).toBe('PROCESSING');
    // pg-boss drops a job sent to a missing queue without an error: the job must be there.
    expect(await sql(databaseUrl, `select 1 from pgboss.job where name = 'export' and data->>'exportId' = $1`, [id])).toHaveLength(1);

    await instance(databaseUrl, true);
    const done = await waitFor(
      async () => {
        const [row] = await sql<{ status: string; row_count: number }>(databaseUrl, 'select status, row_count from export where id = $1', [id]);
        return row.status === 'PROCESSING' ? undefined : row;
      },
      30_000,
      'the export to be run by the worker',
    );
    expect(done).toEqual({ status: 'READY', row_count: 1500 });
  });
});
