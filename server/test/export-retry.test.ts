import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { freePort } from '../src/db/embedded.js';
import { initOrm } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';
import { createClient, createTestDatabase, PASSWORD, sql, uniqueEmail, waitFor } from './harness.js';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROWS = 200_000;
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

describe('a worker killed mid-export', () => {
  it('is retried by another instance and produces exactly one complete file', { timeout: 180_000 }, async () => {
    const databaseUrl = await createTestDatabase();
    const port = await freePort();
    // Instance A: a real server process that will die with SIGKILL while writing the file.
    const a = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: SERVER_DIR,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        CLIENT_DIST: '/nonexistent',
        EXPORT_JOB_TIMEOUT_SECONDS: '3',
      },
      stdio: 'ignore',
    });
    cleanup.push(async () => a.kill('SIGKILL'));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => ((await fetch(`${url}/api/health`).catch(() => null))?.ok ? true : undefined), 60_000, 'instance A');

    const client = createClient(url);
    const signUp = await client.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { team { id } } }`, {
      input: { email: uniqueEmail('retry'), password: PASSWORD, teamName: 'Retry' },
    });
    const teamId = signUp.data!.signUp.team.id;
    await sql(
      databaseUrl,
      `insert into usage_log (id, team_id, method, endpoint, status_code, user_agent, duration_ms, created_at)
       select gen_random_uuid(), $1, 'POST', '/emails', 200, 'agent ' || i, i % 50, now() - i * interval '1 millisecond'
         from generate_series(1, $2::int) as i`,
      [teamId, ROWS],
    );
    const created = await client.gql(`mutation { createExport(input: { resource: LOGS }) { id status rowCount estimatedRowCount } }`);
    expect(created.data!.createExport).toMatchObject({ status: 'PROCESSING', rowCount: null });
    expect(created.data!.createExport.estimatedRowCount).toBeGreaterThan(1000);
    const id = created.data!.createExport.id;

    // Kill A once it has started writing the file.
    await waitFor(
      async () => ((await sql(databaseUrl, 'select 1 from export_chunk where export_id = $1 limit 1', [id])).length ? true : undefined),
      60_000,
      'the first chunk',
    );
    a.kill('SIGKILL');
    await new Promise((r) => a.once('exit', r));
    const [mid] = await sql<{ status: string }>(databaseUrl, 'select status from export where id = $1', [id]);
    expect(mid.status).toBe('PROCESSING');

    // Instance B picks the job up again once A's claim on it expires.
    const logger = createLogger('silent');
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: databaseUrl,
      CLIENT_DIST: '/nonexistent',
      JOBS_MAINTENANCE_SECONDS: '1',
    });
    const orm = await initOrm(databaseUrl, logger);
    const b = await createApp({ config, orm, logger });
    cleanup.push(() => orm.close());
    cleanup.push(() => b.close());
    const urlB = await b.listen(0, '127.0.0.1');

    const done = await waitFor(
      async () => {
        const [row] = await sql<{ status: string; row_count: number; file_attempt: string | null }>(
          databaseUrl,
          'select status, row_count, file_attempt from export where id = $1',
          [id],
        );
        return row.status === 'PROCESSING' ? undefined : row;
      },
      120_000,
      'the retried export',
    );
    expect(done.status).toBe('READY');
    expect(done.row_count).toBe(ROWS);
    // A duplicate run (the job's claim may expire again while it runs) stops at its next chunk
    // and removes what it wrote: in the end only the finished attempt's chunks remain.
    const attempts = await waitFor(
      async () => {
        const rows = await sql<{ attempt: string }>(databaseUrl, 'select distinct attempt from export_chunk where export_id = $1', [id]);
        return rows.length === 1 ? rows : undefined;
      },
      30_000,
      'one attempt',
    );
    expect(attempts).toEqual([{ attempt: done.file_attempt }]);

    const res = await fetch(`${urlB}/api/exports/${id}/download`, { headers: { cookie: client.cookie! } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(ROWS + 1);
    expect(new Set(lines.slice(1).map((l) => l.slice(0, 36))).size).toBe(ROWS);
  });
});
