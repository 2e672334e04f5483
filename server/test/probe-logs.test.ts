import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildRollups } from '../src/modules/usage-log/usage-rollup.js';
import { sql, startTestServer, type TestServer } from './harness.js';
import { setUpTeam, type Team } from './rest-harness.js';

// What a reviewer who never saw the other tests tried against the request logs' lists.

let server: TestServer;
let acme: Team;

const LIST = `query($f: UsageLogFilter, $n: Int, $a: String) {
  usageLogs(filter: $f, first: $n, after: $a) { edges { cursor node { id createdAt } } pageInfo { hasNextPage endCursor } searchedUntil }
}`;

const cursor = (text: string) => Buffer.from(text).toString('base64url');

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  await sql(
    server.databaseUrl,
    `insert into usage_log (id, team_id, api_key_id, method, endpoint, status_code, duration_ms, created_at)
     select gen_random_uuid(), $1, $2, 'POST', '/emails', case when i % 10 = 0 then 422 else 200 end, 1, now() - i * interval '7 minutes'
       from generate_series(1, 200) as i`,
    [acme.teamId, acme.full.id],
  );
  await rebuildRollups(server.app.services.pool);
}, 60_000);
afterAll(() => server?.stop());

describe('usageLogs(after:)', () => {
  it('refuses a cursor naming a day the calendar does not have (February 30th) as an invalid cursor, not an internal error', async () => {
    for (const at of ['2026-02-30T00:00:00Z', '2026-04-31T12:00:00.123456Z', '2026-01-01T24:00:00Z']) {
      const res = await acme.admin.gql(LIST, { n: 5, a: cursor(`${at}|00000000-0000-4000-8000-000000000000`) });
      expect(res.errors?.[0], at).toMatchObject({ message: 'Invalid cursor.', extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    }
    // A real one still pages on.
    const first = await acme.admin.gql(LIST, { n: 5 });
    const next = await acme.admin.gql(LIST, { n: 5, a: first.data!.usageLogs.pageInfo.endCursor });
    expect(next.errors).toBeUndefined();
    expect(next.data!.usageLogs.edges).toHaveLength(5);
  });
});
