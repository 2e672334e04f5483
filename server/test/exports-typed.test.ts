import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, sql, startTestServer, type TestClient, type TestServer } from './harness.js';

// createExport takes the list's own typed filter (one field per resource); the old `filters: JSON` still works.
let server: TestServer;
let admin: TestClient;
let teamId: string;

const CREATE = `mutation($input: CreateExportInput!) { createExport(input: $input) { id status rowCount downloadUrl } }`;

async function csvIds(link: string) {
  const res = await fetch(link.replace(server.config.PUBLIC_URL, server.url), { headers: { cookie: admin.cookie! } });
  const [, ...rows] = (await res.text()).trim().split('\n');
  return rows.map((r) => r.split(',')[0]);
}

beforeAll(async () => {
  server = await startTestServer();
  const signed = await signUpAdmin(server, 'Typed');
  admin = signed.client;
  teamId = (await admin.gql('{ me { team { id } } }')).data!.me.team.id;
  await sql(
    server.databaseUrl,
    `insert into broadcast (id, team_id, name, "from", subject, status, created_at)
     select gen_random_uuid(), $1, 'Launch ' || i, 'news@example.com', case when i % 3 = 0 then 'Weekly news' else 'Offer' end,
            (case when i % 2 = 0 then 'sent' else 'draft' end)::broadcast_status, now() - i * interval '1 minute'
       from generate_series(1, 12) as i`,
    [teamId],
  );
  await sql(
    server.databaseUrl,
    `insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, created_at)
     select gen_random_uuid(), $1, null, 'k', case when i % 2 = 0 then 'GET' else 'POST' end, '/emails',
            case when i % 4 = 0 then 422 else 200 end, 'test', 1, now() - i * interval '1 second'
       from generate_series(1, 40) as i`,
    [teamId],
  );
});
afterAll(async () => server?.stop());

describe('createExport with the list’s typed filter', () => {
  it('exports exactly the rows the Broadcasts page lists for the same filter, in its order', async () => {
    const filter = { broadcastStatus: 'SENT', search: 'news' };
    const list = await admin.gql(`query($filter: BroadcastFilter) { broadcasts(filter: $filter, first: 100) { edges { node { id } } } }`, { filter });
    const listed = list.data!.broadcasts.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(listed.length).toBe(2);
    const res = await admin.gql(CREATE, { input: { resource: 'BROADCASTS', broadcasts: filter } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createExport).toMatchObject({ status: 'READY', rowCount: 2 });
    expect(await csvIds(res.data!.createExport.downloadUrl)).toEqual(listed);
  });

  it('takes the Logs page’s enums, and counts as the deprecated JSON filters do', async () => {
    const typed = await admin.gql(CREATE, { input: { resource: 'LOGS', logs: { responseClass: 'CLIENT_ERROR', httpMethod: 'GET' } } });
    const json = await admin.gql(CREATE, { input: { resource: 'LOGS', filters: { statusClass: 4, method: 'GET' } } });
    const list = await admin.gql(`query { usageLogs(filter: { responseClass: CLIENT_ERROR, httpMethod: GET }, first: 100) { edges { node { id } } } }`);
    expect(typed.data!.createExport.rowCount).toBe(10);
    expect(json.data!.createExport.rowCount).toBe(10);
    expect(list.data!.usageLogs.edges).toHaveLength(10);
  });

  it('refuses another resource’s filter, both forms at once, and a reversed range, naming the field, creating nothing', async () => {
    const before = (await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from export'))[0].n;
    const cases: [object, string][] = [
      [{ resource: 'LOGS', emails: { search: 'x' } }, 'emails'],
      [{ resource: 'LOGS', logs: { httpMethod: 'GET' }, filters: { method: 'GET' } }, 'filters'],
      [{ resource: 'BROADCASTS', broadcasts: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } }, 'filters.from'],
    ];
    for (const [input, field] of cases) {
      const res = await admin.gql(CREATE, { input });
      expect(res.errors?.[0].extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect((await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from export'))[0].n).toBe(before);
  });

  it('reads the deprecated JSON through the list’s own GraphQL input: a stored filter sent back exports the same rows; wrong types are refused in its words', async () => {
    const WITH_FILTERS = `mutation($input: CreateExportInput!) { createExport(input: $input) { rowCount filters } }`;
    const typed = await admin.gql(WITH_FILTERS, { input: { resource: 'LOGS', logs: { responseClass: 'CLIENT_ERROR', httpMethod: 'GET' } } });
    // Stored as the server holds the values (StatusClass 4), as "Export again" sends them back.
    expect(typed.data!.createExport).toEqual({ rowCount: 10, filters: { responseClass: 4, httpMethod: 'GET' } });
    const again = await admin.gql(WITH_FILTERS, { input: { resource: 'LOGS', filters: typed.data!.createExport.filters } });
    expect(again.data!.createExport).toEqual(typed.data!.createExport);
    // The enum by its GraphQL name works in JSON too, and the same builder counts it.
    const named = await admin.gql(WITH_FILTERS, { input: { resource: 'BROADCASTS', filters: { broadcastStatus: 'SENT', search: 'news' } } });
    expect(named.data!.createExport.rowCount).toBe(2);
    const before = (await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from export'))[0].n;
    const cases: [object, string, RegExp][] = [
      [{ statusCode: '422' }, 'filters.statusCode', /^Filter "statusCode": Int cannot represent non-integer value: "422"/],
      [{ errorsOnly: 'yes' }, 'filters.errorsOnly', /^Filter "errorsOnly": Boolean cannot represent a non boolean value/],
      [{ responseClass: 'TEAPOT' }, 'filters.responseClass', /^Filter "responseClass": Value "TEAPOT" does not exist in "StatusClass" enum/],
      [
        { colour: 'red' },
        'filters.colour',
        /^Unknown filter "colour" for LOGS\. Allowed: apiKeyId, statusCode, statusClass, responseClass, from, to, errorsOnly, method, httpMethod, endpoint\.$/,
      ],
    ];
    for (const [filters, field, message] of cases) {
      const res = await admin.gql(CREATE, { input: { resource: 'LOGS', filters } });
      expect(res.errors?.[0].extensions, JSON.stringify(filters)).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.errors?.[0].message).toMatch(message);
    }
    expect((await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from export'))[0].n).toBe(before);
  });
});
