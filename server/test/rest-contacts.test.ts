import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GqlResult, sql, startTestServer, type TestServer } from './harness.js';
import { api, count, itRefusesQueries, MISSING_ID, type RefusedQuery, sdk, setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let acme: Team;
let other: Team;
let otherContactId: string;

type Page = { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

const CONTACTS = `query($first: Int, $after: String) {
  contacts(first: $first, after: $after) { edges { cursor node { id email firstName lastName unsubscribed createdAt } } pageInfo { hasNextPage endCursor } }
}`;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  other = await setUpTeam(server, 'Other');
  const res = await sdk(server, other.full.token).contacts.create({ email: 'shared@example.com', firstName: 'Theirs' });
  expect(res.error).toBeNull();
  otherContactId = res.data!.id;
});
afterAll(() => server?.stop());

describe('POST /contacts', () => {
  it('creates a contact, lower-casing the email and trimming names', async () => {
    const { data, error } = await sdk(server, acme.full.token).contacts.create({
      email: '  Ada@Example.COM ',
      firstName: ' Ada ',
      lastName: 'Lovelace',
    });
    expect(error).toBeNull();
    expect(data).toEqual({ object: 'contact', id: expect.any(String) });
    const [row] = await sql(server.databaseUrl, 'select team_id, email, first_name, last_name, unsubscribed from contact where id = $1', [data!.id]);
    expect(row).toEqual({ team_id: acme.teamId, email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', unsubscribed: false });
  });

  it('the same email may exist in another team', async () => {
    const { error } = await sdk(server, acme.full.token).contacts.create({ email: 'shared@example.com', unsubscribed: true });
    expect(error).toBeNull();
  });

  const refused: [string, Record<string, unknown>, string, RegExp][] = [
    ['a missing email', { first_name: 'A' }, 'missing_required_field', /email/],
    ['an invalid email', { email: 'not-an-email' }, 'validation_error', /valid email/],
    ['an email with spaces', { email: 'a b@example.com' }, 'validation_error', /valid email/],
    ['a 255-character email', { email: `${'a'.repeat(243)}@example.com` }, 'validation_error', /valid email/],
    ['an email that is not a string', { email: ['a@example.com'] }, 'validation_error', /must be a string/],
    ['an email already in the team, in other case', { email: 'ADA@example.com' }, 'validation_error', /already exists/],
    ['a 101-character first name', { email: 'long@example.com', first_name: 'f'.repeat(101) }, 'validation_error', /at most 100/],
    ['a last name that is not a string', { email: 'num@example.com', last_name: 7 }, 'validation_error', /must be a string/],
    // Shown on the Contacts page and in exports reading backwards ("1 live" for "evil 1").
    [
      'a last name with a bidirectional override',
      { email: 'bidi@example.com', last_name: '\u202eevil\u202c 1' },
      'validation_error',
      /Last name may not contain bidirectional override/,
    ],
    [
      'a first name with a bidirectional isolate',
      { email: 'bidi2@example.com', first_name: 'a\u2066b' },
      'validation_error',
      /First name may not contain bidirectional override/,
    ],
    // A line separator is a line break, as LF is (the name showed on two lines).
    [
      'a first name with a line separator',
      { email: 'ls@example.com', first_name: 'Ada\u2028Lovelace' },
      'validation_error',
      /First name may not contain control characters such as line breaks/,
    ],
    ['a last name with a paragraph separator', { email: 'ps@example.com', last_name: 'x\u2029y' }, 'validation_error', /Last name may not contain control/],
    ['unsubscribed that is not a boolean', { email: 'bool@example.com', unsubscribed: 'yes' }, 'validation_error', /boolean/],
    ['custom properties', { email: 'props@example.com', properties: { plan: 'pro' } }, 'validation_error', /properties/],
    ['segments', { email: 'seg@example.com', segments: [{ id: MISSING_ID }] }, 'validation_error', /segments/],
  ];
  for (const [label, body, name, message] of refused) {
    it(`refuses ${label} with 422 ${name} and writes nothing`, async () => {
      const before = await count(server, 'contact');
      const res = await api(server, '/contacts', { method: 'POST', token: acme.full.token, body: JSON.stringify(body) });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, name });
      expect((res.body as { message: string }).message).toMatch(message);
      expect(await count(server, 'contact')).toBe(before);
    });
  }

  it('two concurrent creations of one address make one contact', async () => {
    const resend = sdk(server, acme.full.token);
    const results = await Promise.all([1, 2, 3].map(() => resend.contacts.create({ email: 'race@example.com' })));
    expect(results.filter((r) => r.error === null)).toHaveLength(1);
    for (const r of results.filter((r) => r.error)) expect(r.error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(await count(server, 'contact', 'email = $1', ['race@example.com'])).toBe(1);
  });
});

describe('GET /contacts and /contacts/:idOrEmail', () => {
  it("lists the team's contacts, newest first", async () => {
    const { data, error } = await sdk(server, acme.full.token).contacts.list();
    expect(error).toBeNull();
    const rows = await sql<{ id: string }>(server.databaseUrl, 'select id from contact where team_id = $1 order by created_at desc, id desc', [acme.teamId]);
    expect(data!.data.map((c) => c.id)).toEqual(rows.map((r) => r.id));
    expect(data!.data.map((c) => c.id)).not.toContain(otherContactId);
    expect(data!.data.find((c) => c.email === 'ada@example.com')).toEqual({
      id: expect.any(String),
      email: 'ada@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      unsubscribed: false,
      created_at: expect.stringMatching(/Z$/),
    });
  });

  it('gets a contact by id and by email (any case)', async () => {
    const resend = sdk(server, acme.full.token);
    const byEmail = await resend.contacts.get({ email: 'Ada@Example.com' });
    expect(byEmail.error).toBeNull();
    expect(byEmail.data).toMatchObject({ object: 'contact', email: 'ada@example.com', first_name: 'Ada', properties: {} });
    const byId = await resend.contacts.get(byEmail.data!.id);
    expect(byId.data).toEqual(byEmail.data);
  });

  it("answers another team's contact, by id or email, exactly like a missing one", async () => {
    const resend = sdk(server, acme.full.token);
    const expected = { statusCode: 404, name: 'not_found', message: 'Contact not found.' };
    expect((await resend.contacts.get(otherContactId)).error).toEqual(expected);
    expect((await resend.contacts.get(MISSING_ID)).error).toEqual(expected);
    expect((await resend.contacts.get({ email: 'nobody@example.com' })).error).toEqual(expected);
    expect((await resend.contacts.get('neither-id-nor-email')).error).toEqual(expected);
  });
});

describe('PATCH /contacts/:idOrEmail', () => {
  it('updates by email and by id; null clears a name', async () => {
    const resend = sdk(server, acme.full.token);
    const id = (await resend.contacts.create({ email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper' })).data!.id;
    let res = await resend.contacts.update({ email: 'GRACE@example.com', unsubscribed: true, lastName: null });
    expect(res.error).toBeNull();
    expect(res.data).toEqual({ object: 'contact', id });
    res = await resend.contacts.update({ id, firstName: 'Amazing Grace' });
    expect(res.error).toBeNull();
    const [row] = await sql(server.databaseUrl, 'select first_name, last_name, unsubscribed from contact where id = $1', [id]);
    expect(row).toEqual({ first_name: 'Amazing Grace', last_name: null, unsubscribed: true });
  });

  it('refuses bad input and changes nothing', async () => {
    const resend = sdk(server, acme.full.token);
    const id = (await resend.contacts.create({ email: 'steady@example.com', firstName: 'Steady' })).data!.id;
    for (const [body, name] of [
      [{ first_name: 'x'.repeat(101), unsubscribed: true }, 'validation_error'],
      [{ first_name: 'Steady\u202e', unsubscribed: true }, 'validation_error'],
      [{ unsubscribed: 'true' }, 'validation_error'],
      [{ unsubscribed: true, properties: { a: 1 } }, 'validation_error'],
    ] as const) {
      const res = await api(server, `/contacts/${id}`, { method: 'PATCH', token: acme.full.token, body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body).toMatchObject({ name });
    }
    const [row] = await sql(server.databaseUrl, 'select first_name, unsubscribed from contact where id = $1', [id]);
    expect(row).toEqual({ first_name: 'Steady', unsubscribed: false });
  });

  it("cannot touch another team's contact", async () => {
    const { error } = await sdk(server, acme.full.token).contacts.update({ id: otherContactId, unsubscribed: true });
    expect(error).toEqual({ statusCode: 404, name: 'not_found', message: 'Contact not found.' });
    const [row] = await sql(server.databaseUrl, 'select unsubscribed from contact where id = $1', [otherContactId]);
    expect(row.unsubscribed).toBe(false);
  });
});

describe('DELETE /contacts/:idOrEmail', () => {
  it('removes by id and by email', async () => {
    const resend = sdk(server, acme.full.token);
    const a = (await resend.contacts.create({ email: 'del-a@example.com' })).data!.id;
    const b = (await resend.contacts.create({ email: 'del-b@example.com' })).data!.id;
    const byId = await resend.contacts.remove(a);
    expect(byId.error).toBeNull();
    expect(byId.data).toEqual({ object: 'contact', id: a, contact: a, deleted: true });
    const byEmail = await resend.contacts.remove({ email: 'del-b@example.com' });
    expect(byEmail.data).toMatchObject({ contact: b, deleted: true });
    expect(await count(server, 'contact', 'id = any($1)', [[a, b]])).toBe(0);
  });

  it("answers another team's contact like a missing one and leaves it alone", async () => {
    const resend = sdk(server, acme.full.token);
    const theirs = await resend.contacts.remove(otherContactId);
    expect(theirs.error).toEqual({ statusCode: 404, name: 'not_found', message: 'Contact not found.' });
    expect((await resend.contacts.remove(MISSING_ID)).error).toEqual(theirs.error);
    expect(await count(server, 'contact', 'id = $1', [otherContactId])).toBe(1);
  });
});

describe('GraphQL contacts connection', () => {
  it("pages through the team's contacts, newest first", async () => {
    const all = (await sdk(server, acme.full.token).contacts.list({ limit: 100 })).data!.data.map((c) => c.id);
    expect(all.length).toBeGreaterThan(3);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: GqlResult<{ contacts: Page }> = await acme.admin.gql(CONTACTS, { first: 2, after });
      expect(res.errors).toBeUndefined();
      const page = res.data!.contacts;
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it('refuses first above 100', async () => {
    const res = await acme.admin.gql(CONTACTS, { first: 101 });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('is closed to sending-access keys and to the signed-out', async () => {
    const asKey = await acme.admin.gql(CONTACTS, {}, { authorization: `Bearer ${acme.sending.token}`, cookie: '' });
    expect(asKey.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await server.client().gql(CONTACTS);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

/** Contacts made through the SDK, oldest first ([email, unsubscribed, created_at]; null keeps now). */
async function seedContacts(team: Team, made: [string, boolean, string | null][]) {
  const resend = sdk(server, team.full.token);
  for (const [email, unsubscribed, createdAt] of made) {
    const { data, error } = await resend.contacts.create({ email, unsubscribed });
    expect(error).toBeNull();
    if (createdAt) await sql(server.databaseUrl, 'update contact set created_at = $2 where id = $1', [data!.id, createdAt]);
  }
}

describe('GraphQL contacts filter', () => {
  const FILTERED = `query($filter: ContactFilter, $first: Int, $after: String) {
    contacts(filter: $filter, first: $first, after: $after) { edges { node { email } } pageInfo { hasNextPage endCursor } }
  }`;
  const EXPORT = `mutation($input: CreateExportInput!) { createExport(input: $input) { status rowCount } }`;
  let team: Team;
  const emails = async (filter: Record<string, unknown> | null, first?: number, after?: string) => {
    const res: GqlResult<{ contacts: { edges: { node: { email: string } }[]; pageInfo: Page['pageInfo'] } }> = await team.admin.gql(FILTERED, {
      filter,
      first,
      after,
    });
    expect(res.errors).toBeUndefined();
    return { emails: res.data!.contacts.edges.map((e) => e.node.email), pageInfo: res.data!.contacts.pageInfo };
  };

  beforeAll(async () => {
    team = await setUpTeam(server, 'Filters', 'filters.com');
    await seedContacts(team, [
      ['jan5@example.com', false, '2026-01-05T10:00:00Z'],
      ['jan15@example.com', true, '2026-01-15T10:00:00Z'],
      ['feb10@example.com', false, '2026-02-10T10:00:00Z'],
      ['now@example.com', true, null],
    ]);
  });

  it('narrows to subscribed or unsubscribed contacts', async () => {
    expect((await emails({ unsubscribed: true })).emails).toEqual(['now@example.com', 'jan15@example.com']);
    expect((await emails({ unsubscribed: false })).emails).toEqual(['feb10@example.com', 'jan5@example.com']);
    expect((await emails({ unsubscribed: null })).emails).toHaveLength(4);
    expect((await emails(null)).emails).toHaveLength(4);
  });

  it('narrows to a date range, both ends included, and combines filters', async () => {
    expect((await emails({ from: '2026-01-15T10:00:00Z', to: '2026-02-10T10:00:00Z' })).emails).toEqual(['feb10@example.com', 'jan15@example.com']);
    expect((await emails({ from: '2026-02-01T00:00:00Z' })).emails).toEqual(['now@example.com', 'feb10@example.com']);
    expect((await emails({ to: '2026-01-31T23:59:59.999Z', unsubscribed: false })).emails).toEqual(['jan5@example.com']);
    expect((await emails({ from: '2026-03-01T00:00:00Z', to: '2026-03-31T00:00:00Z' })).emails).toEqual([]);
  });

  it('pages within the filter', async () => {
    const page1 = await emails({ unsubscribed: false }, 1);
    expect(page1).toMatchObject({ emails: ['feb10@example.com'], pageInfo: { hasNextPage: true } });
    const page2 = await emails({ unsubscribed: false }, 1, page1.pageInfo.endCursor!);
    expect(page2).toMatchObject({ emails: ['jan5@example.com'], pageInfo: { hasNextPage: false } });
  });

  it('is the filter that the export of contacts takes, with the same rows', async () => {
    const filter = { unsubscribed: false, from: '2026-01-01T00:00:00.000Z', to: '2026-01-31T23:59:59.999Z' };
    const res = await team.admin.gql(EXPORT, { input: { resource: 'CONTACTS', filters: filter } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createExport).toEqual({ status: 'READY', rowCount: (await emails(filter)).emails.length });
  });

  it('refuses a reversed date range, naming `from`', async () => {
    const res = await team.admin.gql(FILTERED, { filter: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } });
    expect(res.data).toBeNull();
    expect(res.errors?.[0]).toMatchObject({ message: '`from` must be before `to`.', extensions: { code: 'BAD_USER_INPUT', field: 'from' } });
  });

  it('refuses values of the wrong type', async () => {
    for (const filter of [{ from: 'yesterday' }, { to: '2026-01-31' }, { unsubscribed: 'yes' }]) {
      const res = await team.admin.gql(FILTERED, { filter });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('GET /contacts filters', () => {
  type Listed = { status: number; body: { object: string; has_more: boolean; data: { id: string; email: string; created_at: string }[] } };
  let team: Team;
  const list = async (query: string, token = team.full.token) => (await api(server, `/contacts?${query}`, { token })) as Listed;
  const emails = async (query: string) => {
    const res = await list(query);
    expect(res.status, query).toBe(200);
    return res.body.data.map((c) => c.email);
  };

  beforeAll(async () => {
    team = await setUpTeam(server, 'RestFilters', 'rest-filters.com');
    await seedContacts(team, [
      ['jan5@example.com', false, '2026-01-05T10:00:00Z'],
      ['jan15@example.com', true, '2026-01-15T10:00:00Z'],
      ['jan31@example.com', false, '2026-01-31T23:30:00Z'],
      ['feb10@example.com', false, '2026-02-10T10:00:00Z'],
      ['now@example.com', true, null],
    ]);
  });

  it('searches the email address and the name, in any case, with wildcards taken literally', async () => {
    const jan = (await list('search=jan15')).body.data[0];
    await sdk(server, team.full.token).contacts.update({ id: jan.id, firstName: 'Ada', lastName: 'Lovelace_100%' });
    expect(await emails('search=JAN')).toEqual(['jan31@example.com', 'jan15@example.com', 'jan5@example.com']);
    expect(await emails('search=lovelace')).toEqual(['jan15@example.com']);
    expect(await emails('search=ada')).toEqual(['jan15@example.com']);
    expect(await emails('search=_100%25')).toEqual(['jan15@example.com']);
    expect(await emails('search=%25')).toEqual(['jan15@example.com']);
    expect(await emails('search=jan&unsubscribed=false&limit=1')).toEqual(['jan31@example.com']);
    const page2 = await list(`search=jan&unsubscribed=false&limit=1&after=${(await list('search=jan&unsubscribed=false&limit=1')).body.data[0].id}`);
    expect(page2.body.data.map((c) => c.email)).toEqual(['jan5@example.com']);
    expect((await list(`search=${'x'.repeat(101)}`)).status).toBe(422);
    // The same filter in GraphQL and in an export of these contacts.
    const gql = await team.admin.gql(`query($f: ContactFilter) { contacts(filter: $f, first: 100) { edges { node { email } } } }`, {
      f: { search: 'LOVELACE' },
    });
    expect(gql.data!.contacts.edges.map((e: { node: { email: string } }) => e.node.email)).toEqual(['jan15@example.com']);
    const exported = await team.admin.gql(`mutation($input: CreateExportInput!) { createExport(input: $input) { rowCount } }`, {
      input: { resource: 'CONTACTS', filters: { search: 'jan' } },
    });
    expect(exported.data!.createExport.rowCount).toBe(3);
  });

  it('lists every contact without filters, as before', async () => {
    const res = await list('');
    expect(res.body).toMatchObject({ object: 'list', has_more: false });
    expect(res.body.data.map((c) => c.email)).toEqual(['now@example.com', 'feb10@example.com', 'jan31@example.com', 'jan15@example.com', 'jan5@example.com']);
  });

  it('narrows to subscribed or unsubscribed contacts', async () => {
    expect(await emails('unsubscribed=true')).toEqual(['now@example.com', 'jan15@example.com']);
    expect(await emails('unsubscribed=false')).toEqual(['feb10@example.com', 'jan31@example.com', 'jan5@example.com']);
  });

  it('narrows to a date range, by instant or by day, both ends included', async () => {
    expect(await emails('from=2026-01-15T10:00:00Z&to=2026-02-10T10:00:00Z')).toEqual(['feb10@example.com', 'jan31@example.com', 'jan15@example.com']);
    expect(await emails(`to=${encodeURIComponent('2026-01-15T11:00:00+01:00')}`)).toEqual(['jan15@example.com', 'jan5@example.com']);
    // A day is taken in UTC, whole: `to` includes every contact of its day.
    expect(await emails('from=2026-01-06&to=2026-01-31')).toEqual(['jan31@example.com', 'jan15@example.com']);
    expect(await emails('from=2026-02-01')).toEqual(['now@example.com', 'feb10@example.com']);
    expect(await emails('from=2026-03-01&to=2026-03-31')).toEqual([]);
  });

  it('combines filters with each other and with paging', async () => {
    expect(await emails('unsubscribed=false&from=2026-01-10&to=2026-02-28')).toEqual(['feb10@example.com', 'jan31@example.com']);
    const page1 = await list('unsubscribed=false&limit=2');
    expect(page1.body.data.map((c) => c.email)).toEqual(['feb10@example.com', 'jan31@example.com']);
    expect(page1.body.has_more).toBe(true);
    const page2 = await list(`unsubscribed=false&limit=2&after=${page1.body.data[1].id}`);
    expect(page2.body.data.map((c) => c.email)).toEqual(['jan5@example.com']);
    expect(page2.body.has_more).toBe(false);
    const back = await list(`unsubscribed=false&limit=2&before=${page2.body.data[0].id}`);
    expect(back.body.data.map((c) => c.email)).toEqual(['feb10@example.com', 'jan31@example.com']);
    // A cursor on one of the team's contacts outside the filtered list (unsubscribed since, say)
    // still marks a place: the page holds the matching contacts older than it.
    const unsubscribed = (await list('unsubscribed=true&limit=1')).body.data[0];
    const all = (await list('unsubscribed=false&limit=100')).body.data;
    const res = await list(`unsubscribed=false&after=${unsubscribed.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(all.filter((c) => c.created_at < unsubscribed.created_at));
  });

  it("never shows another team's contacts", async () => {
    const theirs = await list('unsubscribed=false&limit=100', other.full.token);
    expect(theirs.body.data.map((c) => c.email)).toEqual(['shared@example.com']);
  });

  const refused: RefusedQuery[] = [
    ['an unsubscribed that is not a boolean', 'unsubscribed=yes', /`unsubscribed` must be true or false/],
    ['an unsubscribed given as a number', 'unsubscribed=1', /`unsubscribed` must be true or false/],
    ['an empty unsubscribed', 'unsubscribed=', /`unsubscribed` must be a single non-empty value/],
    ['a from that is not a date', 'from=yesterday', /`from` must be an ISO-8601 date/],
    ['a to that is not a real day', 'to=2026-02-30', /`to` must be an ISO-8601 date/],
    ['a to given twice', 'to=2026-01-01&to=2026-01-02', /`to` must be a single non-empty value/],
    ['a reversed range', 'from=2026-02-01&to=2026-01-31', /`from` must be before `to`/],
  ];
  itRefusesQueries((query) => list(query), refused);
});
