import type { CreateBroadcastOptions } from 'resend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, count, itRefusesQueries, MISSING_ID, type RefusedQuery, sdk, setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let acme: Team;
let other: Team;
let otherBroadcastId: string;

const SEGMENT = '78261eea-8f8b-4381-83c6-79fa7120f1cf';
const draft = (over: Partial<Record<string, unknown>> = {}) =>
  ({
    name: 'November newsletter',
    segmentId: SEGMENT,
    from: 'Acme <news@acme.com>',
    subject: 'What is new',
    html: '<p>Hello {{{FIRST_NAME|there}}}</p>',
    ...over,
  }) as CreateBroadcastOptions;

const BROADCASTS = `query($first: Int, $after: String) {
  broadcasts(first: $first, after: $after) { edges { cursor node { id name from subject status html text replyTo createdAt sentAt } } pageInfo { hasNextPage endCursor } }
}`;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  other = await setUpTeam(server, 'Other');
  const res = await sdk(server, other.full.token).broadcasts.create(draft({ name: 'Theirs' }));
  expect(res.error).toBeNull();
  otherBroadcastId = res.data!.id;
});
afterAll(() => server?.stop());

describe('POST /broadcasts', () => {
  it('creates a draft and reads it back in Resend’s shape', async () => {
    const resend = sdk(server, acme.full.token);
    const created = await resend.broadcasts.create(
      draft({ text: 'Hello there', replyTo: ['help@acme.com', 'Support <support@acme.com>'], previewText: 'Our news' }),
    );
    expect(created.error).toBeNull();
    expect(created.data).toEqual({ object: 'broadcast', id: expect.any(String) });
    const { data, error } = await resend.broadcasts.get(created.data!.id);
    expect(error).toBeNull();
    expect(data).toEqual({
      object: 'broadcast',
      id: created.data!.id,
      name: 'November newsletter',
      audience_id: SEGMENT,
      segment_id: SEGMENT,
      from: 'Acme <news@acme.com>',
      subject: 'What is new',
      reply_to: ['help@acme.com', 'Support <support@acme.com>'],
      preview_text: 'Our news',
      status: 'draft',
      created_at: expect.stringMatching(/Z$/),
      scheduled_at: null,
      sent_at: null,
      topic_id: null,
      html: '<p>Hello {{{FIRST_NAME|there}}}</p>',
      text: 'Hello there',
    });
  });

  it('accepts text only, a bare sender, and a blank name', async () => {
    const resend = sdk(server, acme.full.token);
    const created = await resend.broadcasts.create({ name: ' ', segmentId: SEGMENT, from: 'news@acme.com', subject: 'Plain', text: 'Just text' });
    expect(created.error).toBeNull();
    const { data } = await resend.broadcasts.get(created.data!.id);
    expect(data).toMatchObject({ name: 'Untitled', from: 'news@acme.com', html: null, text: 'Just text', reply_to: null });
  });

  const refused: [string, Record<string, unknown>, string, RegExp][] = [
    ['a missing from', { subject: 's', html: 'h' }, 'missing_required_field', /from/],
    ['a malformed from', { from: 'Acme news', subject: 's', html: 'h' }, 'validation_error', /`from`/],
    ['a from that is not a string', { from: ['a@acme.com'], subject: 's', html: 'h' }, 'validation_error', /must be a string/],
    ['a missing subject', { from: 'a@acme.com', html: 'h' }, 'missing_required_field', /subject/],
    ['a blank subject', { from: 'a@acme.com', subject: '  ', html: 'h' }, 'validation_error', /subject/],
    ['a 998-character subject (POST /emails takes 997)', { from: 'a@acme.com', subject: 's'.repeat(998), html: 'h' }, 'validation_error', /at most 997/],
    ['neither html nor text', { from: 'a@acme.com', subject: 's' }, 'missing_required_field', /html.*text/],
    ['a 256-character name', { name: 'n'.repeat(256), from: 'a@acme.com', subject: 's', html: 'h' }, 'validation_error', /at most 255/],
    ['a malformed reply_to', { from: 'a@acme.com', subject: 's', html: 'h', reply_to: ['ok@acme.com', 'nope'] }, 'validation_error', /reply_to/],
    ['a 501-character preview', { from: 'a@acme.com', subject: 's', html: 'h', preview_text: 'p'.repeat(501) }, 'validation_error', /preview_text/],
    ['send: true', { from: 'a@acme.com', subject: 's', html: 'h', send: true }, 'validation_error', /not offered/],
    ['a schedule', { from: 'a@acme.com', subject: 's', html: 'h', scheduled_at: 'in 1 hour' }, 'validation_error', /not offered/],
    [
      'a segment_id and an audience_id that differ',
      { from: 'a@acme.com', subject: 's', html: 'h', segment_id: '00000000-0000-4000-8000-000000000001', audience_id: '00000000-0000-4000-8000-000000000002' },
      'validation_error',
      /`audience_id` is the old name of `segment_id`/,
    ],
  ];
  for (const [label, body, name, message] of refused) {
    it(`refuses ${label} with 422 ${name} and writes nothing`, async () => {
      const before = await count(server, 'broadcast');
      const res = await api(server, '/broadcasts', { method: 'POST', token: acme.full.token, body: JSON.stringify(body) });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, name });
      expect((res.body as { message: string }).message).toMatch(message);
      expect(await count(server, 'broadcast')).toBe(before);
    });
  }
});

describe('GET /broadcasts and /broadcasts/:id', () => {
  it("lists the team's broadcasts, newest first, without bodies", async () => {
    const { data, error } = await sdk(server, acme.full.token).broadcasts.list();
    expect(error).toBeNull();
    const rows = await sql<{ id: string }>(server.databaseUrl, 'select id from broadcast where team_id = $1 order by created_at desc, id desc', [acme.teamId]);
    expect(data!.data.map((b) => b.id)).toEqual(rows.map((r) => r.id));
    expect(Object.keys(data!.data[0]).sort()).toEqual(['audience_id', 'created_at', 'id', 'name', 'scheduled_at', 'segment_id', 'sent_at', 'status']);
  });

  it("answers another team's broadcast exactly like a missing one", async () => {
    const resend = sdk(server, acme.full.token);
    const theirs = await resend.broadcasts.get(otherBroadcastId);
    expect(theirs.error).toEqual({ statusCode: 404, name: 'not_found', message: 'Broadcast not found.' });
    expect((await resend.broadcasts.get(MISSING_ID)).error).toEqual(theirs.error);
    expect((await resend.broadcasts.get('b-1')).error).toEqual(theirs.error);
  });
});

describe('DELETE /broadcasts/:id', () => {
  it('removes a draft', async () => {
    const resend = sdk(server, acme.full.token);
    const id = (await resend.broadcasts.create(draft())).data!.id;
    const { data, error } = await resend.broadcasts.remove(id);
    expect(error).toBeNull();
    expect(data).toEqual({ object: 'broadcast', id, deleted: true });
    expect(await count(server, 'broadcast', 'id = $1', [id])).toBe(0);
  });

  it('refuses to remove a sent broadcast', async () => {
    const resend = sdk(server, acme.full.token);
    const id = (await resend.broadcasts.create(draft())).data!.id;
    await sql(server.databaseUrl, `update broadcast set status = 'sent', sent_at = now() where id = $1`, [id]);
    const { error } = await resend.broadcasts.remove(id);
    expect(error).toEqual({ statusCode: 422, name: 'validation_error', message: 'Only a draft broadcast can be deleted; this one has been sent.' });
    expect(await count(server, 'broadcast', 'id = $1', [id])).toBe(1);
    const { data } = await resend.broadcasts.get(id);
    expect(data).toMatchObject({ status: 'sent', sent_at: expect.stringMatching(/Z$/) });
  });

  it("answers another team's broadcast like a missing one and leaves it alone", async () => {
    const resend = sdk(server, acme.full.token);
    const theirs = await resend.broadcasts.remove(otherBroadcastId);
    expect(theirs.error).toEqual({ statusCode: 404, name: 'not_found', message: 'Broadcast not found.' });
    expect((await resend.broadcasts.remove(MISSING_ID)).error).toEqual(theirs.error);
    expect(await count(server, 'broadcast', 'id = $1', [otherBroadcastId])).toBe(1);
  });

  it('has no PUT: 405 with the allowed methods', async () => {
    const res = await api(server, `/broadcasts/${otherBroadcastId}`, { method: 'PUT', token: acme.full.token, body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, DELETE, HEAD, OPTIONS');
    expect(res.body).toMatchObject({ statusCode: 405, name: 'method_not_allowed' });
  });
});

describe('GraphQL broadcasts connection', () => {
  it("pages through the team's broadcasts, newest first", async () => {
    const all = (await sdk(server, acme.full.token).broadcasts.list({ limit: 100 })).data!.data.map((b) => b.id);
    expect(all.length).toBeGreaterThan(2);
    const first = await acme.admin.gql(BROADCASTS, { first: 2 });
    expect(first.errors).toBeUndefined();
    expect(first.data!.broadcasts.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(all.slice(0, 2));
    expect(first.data!.broadcasts.pageInfo.hasNextPage).toBe(true);
    const rest = await acme.admin.gql(BROADCASTS, { first: 100, after: first.data!.broadcasts.pageInfo.endCursor });
    expect(rest.data!.broadcasts.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(all.slice(2));
    expect(rest.data!.broadcasts.pageInfo.hasNextPage).toBe(false);
    expect(JSON.stringify(rest.data)).not.toContain(otherBroadcastId);
  });

  it('refuses first above 100', async () => {
    const res = await acme.admin.gql(BROADCASTS, { first: 101 });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

/** Drafts made through the SDK, oldest first, then given a status and a creation time ([name, status, created_at]; null keeps now). */
async function seedBroadcasts(team: Team, domain: string, made: [string, 'draft' | 'sent', string | null][]) {
  const resend = sdk(server, team.full.token);
  for (const [name, status, createdAt] of made) {
    const { data, error } = await resend.broadcasts.create(draft({ name, from: `news@${domain}` }));
    expect(error).toBeNull();
    await sql(server.databaseUrl, `update broadcast set status = $2, created_at = coalesce($3, created_at) where id = $1`, [data!.id, status, createdAt]);
  }
}

describe('GraphQL broadcasts filter', () => {
  const FILTERED = `query($filter: BroadcastFilter, $first: Int, $after: String) {
    broadcasts(filter: $filter, first: $first, after: $after) { edges { node { name status } } pageInfo { hasNextPage endCursor } }
  }`;
  const EXPORT = `mutation($input: CreateExportInput!) { createExport(input: $input) { status rowCount } }`;
  let team: Team;
  const names = async (filter: Record<string, unknown> | null) => {
    const res = await team.admin.gql(FILTERED, { filter, first: 100 });
    expect(res.errors).toBeUndefined();
    return (res.data!.broadcasts.edges as { node: { name: string } }[]).map((e) => e.node.name);
  };

  beforeAll(async () => {
    team = await setUpTeam(server, 'Filters', 'filters.com');
    await seedBroadcasts(team, 'filters.com', [
      ['Jan 5', 'sent', '2026-01-05T10:00:00Z'],
      ['Jan 15', 'draft', '2026-01-15T10:00:00Z'],
      ['Feb 10', 'sent', '2026-02-10T10:00:00Z'],
      ['Now', 'draft', null],
    ]);
  });

  it('narrows to a status', async () => {
    expect(await names({ status: 'sent' })).toEqual(['Feb 10', 'Jan 5']);
    expect(await names({ status: 'draft' })).toEqual(['Now', 'Jan 15']);
    expect(await names({ status: null })).toHaveLength(4);
    expect(await names(null)).toHaveLength(4);
  });

  it('narrows to a date range, both ends included, and combines filters', async () => {
    expect(await names({ from: '2026-01-15T10:00:00Z', to: '2026-02-10T10:00:00Z' })).toEqual(['Feb 10', 'Jan 15']);
    expect(await names({ to: '2026-02-10T09:59:59Z' })).toEqual(['Jan 15', 'Jan 5']);
    expect(await names({ from: '2026-01-10T00:00:00Z', status: 'sent' })).toEqual(['Feb 10']);
    expect(await names({ from: '2026-03-01T00:00:00Z', to: '2026-03-31T00:00:00Z' })).toEqual([]);
  });

  it('is the filter that the export of broadcasts takes, with the same rows', async () => {
    const filter = { status: 'sent', from: '2026-01-01T00:00:00.000Z', to: '2026-01-31T23:59:59.999Z' };
    const res = await team.admin.gql(EXPORT, { input: { resource: 'BROADCASTS', filters: filter } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createExport).toEqual({ status: 'READY', rowCount: (await names(filter)).length });
  });

  it('refuses an unknown status, naming `status`', async () => {
    const res = await team.admin.gql(FILTERED, { filter: { status: 'scheduled' } });
    expect(res.data).toBeNull();
    expect(res.errors?.[0]).toMatchObject({ message: 'Status must be draft or sent.', extensions: { code: 'BAD_USER_INPUT', field: 'status' } });
  });

  it('refuses a reversed date range, naming `from`', async () => {
    const res = await team.admin.gql(FILTERED, { filter: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } });
    expect(res.errors?.[0]).toMatchObject({ message: '`from` must be before `to`.', extensions: { code: 'BAD_USER_INPUT', field: 'from' } });
  });

  it('refuses dates that are not ISO-8601 date-times', async () => {
    for (const filter of [{ from: 'last week' }, { to: 20260131 }]) {
      const res = await team.admin.gql(FILTERED, { filter });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it("never shows another team's broadcasts", async () => {
    const res = await acme.admin.gql(FILTERED, { filter: { status: 'draft' }, first: 100 });
    expect(res.errors).toBeUndefined();
    expect(JSON.stringify(res.data)).not.toMatch(/Jan 15|"Now"/);
  });
});

describe('GET /broadcasts filters', () => {
  type Listed = { status: number; body: { object: string; has_more: boolean; data: { id: string; name: string; status: string; created_at: string }[] } };
  let team: Team;
  const list = async (query: string, token = team.full.token) => (await api(server, `/broadcasts?${query}`, { token })) as Listed;
  const names = async (query: string) => {
    const res = await list(query);
    expect(res.status, query).toBe(200);
    return res.body.data.map((b) => b.name);
  };

  beforeAll(async () => {
    team = await setUpTeam(server, 'RestFilters', 'rest-filters.com');
    await seedBroadcasts(team, 'rest-filters.com', [
      ['Jan 5', 'sent', '2026-01-05T10:00:00Z'],
      ['Jan 15', 'draft', '2026-01-15T10:00:00Z'],
      ['Jan 31', 'sent', '2026-01-31T23:30:00Z'],
      ['Feb 10', 'sent', '2026-02-10T10:00:00Z'],
      ['Now', 'draft', null],
    ]);
  });

  it('lists every broadcast without filters, as before', async () => {
    const res = await list('');
    expect(res.body).toMatchObject({ object: 'list', has_more: false });
    expect(res.body.data.map((b) => b.name)).toEqual(['Now', 'Feb 10', 'Jan 31', 'Jan 15', 'Jan 5']);
  });

  it('searches the name and the subject, in any case, and combines with the status', async () => {
    expect(await names('search=JAN')).toEqual(['Jan 31', 'Jan 15', 'Jan 5']);
    expect(await names('search=jan&status=draft')).toEqual(['Jan 15']);
    expect(await names('search=nothing%20like%20it')).toEqual([]);
    expect((await list(`search=${'x'.repeat(101)}`)).status).toBe(422);
    const gql = await team.admin.gql(`query($f: BroadcastFilter) { broadcasts(filter: $f, first: 100) { edges { node { name } } } }`, { f: { search: 'feb' } });
    expect(gql.data!.broadcasts.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['Feb 10']);
    const exported = await team.admin.gql(`mutation($input: CreateExportInput!) { createExport(input: $input) { rowCount } }`, {
      input: { resource: 'BROADCASTS', filters: { search: 'jan' } },
    });
    expect(exported.data!.createExport.rowCount).toBe(3);
  });

  it('narrows to a status', async () => {
    expect(await names('status=sent')).toEqual(['Feb 10', 'Jan 31', 'Jan 5']);
    expect(await names('status=draft')).toEqual(['Now', 'Jan 15']);
    expect((await list('status=sent')).body.data.every((b) => b.status === 'sent')).toBe(true);
  });

  it('narrows to a date range, by instant or by day, both ends included', async () => {
    expect(await names('from=2026-01-15T10:00:00Z&to=2026-02-10T10:00:00Z')).toEqual(['Feb 10', 'Jan 31', 'Jan 15']);
    expect(await names(`to=${encodeURIComponent('2026-01-15T11:00:00+01:00')}`)).toEqual(['Jan 15', 'Jan 5']);
    // A day is taken in UTC, whole: `to` includes every broadcast of its day.
    expect(await names('from=2026-01-06&to=2026-01-31')).toEqual(['Jan 31', 'Jan 15']);
    expect(await names('from=2026-02-01')).toEqual(['Now', 'Feb 10']);
    expect(await names('from=2026-03-01&to=2026-03-31')).toEqual([]);
  });

  it('combines filters with each other and with paging', async () => {
    expect(await names('status=sent&from=2026-01-10&to=2026-01-31')).toEqual(['Jan 31']);
    const page1 = await list('status=sent&limit=2');
    expect(page1.body.data.map((b) => b.name)).toEqual(['Feb 10', 'Jan 31']);
    expect(page1.body.has_more).toBe(true);
    const page2 = await list(`status=sent&limit=2&after=${page1.body.data[1].id}`);
    expect(page2.body.data.map((b) => b.name)).toEqual(['Jan 5']);
    expect(page2.body.has_more).toBe(false);
    const back = await list(`status=sent&limit=2&before=${page2.body.data[0].id}`);
    expect(back.body.data.map((b) => b.name)).toEqual(['Feb 10', 'Jan 31']);
    // A cursor on one of the team's broadcasts outside the filtered list still marks a place:
    // the page holds the matching broadcasts older than it.
    const aDraft = (await list('status=draft&limit=1')).body.data[0];
    const all = (await list('status=sent&limit=100')).body.data;
    const res = await list(`status=sent&after=${aDraft.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(all.filter((b) => b.created_at < aDraft.created_at));
  });

  it("never shows another team's broadcasts", async () => {
    const theirs = await list('status=draft&limit=100', other.full.token);
    expect(theirs.body.data.map((b) => b.id)).toEqual([otherBroadcastId]);
  });

  const refused: RefusedQuery[] = [
    ['an unknown status', 'status=scheduled', /Status must be draft or sent/],
    ['a status in another case', 'status=SENT', /Status must be draft or sent/],
    ['an empty status', 'status=', /`status` must be a single non-empty value/],
    ['a from that is not a date', 'from=last%20week', /`from` must be an ISO-8601 date/],
    ['a to that is not a real day', 'to=2026-02-30', /`to` must be an ISO-8601 date/],
    ['a status given twice', 'status=sent&status=draft', /`status` must be a single non-empty value/],
    ['a reversed range', 'from=2026-02-01&to=2026-01-31', /`from` must be before `to`/],
  ];
  itRefusesQueries((query) => list(query), refused);
});
