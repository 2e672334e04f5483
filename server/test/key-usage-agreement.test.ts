import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '../src/logger.js';
import { UsageRecorder } from '../src/modules/usage-log/usage-recorder.js';
import { startTestServer, type TestServer, waitFor } from './harness.js';
import { api, createKey, MISSING_ID, setUpTeam, type Team } from './rest-harness.js';

// Issue 16 item 5: the key page once said 39 requests while its chart said 41. Every number the
// dashboard shows about a key's use — requestCount, lastUsedAt and usageStatus on the key, the
// usage chart and the list's sparkline and error rate (rollups), the Logs (the latest requests),
// the health counts — must agree, whatever the key did: REST 2xx and 422, bursts refused by the
// rate limit (summed up past 10 a minute in one "(rate limited)" log that stands for them all),
// GraphQL answers with and without errors, WebSocket subscriptions.
const LIMIT = 20;
let server: TestServer;
let acme: Team;

/** What the key did, as its callers saw it. */
const made = { requests: 0, errors: 0, refused: 0 };
const tally = (failed: boolean, status?: number) => {
  made.requests++;
  if (failed) made.errors++;
  if (status === 429) made.refused++;
};

async function rest(path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await api(server, path, { method: init.method, token: acme.full.token, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  tally(res.status >= 400, res.status);
  return res.status;
}

async function graphql(query: string) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${acme.full.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  tally(res.status >= 400 || Boolean(body.errors?.length), res.status);
  return body.errors?.[0]?.extensions?.code ?? res.status;
}

async function subscribe(exportId: string) {
  const client = createWsClient({
    url: `${server.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${acme.full.token}` },
    lazy: false,
  });
  try {
    const outcome = await new Promise<string>((resolve) =>
      client.subscribe(
        { query: `subscription Follow { exportProgress(id: "${exportId}") { id status } }` },
        {
          next: () => undefined,
          error: (e) => resolve(((e as { extensions?: { code?: string } }[])[0]?.extensions?.code as string) ?? 'error'),
          complete: () => resolve('complete'),
        },
      ),
    );
    tally(outcome !== 'complete', outcome === 'RATE_LIMITED' ? 429 : undefined);
    return outcome;
  } finally {
    await client.dispose();
  }
}

const KEY_PAGE = `query($id: ID!) {
  apiKey(id: $id) { requestCount lastUsedAt usageStatus usage(days: 30) { requests errors } recentRequests recentErrorRate }
  apiKeys { id requestCount lastUsedAt usageStatus }
  apiKeyHealth { total neverUsed inactive }
}`;
type KeyPage = {
  apiKey: {
    requestCount: number;
    lastUsedAt: string | null;
    usageStatus: string;
    usage: { requests: number; errors: number }[];
    recentRequests: number[];
    recentErrorRate: number | null;
  };
  apiKeys: { id: string; requestCount: number; lastUsedAt: string | null; usageStatus: string }[];
  apiKeyHealth: { total: number; neverUsed: number; inactive: number };
};

async function keyPage(id = acme.full.id): Promise<KeyPage> {
  const res = await acme.admin.gql<KeyPage>(KEY_PAGE, { id });
  expect(res.errors).toBeUndefined();
  return res.data!;
}

const sum = (ns: number[]) => ns.reduce((n, m) => n + m, 0);

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: String(LIMIT) });
  acme = await setUpTeam(server, 'Acme');
});
afterAll(() => server?.stop());

describe("a key's numbers", () => {
  it('agree everywhere after REST sends, 422s, rate-limited bursts, GraphQL with and without errors and subscriptions', async () => {
    const exportId = (await acme.admin.gql(`mutation { createExport(input: { resource: DOMAINS, filters: {} }) { id } }`)).data!.createExport.id as string;
    // Fewer than LIMIT requests before the bursts: none of these is refused.
    const email = { from: 'app@acme.com', to: 'someone@example.org', subject: 'Hi', text: 'Hello' };
    expect(await rest('/emails', { method: 'POST', body: email })).toBe(200);
    expect(await rest('/emails', { method: 'POST', body: email })).toBe(200);
    expect(await rest('/emails', { method: 'POST', body: { ...email, from: 'not an address' } })).toBe(422);
    expect(await graphql(`query Domains { domains { id } }`)).toBe(200);
    expect(await graphql(`query Members { team { members { id } } }`)).toBe('FORBIDDEN');
    expect(await graphql(`mutation Gone { deleteDomain(id: "${MISSING_ID}") }`)).toBe('NOT_FOUND');
    expect(await subscribe(exportId)).toBe('complete');
    expect(await subscribe(MISSING_ID)).toBe('NOT_FOUND');
    // Bursts over the team's limit: past 10 refusals a minute, the gate sums them up in one log.
    for (let burst = 0; burst < 2; burst++) {
      await Promise.all(Array.from({ length: 3 * LIMIT }, (_, i) => (i % 2 ? rest('/domains') : graphql(`query Burst { domains { id } }`))));
    }
    expect(made.refused).toBeGreaterThan(10);
    // Summaries are written when their minute ends; now instead, and then the recorder's own timer.
    server.app.services.gate.flushRefusals();

    // Polls until the recorder has written everything (on its 250 ms timer), then reads the pages
    // again: the key's own numbers, the list's row, the health counts, the Logs.
    await waitFor(
      async () => ((await keyPage()).apiKey.requestCount === made.requests ? true : undefined),
      20_000,
      `requestCount to reach the ${made.requests} requests made`,
    );
    const page = await keyPage();
    const key = page.apiKey;
    expect(key.requestCount).toBe(made.requests);

    // The chart, the sparkline and the error rate: the same requests and errors.
    expect(sum(key.usage.map((b) => b.requests))).toBe(made.requests);
    expect(sum(key.usage.map((b) => b.errors))).toBe(made.errors);
    expect(sum(key.recentRequests)).toBe(made.requests);
    expect(key.recentErrorRate).toBeCloseTo(made.errors / made.requests, 10);

    // The Logs: every request in a log (a summary standing for those it sums up), errors as errors.
    const logs: { statusCode: number; requests: number; createdAt: string; endpoint: string }[] = [];
    let after: string | null = null;
    do {
      const res: { data?: { usageLogs: { edges: { node: (typeof logs)[number] }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null } =
        await acme.admin.gql(
          `query($id: ID!, $after: String) { usageLogs(filter: { apiKeyId: $id }, first: 100, after: $after) {
             edges { node { statusCode requests createdAt endpoint } } pageInfo { hasNextPage endCursor } } }`,
          { id: acme.full.id, after },
        );
      expect((res as { errors?: unknown }).errors).toBeUndefined();
      logs.push(...res.data!.usageLogs.edges.map((e) => e.node));
      after = res.data!.usageLogs.pageInfo.hasNextPage ? res.data!.usageLogs.pageInfo.endCursor : null;
    } while (after);
    expect(sum(logs.map((l) => l.requests))).toBe(made.requests);
    expect(sum(logs.filter((l) => l.statusCode >= 400).map((l) => l.requests))).toBe(made.errors);
    const summaries = logs.filter((l) => l.endpoint === '(rate limited)');
    expect(summaries.length).toBeGreaterThan(0);
    expect(sum(summaries.map((l) => l.requests))).toBe(made.refused - logs.filter((l) => l.statusCode === 429 && l.endpoint !== '(rate limited)').length);
    // The latest request is the key's last use.
    const latest = logs
      .map((l) => l.createdAt)
      .sort()
      .at(-1);
    expect(key.lastUsedAt).toBe(latest);
    expect(key.usageStatus).toBe('ACTIVE');

    // The list row and the health counts read the same.
    const row = page.apiKeys.find((k) => k.id === acme.full.id);
    expect(row).toEqual({ id: acme.full.id, requestCount: key.requestCount, lastUsedAt: key.lastUsedAt, usageStatus: key.usageStatus });
    expect(page.apiKeyHealth.total).toBe(page.apiKeys.length);
    expect(page.apiKeyHealth.neverUsed).toBe(page.apiKeys.filter((k) => k.usageStatus === 'NEVER_USED').length);
    expect(page.apiKeyHealth.inactive).toBe(page.apiKeys.filter((k) => k.usageStatus === 'INACTIVE').length);
    const recent = await acme.admin.gql(`query { apiKeys { id recentRequests recentErrorRate } }`);
    const recentRow = (recent.data!.apiKeys as { id: string; recentRequests: number[]; recentErrorRate: number }[]).find((k) => k.id === acme.full.id)!;
    expect(recentRow.recentRequests).toEqual(key.recentRequests);
    expect(recentRow.recentErrorRate).toBe(key.recentErrorRate);
  });

  it('agree within one answer while logs are being written (count, chart, sparkline and last use are one snapshot)', async () => {
    const key = await createKey(acme.admin, { name: 'Busy', permission: 'FULL_ACCESS' });
    // Another instance's recorder committing a batch for the key every few milliseconds.
    const writer = new UsageRecorder(server.app.services.pool, createLogger('silent'), { intervalMs: 2, maxBatch: 3 });
    let writing = true;
    const feeding = (async () => {
      for (let i = 0; writing; i++) {
        writer.record({
          teamId: acme.teamId,
          apiKeyId: key.id,
          method: 'GET',
          endpoint: '/domains',
          statusCode: i % 5 ? 200 : 422,
          userAgent: null,
          durationMs: 1,
          requestBody: null,
          responseBody: null,
          createdAt: new Date(),
        });
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    try {
      let moved = 0;
      let last = -1;
      for (let i = 0; i < 60; i++) {
        // The key page's query, and the list's rows with their sparklines.
        const res = await acme.admin.gql(
          // As the dashboard asks: the key's counters in a fragment beside its chart.
          `query($id: ID!) {
             apiKey(id: $id) { ...Counters usage(days: 30) { requests errors } recentRequests recentErrorRate }
             apiKeys { id requestCount lastUsedAt recentRequests }
           }
           fragment Counters on ApiKey { requestCount lastUsedAt usageStatus }`,
          { id: key.id },
        );
        expect(res.errors).toBeUndefined();
        const k = res.data!.apiKey as KeyPage['apiKey'];
        const row = (res.data!.apiKeys as { id: string; requestCount: number; recentRequests: number[] }[]).find((r) => r.id === key.id)!;
        const errors = sum(k.usage.map((b) => b.errors));
        expect({ chart: sum(k.usage.map((b) => b.requests)), sparkline: sum(k.recentRequests), errorRate: k.recentErrorRate }).toEqual({
          chart: k.requestCount,
          sparkline: k.requestCount,
          errorRate: k.requestCount ? errors / k.requestCount : null,
        });
        expect(sum(row.recentRequests)).toBe(row.requestCount);
        if (k.requestCount !== last) moved++;
        last = k.requestCount;
      }
      // The counts did move under the reads.
      expect(moved).toBeGreaterThan(5);
    } finally {
      writing = false;
      await feeding;
      await writer.close();
    }
  });
});
