import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { failInterruptedExports, ORPHANED_AFTER_MINUTES } from '../src/modules/export/export.service.js';
import { type InProcessServer, lockChunks, setUpTeam, startInProcess } from './faults-harness.js';
import { createClient, createTestDatabase, sql, waitFor } from './harness.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/*
 * An export caught by a database outage is never left PROCESSING: a background one is retried
 * once the database is back (its job's failure could not be recorded while it was away), a small
 * one written during its request is FAILED, and one left without a job by a process that stopped
 * is FAILED by the sweep.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  cleanup = [];
});

async function seedContacts(databaseUrl: string, teamId: string, n: number) {
  await sql(
    databaseUrl,
    `insert into contact (id, team_id, email, created_at, updated_at)
     select gen_random_uuid(), $1, 'c' || i || '@example.com', now() - i * interval '1 second', now() from generate_series(1, $2) i`,
    [teamId, n],
  );
}

/** Another instance on the same database, and the export written by it (READY). */
async function writtenByNextInstance(databaseUrl: string, id: string) {
  const next = await startInProcess(databaseUrl);
  cleanup.push(() => next.stop());
  await waitFor(
    async () => ((await sql<{ status: string }>(databaseUrl, 'select status from export where id = $1', [id]))[0].status === 'READY' ? true : undefined),
    60_000,
    'the next instance to write the export',
  );
}

async function setUp() {
  const databaseUrl = await createTestDatabase('faults');
  const proxy: TcpProxy = await startTcpProxy(Number(new URL(databaseUrl).port));
  cleanup.push(() => proxy.close());
  const server: InProcessServer = await startInProcess(proxy.urlFor(databaseUrl), { EXPORT_JOB_TIMEOUT_SECONDS: '1800' });
  cleanup.push(() => server.stop());
  const team = await setUpTeam(server.url);
  const client = createClient(server.url);
  client.cookie = team.cookie;
  const status = async (id: string) =>
    (await sql<{ status: string; error: string | null }>(databaseUrl, 'select status, error from export where id = $1', [id]))[0];
  return { databaseUrl, proxy, server, team, client, status };
}

describe('faults: an export caught by a database outage', () => {
  it('a background export is retried once the database is back, not left PROCESSING until its job expires (30 min)', async () => {
    const { databaseUrl, proxy, server, team, client, status } = await setUp();
    await seedContacts(databaseUrl, team.teamId, 1_500);
    const release = await lockChunks(databaseUrl);
    cleanup.push(release);
    const created = await client.gql(`mutation { createExport(input: { resource: CONTACTS }) { id status } }`);
    expect(created.data!.createExport.status).toBe('PROCESSING');
    const id = created.data!.createExport.id as string;
    await waitFor(
      async () =>
        (await sql(databaseUrl, `select 1 from pgboss.job where name = 'export' and state = 'active' and data->>'exportId' = $1`, [id])).length
          ? true
          : undefined,
      10_000,
      'the export job to start',
    );
    proxy.setMode('reset');
    await waitFor(() => (server.app.services.database.up ? undefined : true), 5_000, 'the outage to be seen');
    await sleep(1_500);
    await release();
    proxy.setMode('pass');
    await waitFor(async () => ((await status(id)).status === 'READY' ? true : undefined), 30_000, 'the export to be written by a retry');
    const [{ row_count }] = await sql<{ row_count: number }>(databaseUrl, 'select row_count from export where id = $1', [id]);
    expect(row_count).toBe(1_500);
  }, 90_000);

  it('a small export written during its request is FAILED once the database is back, not PROCESSING for ever', async () => {
    const { databaseUrl, proxy, team, client, status } = await setUp();
    await seedContacts(databaseUrl, team.teamId, 10);
    const release = await lockChunks(databaseUrl);
    cleanup.push(release);
    const request = client.gql(`mutation { createExport(input: { resource: CONTACTS }) { id status } }`);
    const id = await waitFor(
      async () => (await sql<{ id: string }>(databaseUrl, 'select id from export where team_id = $1', [team.teamId]))[0]?.id,
      10_000,
      'the export row',
    );
    await sleep(300);
    proxy.setMode('reset');
    const answer = await request;
    expect(answer.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
    await sleep(1_000);
    expect((await status(id)).status).toBe('PROCESSING'); // nothing can be written while the database is away
    await release();
    proxy.setMode('pass');
    await waitFor(async () => ((await status(id)).status === 'FAILED' ? true : undefined), 15_000, 'the export to be FAILED');
    expect((await status(id)).error).toBe('The export could not be written. Try again.');
  }, 60_000);

  it('shutting down stops a running export and leaves it to a retry: the next instance writes it and emails its creator once', async () => {
    const databaseUrl = await createTestDatabase('faults');
    const first = await startInProcess(databaseUrl);
    cleanup.push(() => first.stop());
    const team = await setUpTeam(first.url);
    await seedContacts(databaseUrl, team.teamId, 400_000);
    const client = createClient(first.url);
    client.cookie = team.cookie;
    const created = await client.gql(`mutation { createExport(input: { resource: CONTACTS }) { id status } }`);
    const id = created.data!.createExport.id as string;
    await waitFor(
      async () => ((await sql(databaseUrl, 'select 1 from export where id = $1 and writing_attempt is not null', [id])).length ? true : undefined),
      20_000,
      'the export to be written',
    );
    await first.stop();
    // Not finished by a process whose mailer and pools were closing (the email was lost).
    expect((await sql<{ status: string }>(databaseUrl, 'select status from export where id = $1', [id]))[0].status).toBe('PROCESSING');
    const [job] = await sql<{ state: string }>(databaseUrl, `select state from pgboss.job where name = 'export' and data->>'exportId' = $1`, [id]);
    expect(['retry', 'created']).toContain(job.state);

    await writtenByNextInstance(databaseUrl, id);
    const [{ row_count }] = await sql<{ row_count: number }>(databaseUrl, 'select row_count from export where id = $1', [id]);
    expect(row_count).toBe(400_000);
    await waitFor(
      async () => ((await sql(databaseUrl, `select 1 from outbox_message where subject like 'Your contacts export is ready%'`)).length ? true : undefined),
      10_000,
      'the ready email',
    );
    expect(await sql(databaseUrl, `select 1 from outbox_message where subject like 'Your contacts export is ready%'`)).toHaveLength(1);
  }, 120_000);

  it('shutting down does not wait for ever for an export stuck in a statement: it is cancelled and left to a retry, which the next instance writes', async () => {
    const databaseUrl = await createTestDatabase('faults');
    const first = await startInProcess(databaseUrl);
    let stopped: Promise<unknown> | null = null;
    cleanup.push(() => stopped ?? first.stop());
    const team = await setUpTeam(first.url);
    await seedContacts(databaseUrl, team.teamId, 5_000);
    // The export's chunks cannot be written: its writer waits on the lock, in a statement.
    const release = await lockChunks(databaseUrl);
    cleanup.push(release);
    const client = createClient(first.url);
    client.cookie = team.cookie;
    const created = await client.gql(`mutation { createExport(input: { resource: CONTACTS }) { id status } }`);
    expect(created.data!.createExport.status).toBe('PROCESSING');
    const id = created.data!.createExport.id as string;
    await waitFor(
      async () => ((await sql(databaseUrl, 'select 1 from export where id = $1 and writing_attempt is not null', [id])).length ? true : undefined),
      20_000,
      'the export to be written',
    );
    await sleep(500);
    stopped = first.stop();
    // pg-boss gives a running job 10 s to end; the stuck statement was waited for after that, for ever.
    const outcome = await Promise.race([stopped.then(() => 'stopped'), sleep(25_000).then(() => 'still stopping')]);
    expect(outcome).toBe('stopped');
    await release();
    expect((await sql<{ status: string }>(databaseUrl, 'select status from export where id = $1', [id]))[0].status).toBe('PROCESSING');

    await writtenByNextInstance(databaseUrl, id);
    expect((await sql<{ row_count: number }>(databaseUrl, 'select row_count from export where id = $1', [id]))[0].row_count).toBe(5_000);
  }, 120_000);

  it(`the sweep fails exports PROCESSING for ${ORPHANED_AFTER_MINUTES} minutes without a job, and leaves the rest`, async () => {
    const { databaseUrl, server, team } = await setUp();
    const insert = async (age: string) =>
      (
        await sql<{ id: string }>(
          databaseUrl,
          `insert into export (id, team_id, resource, filters, status, processed_rows, created_at)
           values (gen_random_uuid(), $1, 'CONTACTS', '{}', 'PROCESSING', 0, now() - $2::interval) returning id`,
          [team.teamId, age],
        )
      )[0].id;
    const orphaned = await insert(`${ORPHANED_AFTER_MINUTES} minutes 1 second`);
    const young = await insert(`${ORPHANED_AFTER_MINUTES - 1} minutes`);
    const withJob = await insert('1 hour');
    await server.app.services.jobs.send('export', { exportId: withJob }, { startAfter: 3600 });
    expect(await failInterruptedExports(server.app.services)).toBe(1);
    const rows = await sql<{ id: string; status: string }>(databaseUrl, 'select id, status from export where team_id = $1', [team.teamId]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [orphaned]: 'FAILED', [young]: 'PROCESSING', [withJob]: 'PROCESSING' });
    expect(await failInterruptedExports(server.app.services)).toBe(0);
  }, 60_000);
});
