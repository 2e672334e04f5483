import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GqlResult, signUpAdmin, sql, startTestServer, type TestClient, type TestServer } from './harness.js';
import { api, createKey } from './rest-harness.js';

/*
 * Rows written with microseconds (SQL's now(), a restore, a backfill) are paged through whole: a
 * page's cursor held the millisecond the server reads, and the next page skipped the rows of the
 * same millisecond (exports(first: 1) over .123456, .123400, .123300 and .122 listed two).
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
});
afterAll(() => server?.stop());

const TIMES = ['2026-06-01T00:00:00.123456Z', '2026-06-01T00:00:00.123400Z', '2026-06-01T00:00:00.123300Z', '2026-06-01T00:00:00.122000Z'];

/** Gives the team's rows of `table` the four times above, one each. */
async function backfill(table: string, teamId: string) {
  const rows = await sql<{ id: string }>(server.databaseUrl, `select id from "${table}" where team_id = $1 order by id`, [teamId]);
  expect(rows).toHaveLength(4);
  for (const [i, row] of rows.entries()) await sql(server.databaseUrl, `update "${table}" set created_at = $1 where id = $2`, [TIMES[i], row.id]);
  return rows.map((r) => r.id).sort();
}

/** Every id of a GraphQL connection, a page of one at a time. */
async function pageThrough(client: TestClient, field: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 10; i++) {
    const res: GqlResult<Record<string, any>> = await client.gql(
      `query($after: String) { ${field}(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
      {
        after,
      },
    );
    expect(res.errors).toBeUndefined();
    const page: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } = res.data![field];
    ids.push(...page.edges.map((e: { node: { id: string } }) => e.node.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

describe('paging through rows written to the microsecond', () => {
  it('contacts and exports over GraphQL, one a page, list every row once', async () => {
    const { client, user } = await signUpAdmin(server);
    const key = await createKey(client, { name: 'k', permission: 'FULL_ACCESS' });
    for (let i = 0; i < 4; i++) {
      expect((await api(server, '/contacts', { method: 'POST', token: key.token, body: JSON.stringify({ email: `c${i}@example.com` }) })).status).toBe(200);
      expect((await client.gql(`mutation { createExport(input: { resource: API_KEYS }) { id } }`)).errors).toBeUndefined();
    }
    const contacts = await backfill('contact', user.team.id);
    const exports = await backfill('export', user.team.id);
    expect((await pageThrough(client, 'contacts')).sort()).toEqual(contacts);
    expect((await pageThrough(client, 'exports')).sort()).toEqual(exports);
  });

  it('contacts over REST, one a page (`after`), list every row once', async () => {
    const { client, user } = await signUpAdmin(server);
    const key = await createKey(client, { name: 'k', permission: 'FULL_ACCESS' });
    for (let i = 0; i < 4; i++) {
      const res = await api(server, '/contacts', { method: 'POST', token: key.token, body: JSON.stringify({ email: `r${i}@example.com` }) });
      expect(res.status).toBe(200);
    }
    const contacts = await backfill('contact', user.team.id);
    const ids: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 10; i++) {
      const res = await api(server, `/contacts?limit=1${after ? `&after=${after}` : ''}`, { token: key.token });
      const body = res.body as { data: { id: string }[]; has_more: boolean };
      ids.push(...body.data.map((c) => c.id));
      if (!body.has_more) break;
      after = body.data[body.data.length - 1].id;
    }
    expect(ids.sort()).toEqual(contacts);
  });
});
