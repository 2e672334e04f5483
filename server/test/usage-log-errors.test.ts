import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';
import { api, MISSING_ID, sdk, setUpTeam, type Team } from './rest-harness.js';

// Logs say why a request failed: the error name and message from the logged response body, an
// "errors only" filter (status 400 or more), and the same in a LOGS export's CSV.
let server: TestServer;
let acme: Team;

const LIST = `query($filter: UsageLogFilter) {
  usageLogs(filter: $filter, first: 50) { edges { node { id endpoint statusCode errorName errorMessage } } }
}`;
type Row = { id: string; endpoint: string; statusCode: number; errorName: string | null; errorMessage: string | null };

async function list(filter: Record<string, unknown> = {}): Promise<Row[]> {
  const res = await acme.admin.gql(LIST, { filter });
  expect(res.errors).toBeUndefined();
  return res.data!.usageLogs.edges.map((e: { node: Row }) => e.node);
}

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  const resend = sdk(server, acme.full.token);
  expect((await resend.domains.list()).error).toBeNull();
  expect((await resend.contacts.create({ email: 'not an email' })).error?.statusCode).toBe(422);
  expect((await resend.contacts.get(MISSING_ID)).error?.statusCode).toBe(404);
  expect((await api(server, '/domains', { method: 'PUT', token: acme.full.token, body: '{}' })).status).toBe(405);
  await server.app.services.usageRecorder.flush();
});
afterAll(() => server?.stop());

describe('error name and message of a log', () => {
  it('come from the logged response body of a failed request, on the list and on the log itself', async () => {
    const rows = await list();
    expect(rows.map((r) => r.statusCode)).toEqual([405, 404, 422, 200]);
    for (const r of rows.slice(0, 3)) {
      expect(r.errorName, r.endpoint).toEqual(expect.any(String));
      expect(r.errorMessage, r.endpoint).toEqual(expect.any(String));
    }
    expect(rows[2].errorName).toBe('validation_error');
    expect(rows[1].errorName).toBe('not_found');
    expect(rows[3]).toMatchObject({ errorName: null, errorMessage: null });

    // The log's own page reads them from the same body.
    for (const r of rows) {
      const one = await acme.admin.gql(`query($id: ID!) { usageLog(id: $id) { errorName errorMessage responseBody } }`, { id: r.id });
      expect(one.errors).toBeUndefined();
      expect(one.data!.usageLog).toMatchObject({ errorName: r.errorName, errorMessage: r.errorMessage });
      if (r.statusCode >= 400) expect(one.data!.usageLog.responseBody).toMatchObject({ name: r.errorName, message: r.errorMessage });
    }
  });
});

describe('errorsOnly', () => {
  it('keeps the answers with a status of 400 or more, alone or with another status filter', async () => {
    expect((await list({ errorsOnly: true })).map((r) => r.statusCode)).toEqual([405, 404, 422]);
    expect((await list({ errorsOnly: false })).map((r) => r.statusCode)).toEqual([405, 404, 422, 200]);
    expect((await list({ errorsOnly: true, statusCode: 404 })).map((r) => r.statusCode)).toEqual([404]);
    expect(await list({ errorsOnly: true, responseClass: 'SUCCESS' })).toEqual([]);
  });

  it('exports the same rows, with error_name and error_message columns', async () => {
    const res = await acme.admin.gql(`mutation($input: CreateExportInput!) { createExport(input: $input) { status rowCount downloadUrl } }`, {
      input: { resource: 'LOGS', logs: { errorsOnly: true } },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createExport).toMatchObject({ status: 'READY', rowCount: 3 });
    const file = await fetch(res.data!.createExport.downloadUrl.replace(server.config.PUBLIC_URL, server.url), { headers: { cookie: acme.admin.cookie! } });
    const [header, ...lines] = (await file.text()).trim().split('\n');
    const columns = header.split(',');
    expect(columns.slice(-2)).toEqual(['error_name', 'error_message']);
    const rows = await list({ errorsOnly: true });
    expect(lines.map((l) => l.split(',')[0])).toEqual(rows.map((r) => r.id));
    const nameAt = columns.indexOf('error_name');
    expect(lines.map((l) => l.split(',')[nameAt])).toEqual(rows.map((r) => r.errorName));
  });
});

describe('a GraphQL request refused by the gate', () => {
  it('is logged with the error code its client was told (a disabled key: UNAUTHENTICATED)', async () => {
    const team = await setUpTeam(server, 'Refused');
    const off = await team.admin.gql(`mutation($id: ID!) { updateApiKey(id: $id, input: { enabled: false }) { id } }`, { id: team.sending.id });
    expect(off.errors).toBeUndefined();
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${team.sending.token}` },
      body: JSON.stringify({ query: '{ apiKeys { id } }', operationName: null }),
    });
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    await server.app.services.usageRecorder.flush();
    const logs = await team.admin.gql(LIST, { filter: { apiKeyId: team.sending.id } });
    expect(logs.errors).toBeUndefined();
    const [log] = logs.data!.usageLogs.edges.map((e: { node: Row }) => e.node);
    expect(log).toMatchObject({ endpoint: '/graphql', statusCode: res.status, errorName: 'UNAUTHENTICATED', errorMessage: 'This API key is disabled.' });
  });
});

describe('a GraphQL request with a key refused before it is run', () => {
  const requestCount = async (team: Team) => {
    const res = await team.admin.gql(`query($id: ID!) { apiKey(id: $id) { requestCount } }`, { id: team.full.id });
    return res.data!.apiKey.requestCount as number;
  };

  it('is logged and counted as REST refusals are: not JSON, text/plain (CSRF), a batch, PUT', async () => {
    const team = await setUpTeam(server, 'Early');
    const headers = { authorization: `Bearer ${team.full.token}` };
    const refused = [
      await fetch(`${server.url}/graphql`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{bad' }),
      await fetch(`${server.url}/graphql`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: '{"query":"{ apiKeys { id } }"}' }),
      await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '[{"query":"{ apiKeys { id } }"}]',
      }),
      await fetch(`${server.url}/graphql`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' }),
    ].map((r) => r.status);
    for (const status of refused) expect(status).toBeGreaterThanOrEqual(400);
    // And one that is run: logged once, not twice.
    const ok = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query Mine { apiKeys { id } }' }),
    });
    expect(ok.status).toBe(200);
    await server.app.services.usageRecorder.flush();
    const logs = await team.admin.gql(LIST, { filter: { apiKeyId: team.full.id } });
    const rows = logs.data!.usageLogs.edges.map((e: { node: Row }) => e.node) as Row[];
    expect(rows.map((r) => [r.endpoint, r.statusCode]).reverse()).toEqual([...refused.map((s) => ['/graphql', s]), ['/graphql Mine', 200]]);
    expect(await requestCount(team)).toBe(5);
  });
});
