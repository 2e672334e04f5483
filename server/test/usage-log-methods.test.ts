import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';
import { setUpTeam, type Team } from './rest-harness.js';

// The HttpMethod filter offers every method the REST API answers, HEAD and OPTIONS included: they
// are logged and listed, and the dashboard's method filter offers what the enum holds.
let server: TestServer;
let acme: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Methods');
  for (const method of ['GET', 'HEAD', 'OPTIONS']) {
    const res = await fetch(`${server.url}/api/domains`, { method, headers: { authorization: `Bearer ${acme.full.token}` } });
    expect(res.status, method).toBeLessThan(500);
  }
  await server.app.services.usageRecorder.flush();
});
afterAll(() => server?.stop());

describe('usageLogs(filter: { httpMethod })', () => {
  it.each(['HEAD', 'OPTIONS', 'GET'])('%s lists the requests made with it, and only those', async (method) => {
    const res = await acme.admin.gql(
      `query($m: HttpMethod) { usageLogs(filter: { httpMethod: $m, apiKeyId: "${acme.full.id}" }, first: 10) { edges { node { method endpoint } } } }`,
      {
        m: method,
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.usageLogs.edges.map((e: { node: unknown }) => e.node)).toEqual([{ method, endpoint: '/domains' }]);
  });
});
