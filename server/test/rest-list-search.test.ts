import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildRollups } from '../src/modules/usage-log/usage-rollup.js';
import { sql, startTestServer, type TestServer, waitFor } from './harness.js';
import { api, setUpTeam, type Team } from './rest-harness.js';

/**
 * GET /api/emails and GET /api/logs over more than a search's budget (100,000 of the team's rows):
 * a filter an index serves fills its pages however far back its rows are; one no index serves
 * stops, answers what it found with has_more and next_cursor, and goes on from there.
 */
const ROWS = 120_000;
/** Emails (1 = newest) whose subject holds "ZQX": two recent, three beyond the first budget. */
const ZQX = [5, 20, 115_000, 115_001, 115_002];
/** Emails canceled: one recent, two beyond the budget. */
const CANCELED = [7, 105_000, 119_999];
/** Logs (1 = newest) of DELETE /emails/abc; the rest are POST /emails (and the tests' own, newer, GET). */
const PATH_LOGS = [3, 50, 112_000, 115_000, 119_999];

let server: TestServer;
let acme: Team;
/** Acme's email and log ids, newest first. */
let emailIds: string[];
let logIds: string[];
const emailAt = (i: number) => emailIds[i - 1];
const logAt = (i: number) => logIds[i - 1];

type ListBody = { object: 'list'; has_more: boolean; data: { id: string }[]; next_cursor?: string; searched_until?: string };

async function list(path: string): Promise<ListBody> {
  const res = await api(server, path, { token: acme.full.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as ListBody;
}
const ids = (body: ListBody) => body.data.map((e) => e.id);

/** Every page of a list, following `cursor(page)` as `param` until has_more is false. */
async function pageThrough(path: string, param: 'after' | 'before', cursor: (page: ListBody) => string | undefined, start?: string) {
  const pages: ListBody[] = [];
  let at = start;
  for (let i = 0; i < 30; i++) {
    const page = await list(`${path}${at ? `&${param}=${at}` : ''}`);
    pages.push(page);
    if (!page.has_more) return { pages, found: pages.flatMap(ids) };
    at = cursor(page);
    expect(at).toBeDefined();
  }
  throw new Error('too many pages');
}

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  const other = await setUpTeam(server, 'Other');
  // Sent or canceled (never queued: delivery would pick them up), a second apart, to the millisecond as the API writes them.
  await sql(
    server.databaseUrl,
    `insert into email (id, team_id, api_key_id, "from", "to", cc, bcc, reply_to, subject, status, created_at)
     select gen_random_uuid(), $1, $2, 'news@acme.com', jsonb_build_array('user' || i || '@example.com'), '[]', '[]', '[]',
            case when i = any($4::int[]) then 'Invoice ZQX ' || i else 'Hello ' || i end,
            case when i = any($5::int[]) then 'canceled' else 'sent' end,
            date_trunc('milliseconds', now()) - i * interval '1 second'
       from generate_series(1, $3::int) as i`,
    [acme.teamId, acme.full.id, ROWS, ZQX, CANCELED],
  );
  // Logs 6 seconds apart (over 8 days), as a backfill: rollups rebuilt after.
  await sql(
    server.databaseUrl,
    `insert into usage_log (id, team_id, api_key_id, method, endpoint, status_code, duration_ms, created_at)
     select gen_random_uuid(), $1, $2, case when i = any($4::int[]) then 'DELETE' else 'POST' end,
            case when i = any($4::int[]) then '/emails/abc' else '/emails' end, 200, 1, now() - interval '1 minute' - i * interval '6 seconds'
       from generate_series(1, $3::int) as i`,
    [acme.teamId, acme.full.id, ROWS, PATH_LOGS],
  );
  // Another team's matching rows, newer than all of Acme's: never in Acme's lists.
  await sql(
    server.databaseUrl,
    `insert into email (id, team_id, "from", "to", cc, bcc, reply_to, subject, status, created_at)
     select gen_random_uuid(), $1, 'news@other.com', '["x@example.com"]', '[]', '[]', '[]', 'Invoice ZQX', 'canceled', now() + i * interval '1 second'
       from generate_series(1, 5) as i`,
    [other.teamId],
  );
  await sql(
    server.databaseUrl,
    `insert into usage_log (id, team_id, api_key_id, method, endpoint, status_code, duration_ms, created_at)
     select gen_random_uuid(), $1, $2, 'GET', '/emails/abc', 200, 1, now() - i * interval '1 second' from generate_series(1, 5) as i`,
    [other.teamId, other.full.id],
  );
  await rebuildRollups(server.app.services.pool);
  await sql(server.databaseUrl, 'analyze email');
  await sql(server.databaseUrl, 'analyze usage_log');
  const newestFirst = (table: string) =>
    sql<{ id: string }>(server.databaseUrl, `select id from ${table} where team_id = $1 order by created_at desc, id desc`, [acme.teamId]);
  emailIds = (await newestFirst('email')).map((r) => r.id);
  logIds = (await newestFirst('usage_log')).map((r) => r.id);
}, 180_000);
afterAll(() => server?.stop());

describe('GET /api/emails', () => {
  it('a status an index holds (canceled) fills its pages however far back its emails are', async () => {
    const first = await list('/emails?status=canceled&limit=2');
    expect(ids(first)).toEqual([emailAt(7), emailAt(105_000)]);
    expect(first).toMatchObject({ has_more: true, next_cursor: emailAt(105_000) });
    expect(first.searched_until).toBeUndefined();
    const second = await list(`/emails?status=canceled&limit=2&after=${first.next_cursor}`);
    expect(ids(second)).toEqual([emailAt(119_999)]);
    expect(second.has_more).toBe(false);
    expect(second.next_cursor).toBeUndefined();
  });

  it('a status an index holds is read through that index, not the whole team', async () => {
    const scans = async () =>
      Number(
        (await sql<{ n: string }>(server.databaseUrl, `select idx_scan as n from pg_stat_user_indexes where indexrelname = 'email_team_status_time_index'`))[0]
          ?.n ?? Number.NaN,
      );
    const before = await scans();
    expect(before).not.toBeNaN();
    await list('/emails?status=failed&limit=5');
    // A backend reports its statistics when idle, within seconds.
    await waitFor(async () => ((await scans()) > before ? true : undefined), 20_000, 'a scan of email_team_status_time_index');
  });

  it('a search stops after 100,000 emails: what it found, has_more, and next_cursor (the last email searched) to go on', async () => {
    const first = await list('/emails?search=zqx&limit=10');
    expect(ids(first)).toEqual([emailAt(5), emailAt(20)]);
    // 10,000 + 30,000 + 60,000 of the team's emails searched, then the next one.
    const [last] = await sql<{ created_at: Date }>(server.databaseUrl, 'select created_at from email where id = $1', [emailAt(100_001)]);
    expect(first).toMatchObject({ has_more: true, next_cursor: emailAt(100_001), searched_until: last.created_at.toISOString() });

    const second = await list(`/emails?search=zqx&limit=10&after=${first.next_cursor}`);
    expect(ids(second)).toEqual([emailAt(115_000), emailAt(115_001), emailAt(115_002)]);
    expect(second.has_more).toBe(false);
    expect(second.searched_until).toBeUndefined();
  });

  it('paged by next_cursor, or by the last email as Resend clients page, finds every match once, in order', async () => {
    const shape = (pages: ListBody[]) => pages.map((p) => [p.data.length, p.searched_until !== undefined]);
    const byCursor = await pageThrough('/emails?search=zqx&limit=2', 'after', (p) => p.next_cursor);
    expect(byCursor.found).toEqual(ZQX.map(emailAt));
    // The first page is full, but whether more follow was not known within the budget.
    expect(shape(byCursor.pages)).toEqual([
      [2, true],
      [2, false],
      [1, false],
    ]);
    // From the last email, the budget runs out before a match: an empty page that has more.
    const byLastItem = await pageThrough('/emails?search=zqx&limit=2', 'after', (p) => p.data.at(-1)?.id ?? p.next_cursor);
    expect(byLastItem.found).toEqual(ZQX.map(emailAt));
    expect(shape(byLastItem.pages)).toEqual([
      [2, true],
      [0, true],
      [2, false],
      [1, false],
    ]);
  });

  it('before searches towards newer emails the same way, pages still newest first', async () => {
    const first = await list(`/emails?search=zqx&limit=10&before=${emailAt(115_002)}`);
    expect(ids(first)).toEqual([emailAt(115_000), emailAt(115_001)]);
    expect(first).toMatchObject({ has_more: true, next_cursor: emailAt(15_001) });
    const second = await list(`/emails?search=zqx&limit=10&before=${first.next_cursor}`);
    expect(ids(second)).toEqual([emailAt(5), emailAt(20)]);
    expect(second.has_more).toBe(false);
  });

  it('lists without a search are full pages, as before', async () => {
    const first = await list('/emails?limit=100');
    expect(ids(first)).toEqual(emailIds.slice(0, 100));
    expect(first).toMatchObject({ has_more: true, next_cursor: emailAt(100) });
    const back = await list(`/emails?limit=3&before=${emailAt(100)}`);
    expect(ids(back)).toEqual(emailIds.slice(96, 99));
    expect(back).toMatchObject({ has_more: true, next_cursor: emailAt(97) });
  });
});

describe('GET /api/logs', () => {
  const path = '/logs?endpoint=/emails/abc&limit=10';

  it('a filter no index serves (a path below a resource) stops after about 100,000 logs, then goes on from next_cursor', async () => {
    const first = await list(path);
    expect(ids(first)).toEqual([logAt(3), logAt(50)]);
    expect(first.has_more).toBe(true);
    // The last log searched: any of the team's, matching or not, is a cursor.
    const searched = logIds.indexOf(first.next_cursor!) + 1;
    expect(searched).toBeGreaterThan(90_000);
    expect(searched).toBeLessThan(112_000);
    const [last] = await sql<{ at: string }>(
      server.databaseUrl,
      `select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at from usage_log where id = $1`,
      [first.next_cursor],
    );
    expect(first.searched_until).toBe(last.at);

    const second = await list(`${path}&after=${first.next_cursor}`);
    expect(ids(second)).toEqual([logAt(112_000), logAt(115_000), logAt(119_999)]);
    expect(second.has_more).toBe(false);
  });

  it('paged by next_cursor, or by the last log, finds every match once, in order; before goes back the same way', async () => {
    const byCursor = await pageThrough('/logs?endpoint=/emails/abc&limit=1', 'after', (p) => p.next_cursor);
    expect(byCursor.found).toEqual(PATH_LOGS.map(logAt));
    expect(byCursor.pages.some((p) => p.searched_until !== undefined)).toBe(true);
    const byLastItem = await pageThrough('/logs?endpoint=/emails/abc&limit=2', 'after', (p) => p.data.at(-1)?.id ?? p.next_cursor);
    expect(byLastItem.found).toEqual(PATH_LOGS.map(logAt));
    // From the last log (50), the budget runs out before a match: an empty page that has more.
    expect(byLastItem.pages.some((p) => p.data.length === 0 && p.has_more && p.searched_until !== undefined)).toBe(true);

    const back = await pageThrough('/logs?endpoint=/emails/abc&limit=2', 'before', (p) => p.data[0]?.id ?? p.next_cursor, logAt(119_999));
    // Each page newest first; the pages go from older to newer.
    expect(back.pages.flatMap((p) => ids(p).reverse())).toEqual(PATH_LOGS.slice(0, -1).reverse().map(logAt));
  });

  it('a filter an index serves (a method) fills its pages however far back its logs are', async () => {
    const first = await list('/logs?method=DELETE&limit=4');
    expect(ids(first)).toEqual(PATH_LOGS.slice(0, 4).map(logAt));
    expect(first).toMatchObject({ has_more: true, next_cursor: logAt(115_000) });
    expect(first.searched_until).toBeUndefined();
  });
});
