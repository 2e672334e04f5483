import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { INLINE_STOP_GRACE_MS } from '../src/modules/export/export.connections.js';
import { lockChunks, setUpTeam, sleep, spawnServer, startInProcess } from './faults-harness.js';
import { createClient, createTestDatabase, sql, waitFor } from './harness.js';

/*
 * A small export is written during its request, on connections with no statement timeout. One
 * stuck in a statement (export_chunk locked by another transaction) held the instance's shutdown
 * for ever: the request never ended, and neither did the pools it held. Background exports had
 * their statements cancelled at shutdown (faults-export.test.ts); small ones now too, once the
 * instance has stopped taking requests and given them INLINE_STOP_GRACE_MS to finish.
 */

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  cleanup = [];
});

/**
 * A team of the instance at `url` given 10 contacts, export_chunk locked, and a small export of
 * them stuck on the lock: the request (its answer, or 'connection lost'), and how to release the lock.
 */
async function exportStuckOnLock(databaseUrl: string, url: string) {
  const team = await setUpTeam(url);
  await sql(
    databaseUrl,
    `insert into contact (id, team_id, email, created_at, updated_at)
     select gen_random_uuid(), $1, 'c' || i || '@example.com', now(), now() from generate_series(1, 10) i`,
    [team.teamId],
  );
  const release = await lockChunks(databaseUrl);
  // Released before the instance is stopped at the end (cleanup runs backwards), or its stop waits.
  cleanup.push(release);
  const client = createClient(url);
  client.cookie = team.cookie;
  const answer = client.gql(`mutation { createExport(input: { resource: CONTACTS }) { id status rowCount } }`);
  await waitFor(
    async () =>
      (await sql(databaseUrl, `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).length ? true : undefined,
    20_000,
    'the export to wait on the lock',
  );
  return { team, answer, release };
}

/** An instance, a team with 10 contacts, export_chunk locked, and a small export stuck on the lock. */
async function stuckSmallExport() {
  const databaseUrl = await createTestDatabase('faults');
  const server = await startInProcess(databaseUrl);
  let stopped: Promise<unknown> | null = null;
  cleanup.push(() => stopped ?? server.stop());
  const { team, answer, release } = await exportStuckOnLock(databaseUrl, server.url);
  const state = async () => {
    const [row] = await sql<{ status: string; error: string | null; chunks: string }>(
      databaseUrl,
      `select status, error, (select count(*) from export_chunk c where c.export_id = e.id) as chunks from export e where team_id = $1`,
      [team.teamId],
    );
    return row;
  };
  const stop = () => {
    const started = performance.now();
    stopped = server.stop().then(() => performance.now() - started);
    return stopped as Promise<number>;
  };
  return { answer, release, stop, state };
}

describe('faults: shutting down while a small export is written during its request', () => {
  it('cancels its statements once they are stuck past the grace: the request is answered SERVICE_UNAVAILABLE, the export FAILED, and stop() ends', async () => {
    const { answer, release, stop, state } = await stuckSmallExport();
    const stopped = stop();
    // Apollo's drain cuts connections still busy after 10 s; the stuck statement was waited for after that, for ever.
    const outcome = await Promise.race([stopped, sleep(8_000).then(() => 'still stopping' as const)]);
    expect(outcome).not.toBe('still stopping');
    expect(outcome).toBeGreaterThanOrEqual(INLINE_STOP_GRACE_MS - 50);
    const res = await answer;
    expect(res.data).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({
      message: 'This server is shutting down: create the export again.',
      path: ['createExport'],
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: 2 },
    });
    // Not PROCESSING until another instance's sweep, and nothing of it kept.
    await release();
    expect(await state()).toEqual({ status: 'FAILED', error: 'The export could not be written. Try again.', chunks: '0' });
  }, 60_000);

  it('lets one that finishes within the grace finish: READY, in the answer and in the table', async () => {
    const { answer, release, stop, state } = await stuckSmallExport();
    const stopped = stop();
    await sleep(INLINE_STOP_GRACE_MS / 4);
    await release();
    const res = await answer;
    expect(res.errors).toBeUndefined();
    expect(res.data!.createExport).toMatchObject({ status: 'READY', rowCount: 10 });
    await stopped;
    expect(await state()).toMatchObject({ status: 'READY', error: null });
  }, 60_000);
});

describe('faults: an instance killed (kill -9) while a small export is written during its request', () => {
  it('another instance fails it within seconds (its attempt abandoned), not once the sweep finds it 10 to 15 minutes later; nothing of it kept', async () => {
    const databaseUrl = await createTestDatabase('faults');
    const doomed = await spawnServer({ DATABASE_URL: databaseUrl });
    cleanup.push(async () => {
      if (doomed.child.exitCode === null && doomed.child.signalCode === null) process.kill(-doomed.child.pid!, 'SIGKILL');
    });
    const { team, answer, release } = await exportStuckOnLock(databaseUrl, doomed.url);
    const lost = answer.then(
      () => 'answered',
      () => 'connection lost',
    );
    process.kill(-doomed.child.pid!, 'SIGKILL');
    await doomed.exited;
    expect(await lost).toBe('connection lost');
    await release();
    const [{ id }] = await sql<{ id: string }>(databaseUrl, `select id from export where team_id = $1 and status = 'PROCESSING'`, [team.teamId]);
    const live = await startInProcess(databaseUrl);
    cleanup.push(() => live.stop());
    const state = async () =>
      (
        await sql<{ status: string; error: string | null; chunks: string }>(
          databaseUrl,
          `select status, error, (select count(*) from export_chunk c where c.export_id = e.id) as chunks from export e where id = $1`,
          [id],
        )
      )[0];
    await waitFor(async () => ((await state()).status === 'FAILED' ? true : undefined), 30_000, 'the export FAILED by the live instance');
    expect(await state()).toEqual({ status: 'FAILED', error: 'The export could not be written. Try again.', chunks: '0' });
    // The dashboard's list says so too.
    const viewer = createClient(live.url);
    viewer.cookie = team.cookie;
    const listed = await viewer.gql(`query($id: ID!) { export(id: $id) { status } }`, { id });
    expect(listed.data).toEqual({ export: { status: 'FAILED' } });
  }, 120_000);
});
