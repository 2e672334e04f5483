import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sql, startTestServer, type TestServer } from './harness.js';
import { MISSING_ID, setUpTeam, type Team } from './rest-harness.js';

// A GraphQL answer that carries errors is HTTP 200 (GraphQL's rule), but its usage log records the
// status its first error stands for (FORBIDDEN 403, NOT_FOUND 404, BAD_USER_INPUT 422…), so it
// counts as an error wherever the dashboard counts errors: the Logs list and its filters, the
// rollups (usage chart), and a key's recentErrorRate.
let server: TestServer;
let acme: Team;

/** A GraphQL call made with the key: the HTTP status and the first error's code. */
async function call(query: string, variables?: Record<string, unknown>): Promise<{ status: number; code: string | null }> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${acme.full.token}`, 'content-type': 'application/json', 'user-agent': 'graphql-errors-test' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: res.status, code: body.errors?.[0]?.extensions?.code ?? null };
}

/** A subscription made with the key over the WebSocket: 'complete' or the error's code. */
async function subscribe(exportId: string): Promise<string> {
  const client = createWsClient({
    url: `${server.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${acme.full.token}` },
    lazy: false,
  });
  try {
    return await new Promise<string>((resolve) =>
      client.subscribe(
        { query: `subscription Follow($id: ID!) { exportProgress(id: $id) { id status } }`, variables: { id: exportId } },
        {
          next: () => undefined,
          error: (e) => resolve(((e as { extensions?: { code?: string } }[])[0]?.extensions?.code as string) ?? JSON.stringify(e)),
          complete: () => resolve('complete'),
        },
      ),
    );
  } finally {
    await client.dispose();
  }
}

const LIST = `query($filter: UsageLogFilter) {
  usageLogs(filter: $filter, first: 100) { edges { node { method endpoint statusCode errorName errorMessage } } }
}`;
type Row = { method: string; endpoint: string; statusCode: number; errorName: string | null; errorMessage: string | null };

async function list(filter: Record<string, unknown> = {}): Promise<Row[]> {
  const res = await acme.admin.gql(LIST, { filter: { apiKeyId: acme.full.id, ...filter } });
  expect(res.errors).toBeUndefined();
  return res.data!.usageLogs.edges.map((e: { node: Row }) => e.node);
}

const FAILING = [
  ['/graphql Members', 403, 'FORBIDDEN'],
  ['/graphql DeleteDomain', 404, 'NOT_FOUND'],
  ['/graphql TooMany', 422, 'BAD_USER_INPUT'],
] as const;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  const exportId = (await acme.admin.gql(`mutation { createExport(input: { resource: DOMAINS, filters: {} }) { id } }`)).data!.createExport.id as string;

  // In this order, one at a time: two successes, three answers with errors, two subscriptions.
  expect(await call(`query Domains { domains { id } }`)).toEqual({ status: 200, code: null });
  expect(await call(`query Members { team { members { id } } }`)).toEqual({ status: 200, code: 'FORBIDDEN' });
  expect(await call(`mutation DeleteDomain($id: ID!) { deleteDomain(id: $id) }`, { id: MISSING_ID })).toEqual({ status: 200, code: 'NOT_FOUND' });
  expect(await call(`query TooMany { usageLogs(first: 1000) { edges { node { id } } } }`)).toEqual({ status: 200, code: 'BAD_USER_INPUT' });
  expect(await call(`query Keys { apiKeys { id } }`)).toEqual({ status: 200, code: null });
  expect(await subscribe(exportId)).toBe('complete');
  expect(await subscribe(MISSING_ID)).toBe('NOT_FOUND');
  await server.app.services.usageRecorder.flush();
});
afterAll(() => server?.stop());

describe('a GraphQL answer with errors, made with a key', () => {
  it('is logged with the status its first error stands for, its code and message as the error name and message', async () => {
    const rows = await list();
    expect(rows.map((r) => [r.method, r.endpoint, r.statusCode, r.errorName])).toEqual([
      ['WS', '/graphql Follow', 404, 'NOT_FOUND'],
      ['WS', '/graphql Follow', 200, null],
      ['POST', '/graphql Keys', 200, null],
      ...FAILING.map(([endpoint, status, code]) => ['POST', endpoint, status, code]).reverse(),
      ['POST', '/graphql Domains', 200, null],
    ]);
    for (const r of rows.filter((r) => r.statusCode >= 400)) expect(r.errorMessage, r.endpoint).toEqual(expect.any(String));
    expect(rows.find((r) => r.endpoint === '/graphql DeleteDomain')?.errorMessage).toBe('Domain not found.');
  });

  it('is kept by "Errors only" and the status filters, and left out of successes', async () => {
    const endpoints = (rows: Row[]) => rows.map((r) => `${r.method} ${r.endpoint} ${r.statusCode}`);
    const errors = endpoints(await list({ errorsOnly: true }));
    expect(errors).toEqual(['WS /graphql Follow 404', 'POST /graphql TooMany 422', 'POST /graphql DeleteDomain 404', 'POST /graphql Members 403']);
    expect(endpoints(await list({ responseClass: 'CLIENT_ERROR' }))).toEqual(errors);
    expect(endpoints(await list({ statusClass: 4 }))).toEqual(errors);
    expect(endpoints(await list({ statusCode: 403 }))).toEqual(['POST /graphql Members 403']);
    expect(endpoints(await list({ responseClass: 'SUCCESS' }))).toEqual(['WS /graphql Follow 200', 'POST /graphql Keys 200', 'POST /graphql Domains 200']);
  });

  it('counts as an error in the rollups, the usage chart, the sparkline and recentErrorRate', async () => {
    const res = await acme.admin.gql(`query($id: ID!) { apiKey(id: $id) { requestCount usage(days: 1) { requests errors } recentRequests recentErrorRate } }`, {
      id: acme.full.id,
    });
    expect(res.errors).toBeUndefined();
    const key = res.data!.apiKey;
    expect(key.requestCount).toBe(7);
    expect(key.usage).toEqual([{ requests: 7, errors: 4 }]);
    expect(key.recentRequests.at(-1)).toBe(7);
    expect(key.recentErrorRate).toBeCloseTo(4 / 7, 10);
    const [rollup] = await sql<{ requests: number; status_2xx: number; status_4xx: number; status_5xx: number }>(
      server.databaseUrl,
      'select requests, status_2xx, status_4xx, status_5xx from usage_rollup where api_key_id = $1',
      [acme.full.id],
    );
    expect(rollup).toEqual({ requests: 7, status_2xx: 3, status_4xx: 4, status_5xx: 0 });
  });
});
