import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GqlResult, sql, startTestServer, type TestServer } from './harness.js';
import { api, setUpTeam, type Team } from './rest-harness.js';

// More than the search's budget (EMAIL_SEARCH_WINDOWS: 100,000 of the team's emails), a second apart.
const EMAILS = 120_000;
/** The emails that match `sent` and `ZQX`: two recent ones, three beyond the first page's budget. The others failed. */
const MATCHING = [5, 20, 115_000, 115_001, 115_002];

let server: TestServer;
let acme: Team;
/** Acme's email ids, newest first. */
let ids: string[];
const idAt = (i: number) => ids[i - 1];

type Connection = {
  edges: { node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  searchedUntil: string | null;
};

const QUERY = `query($filter: EmailFilter, $first: Int, $after: String) {
  emails(filter: $filter, first: $first, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } searchedUntil }
}`;

async function emails(filter: Record<string, unknown> | null, first: number, after: string | null = null): Promise<Connection> {
  const res: GqlResult<{ emails: Connection }> = await acme.admin.gql(QUERY, { filter, first, after });
  expect(res.errors).toBeUndefined();
  return res.data!.emails;
}

/** Every page, following endCursor to the end. */
async function pageThrough(filter: Record<string, unknown>, first: number): Promise<{ pages: Connection[]; found: string[] }> {
  const pages: Connection[] = [];
  let after: string | null = null;
  for (let i = 0; i < 20; i++) {
    const page = await emails(filter, first, after);
    pages.push(page);
    if (!page.pageInfo.hasNextPage) return { pages, found: pages.flatMap((p) => p.edges.map((e) => e.node.id)) };
    after = page.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

beforeAll(async () => {
  server = await startTestServer();
  acme = await setUpTeam(server, 'Acme');
  const other = await setUpTeam(server, 'Other');
  // Failed or sent (never queued: delivery would pick them up), to the millisecond as the API writes them.
  // Sent is the status no index holds (email_team_status_time_index holds the rare ones, failed among them).
  await sql(
    server.databaseUrl,
    `insert into email (id, team_id, api_key_id, "from", "to", cc, bcc, reply_to, subject, status, created_at)
     select gen_random_uuid(), $1, $2, 'news@acme.com', jsonb_build_array('user' || i || '@example.com'), '[]', '[]', '[]',
            case when i = any($4::int[]) then 'Invoice ZQX ' || i else 'Hello ' || i end,
            case when i = any($4::int[]) then 'sent' else 'failed' end,
            date_trunc('milliseconds', now()) - i * interval '1 second'
       from generate_series(1, $3::int) as i`,
    [acme.teamId, acme.full.id, EMAILS, MATCHING],
  );
  // Another team's matching emails, newer than all of Acme's: never in Acme's list.
  await sql(
    server.databaseUrl,
    `insert into email (id, team_id, "from", "to", cc, bcc, reply_to, subject, status, created_at)
     select gen_random_uuid(), $1, 'news@other.com', '["x@example.com"]', '[]', '[]', '[]', 'Invoice ZQX', 'sent', now() + i * interval '1 second'
       from generate_series(1, 5) as i`,
    [other.teamId],
  );
  await sql(server.databaseUrl, 'analyze email');
  ids = (await sql<{ id: string }>(server.databaseUrl, 'select id from email where team_id = $1 order by created_at desc, id desc', [acme.teamId])).map(
    (r) => r.id,
  );
}, 120_000);
afterAll(() => server?.stop());

describe('emails(filter:) with a status or a search', () => {
  for (const filter of [{ emailStatus: 'SENT' }, { status: 'sent' }, { search: 'zqx' }, { search: 'zqx', emailStatus: 'SENT', apiKeyId: 'KEY' }]) {
    it(`stops at its budget, says how far back it searched, and finds the old matches from endCursor: ${JSON.stringify(filter)}`, async () => {
      const f = JSON.parse(JSON.stringify(filter).replace('KEY', acme.full.id));
      const first = await emails(f, 10);
      expect(first.edges.map((e) => e.node.id)).toEqual([idAt(5), idAt(20)]);
      expect(first.pageInfo.hasNextPage).toBe(true);
      // 10,000 + 30,000 + 60,000 of the team's emails searched: down to the 100,000th newest.
      const [edge] = await sql<{ created_at: Date }>(server.databaseUrl, 'select created_at from email where id = $1', [idAt(100_000)]);
      expect(first.searchedUntil).toBe(edge.created_at.toISOString());

      const second = await emails(f, 10, first.pageInfo.endCursor);
      expect(second.edges.map((e) => e.node.id)).toEqual([idAt(115_000), idAt(115_001), idAt(115_002)]);
      expect(second.pageInfo.hasNextPage).toBe(false);
      expect(second.searchedUntil).toBeNull();
    });
  }

  it('fills a page within a window, then goes on from its last email', async () => {
    const { pages, found } = await pageThrough({ emailStatus: 'SENT' }, 1);
    expect(found).toEqual(MATCHING.map(idAt));
    // The second page's search ran out of budget after its one match; the third went on from there.
    expect(pages.map((p) => [p.edges.length, p.searchedUntil !== null])).toEqual([
      [1, false],
      [1, true],
      [1, false],
      [1, false],
      [1, false],
    ]);
  });

  it('a search matching nothing reads the history a budget per page, then ends', async () => {
    const { pages, found } = await pageThrough({ search: 'nothing like it' }, 50);
    expect(found).toEqual([]);
    expect(pages.map((p) => p.searchedUntil !== null)).toEqual([true, false]);
  });

  it('a status an index holds is one query: full pages however far back, no searchedUntil', async () => {
    const first = await emails({ emailStatus: 'FAILED' }, 50);
    expect(first.edges.map((e) => e.node.id)).toEqual(ids.filter((_, i) => !MATCHING.includes(i + 1)).slice(0, 50));
    expect(first).toMatchObject({ searchedUntil: null, pageInfo: { hasNextPage: true } });
    const none = await emails({ emailStatus: 'CANCELED' }, 50);
    expect(none).toMatchObject({ edges: [], searchedUntil: null, pageInfo: { hasNextPage: false } });
  });
});

describe('emails without a status or search', () => {
  it('is one full page after another, as before, with no searchedUntil', async () => {
    const first = await emails(null, 50);
    expect(first.edges.map((e) => e.node.id)).toEqual(ids.slice(0, 50));
    expect(first).toMatchObject({ searchedUntil: null, pageInfo: { hasNextPage: true } });
    const second = await emails({ apiKeyId: acme.full.id }, 100, first.pageInfo.endCursor);
    expect(second.edges.map((e) => e.node.id)).toEqual(ids.slice(50, 150));
    expect(second.searchedUntil).toBeNull();
    const [last] = await sql<{ created_at: Date }>(server.databaseUrl, 'select created_at from email where id = $1', [idAt(EMAILS - 2)]);
    const tail = await emails({ to: last.created_at.toISOString() }, 10);
    expect(tail.edges.map((e) => e.node.id)).toEqual(ids.slice(EMAILS - 3));
    expect(tail).toMatchObject({ searchedUntil: null, pageInfo: { hasNextPage: false } });
  });
});

describe('GET /api/emails', () => {
  it('searches as emails(filter:) does, and says where it stopped (the last email searched) to go on from', async () => {
    const first = await api(server, '/emails?status=sent&limit=10', { token: acme.full.token });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ has_more: true, next_cursor: idAt(100_001) });
    expect((first.body as { data: { id: string }[] }).data.map((e) => e.id)).toEqual([idAt(5), idAt(20)]);
    const second = await api(server, `/emails?status=sent&limit=10&after=${idAt(100_001)}`, { token: acme.full.token });
    expect((second.body as { data: { id: string }[] }).data.map((e) => e.id)).toEqual(MATCHING.slice(2).map(idAt));
    expect(second.body).toMatchObject({ has_more: false });
  });
});
