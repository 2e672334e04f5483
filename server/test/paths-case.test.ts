import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer } from './harness.js';
import { setUpTeam, type Team } from './rest-harness.js';

// Every path the app serves is matched in its case only. The REST router's were (7bcc8be); the
// routes the app serves itself were not: `/API/HEALTH` and `/api/Health` answered the health
// check, `/api/exports/:id/Download` the CSV, `/METRICS` the metrics and `/GRAPHQL` GraphQL.

const METRICS_TOKEN = 'metrics-token-0123456789';
const NOT_FOUND = { statusCode: 404, name: 'not_found', message: 'The requested endpoint does not exist.' };

let server: TestServer;
let acme: Team;
let exportId: string;
let dir: string;

beforeAll(async () => {
  // Stand-ins for the dashboard and explorer builds, so that what an unknown path gets is known.
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keyring-case-'));
  for (const app of ['client', 'explorer']) {
    await fs.mkdir(path.join(dir, app, 'assets'), { recursive: true });
    await fs.writeFile(path.join(dir, app, 'index.html'), `<!doctype html><title>${app}</title>`);
    await fs.writeFile(path.join(dir, app, 'assets', 'app-1234.js'), `console.log(${JSON.stringify(app)})`);
  }
  server = await startTestServer({
    NODE_ENV: 'development',
    RATE_LIMIT_PER_SECOND: '0',
    METRICS_TOKEN,
    CLIENT_DIST: path.join(dir, 'client'),
    EXPLORER_DIST: path.join(dir, 'explorer'),
  });
  acme = await setUpTeam(server, 'Acme');
  const made = await acme.admin.gql(`mutation { createExport(input: { resource: API_KEYS }) { id status } }`);
  expect(made.data!.createExport.status).toBe('READY');
  exportId = made.data!.createExport.id;
});
afterAll(async () => {
  await server?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

type Answer = { status: number; type: string | null; body: string };

async function answer(method: string, p: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const res = await fetch(`${server.url}${p}`, { method, headers, body });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('health and export downloads are case-sensitive', () => {
  it('answer as spelled', async () => {
    expect(await answer('GET', '/api/health')).toMatchObject({ status: 200, body: JSON.stringify({ status: 'ok' }) });
    expect((await answer('GET', '/api/health/live')).status).toBe(200);
    const csv = await answer('GET', `/api/exports/${exportId}/download`, { authorization: `Bearer ${acme.full.token}` });
    expect(csv.status).toBe(200);
    expect(csv.body.startsWith('id,')).toBe(true);
  });

  it('in another case are the REST 404 not_found, with a key, a session and neither', async () => {
    const paths = [
      '/API/HEALTH',
      '/api/Health',
      '/Api/health',
      '/api/HEALTH/live',
      '/api/health/Live',
      '/API/health/live',
      `/api/exports/${exportId}/Download`,
      `/api/Exports/${exportId}/download`,
      `/API/exports/${exportId}/download`,
    ];
    const credentials: Record<string, Record<string, string>> = {
      key: { authorization: `Bearer ${acme.full.token}` },
      session: { cookie: acme.admin.cookie! },
      neither: {},
    };
    for (const p of paths) {
      for (const [who, headers] of Object.entries(credentials)) {
        const res = await answer('GET', p, headers);
        expect(res.status, `GET ${p} with ${who}: ${res.body.slice(0, 200)}`).toBe(404);
        expect(JSON.parse(res.body)).toEqual(NOT_FOUND);
      }
    }
    // As any unknown path under /api.
    expect(JSON.parse((await answer('GET', '/api/no-such-route')).body)).toEqual(NOT_FOUND);
  });

  it('made with a key, are logged under the path as asked, never as the route they miss', async () => {
    await server.app.services.usageRecorder.flush();
    const since = (await sql<{ now: Date }>(server.databaseUrl, 'select now()'))[0].now;
    const key = { authorization: `Bearer ${acme.full.token}` };
    for (const p of ['/API/domains', '/API/api/domains', '/api/Domains', '/api/domains']) {
      expect((await answer('GET', p, key)).status).toBe(p === '/api/domains' ? 200 : 404);
    }
    await server.app.services.usageRecorder.flush();
    const logged = await sql<{ endpoint: string; status_code: number }>(
      server.databaseUrl,
      'select endpoint, status_code from usage_log where api_key_id = $1 and created_at >= $2 order by created_at, endpoint',
      [acme.full.id, since],
    );
    // `/API/domains` is not GET /domains (a 404 logged as `/domains` read as the route failing).
    expect(logged).toEqual([
      { endpoint: '/API/domains', status_code: 404 },
      { endpoint: '/API/api/domains', status_code: 404 },
      { endpoint: '/Domains', status_code: 404 },
      { endpoint: '/domains', status_code: 200 },
    ]);
  });
});

describe('the other routes of the app are case-sensitive too', () => {
  const metrics = { authorization: `Bearer ${METRICS_TOKEN}` };
  const browser = { accept: 'text/html' };
  const graphql = { 'content-type': 'application/json' };
  const query = JSON.stringify({ query: '{ __typename }' });

  it('answer as spelled', async () => {
    expect(await answer('GET', '/metrics', metrics)).toMatchObject({ status: 200, body: expect.stringContaining('http_requests') });
    expect(await answer('POST', '/graphql', graphql, query)).toMatchObject({ status: 200, body: expect.stringContaining('__typename') });
    expect(await answer('GET', '/graphql', browser)).toMatchObject({ status: 200, body: expect.stringContaining('<title>explorer</title>') });
    expect(await answer('GET', '/graphql-explorer/assets/app-1234.js')).toMatchObject({ status: 200, body: 'console.log("explorer")' });
  });

  it('in another case get what an unknown path gets (the dashboard, or a 404 not from them)', async () => {
    const page = await answer('GET', '/no-such-page', browser);
    expect(page.body).toContain('<title>client</title>');
    for (const p of ['/METRICS', '/Metrics']) expect(await answer('GET', p, metrics), p).toEqual(page);
    for (const p of ['/GRAPHQL', '/GraphQL']) expect(await answer('GET', p, browser), p).toEqual(page);
    expect(await answer('GET', '/Graphql-Explorer/assets/app-1234.js', browser)).toEqual(page);
    const post = await answer('POST', '/no-such-page', graphql, query);
    expect(post.status).toBe(404);
    for (const p of ['/GRAPHQL', '/GraphQL']) {
      const res = await answer('POST', p, graphql, query);
      expect({ ...res, body: res.body.replace(p, '') }, p).toEqual({ ...post, body: post.body.replace('/no-such-page', '') });
    }
  });
});
