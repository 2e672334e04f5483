import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, sql, startTestServer, type TestClient, type TestServer } from './harness.js';

let server: TestServer;
let admin: TestClient;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  admin = (await signUpAdmin(server, 'Filters')).client;
  for (const name of ['processing', 'ready', 'expired', 'failed', 'ready2']) {
    const res = await admin.gql(`mutation { createExport(input: { resource: DOMAINS }) { id status } }`);
    ids[name] = res.data!.createExport.id;
  }
  // The states a worker and the clock leave exports in (small exports are READY at once).
  await sql(server.databaseUrl, `update export set status = 'PROCESSING', completed_at = null, expires_at = null where id = $1`, [ids.processing]);
  await sql(server.databaseUrl, `update export set status = 'FAILED', error = 'disk full' where id = $1`, [ids.failed]);
  // READY in the table, but past its 7 days: it reads EXPIRED before the sweeper runs.
  await sql(server.databaseUrl, `update export set expires_at = now() - interval '1 minute' where id = $1`, [ids.expired]);
});
afterAll(async () => server?.stop());

const LIST = `query($filter: ExportFilter, $first: Int, $after: String) {
  exports(filter: $filter, first: $first, after: $after) { edges { node { id status } } pageInfo { hasNextPage endCursor } }
}`;

describe('exports(filter: { status })', () => {
  it('answers the exports whose status field reads so, an expired READY one as EXPIRED', async () => {
    const by = async (status: string) => (await admin.gql(LIST, { filter: { status } })).data!.exports.edges.map((e: any) => e.node);
    expect(await by('PROCESSING')).toEqual([{ id: ids.processing, status: 'PROCESSING' }]);
    expect(await by('FAILED')).toEqual([{ id: ids.failed, status: 'FAILED' }]);
    expect(await by('EXPIRED')).toEqual([{ id: ids.expired, status: 'EXPIRED' }]);
    expect(await by('READY')).toEqual([
      { id: ids.ready2, status: 'READY' },
      { id: ids.ready, status: 'READY' },
    ]);
    expect((await admin.gql(LIST, {})).data!.exports.edges).toHaveLength(5);
  });

  it('pages within the filter', async () => {
    const first = (await admin.gql(LIST, { filter: { status: 'READY' }, first: 1 })).data!.exports;
    expect(first.edges.map((e: any) => e.node.id)).toEqual([ids.ready2]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await admin.gql(LIST, { filter: { status: 'READY' }, first: 1, after: first.pageInfo.endCursor })).data!.exports;
    expect(second.edges.map((e: any) => e.node.id)).toEqual([ids.ready]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a status that does not exist', async () => {
    const res = await admin.gql(LIST, { filter: { status: 'DONE' } });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
