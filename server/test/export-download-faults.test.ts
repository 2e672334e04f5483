import 'reflect-metadata';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, startTestServer, type TestServer, waitFor } from './harness.js';

// A download whose file cannot be read before its first byte (its connection killed, a lock
// timeout) is answered 503 with Retry-After, as any request whose database is away: it had its
// connection closed with no status ("other side closed").
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe('an export download whose read fails before its first byte', () => {
  it('answers 503 with Retry-After, and the next download is served', async () => {
    const { client } = await signUpAdmin(server);
    const created = await client.gql(`mutation { createExport(input: { resource: API_KEYS }) { downloadUrl status } }`);
    expect(created.data!.createExport.status).toBe('READY');
    const url = String(created.data!.createExport.downloadUrl).replace(server.config.PUBLIC_URL, server.url);
    const locker = new pg.Client({ connectionString: server.databaseUrl });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table export_chunk in access exclusive mode');
      const download = fetch(url, { headers: { cookie: client.cookie! } });
      const pid = await waitFor(async () => {
        // pg_stat_activity is read once per transaction unless its snapshot is cleared.
        await locker.query('select pg_stat_clear_snapshot()');
        const { rows } = await locker.query<{ pid: number }>(
          `select pid from pg_stat_activity where query like 'copy (select data from export_chunk %' and wait_event_type = 'Lock'`,
        );
        return rows[0]?.pid;
      });
      await locker.query('select pg_terminate_backend($1)', [pid]);
      const res = await download;
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(res.headers.get('content-disposition')).toBeNull();
      expect(await res.json()).toMatchObject({ name: 'service_unavailable' });
    } finally {
      await locker.query('rollback').catch(() => undefined);
      await locker.end();
    }
    const again = await fetch(url, { headers: { cookie: client.cookie! } });
    expect(again.status).toBe(200);
    expect((await again.text()).split('\n')[0]).toContain('token_start');
  });
});
