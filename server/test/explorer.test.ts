import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, startTestServer, type TestServer } from './harness.js';

// A stand-in for explorer/dist (the real GraphiQL build is driven in Chromium by client/e2e/explorer.e2e.ts).
const PAGE = '<!doctype html><title>explorer</title><script type="module" src="/graphql-explorer/assets/app-1234.js"></script>';
let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keyring-explorer-'));
  await fs.mkdir(path.join(dir, 'assets'));
  await fs.writeFile(path.join(dir, 'index.html'), PAGE);
  await fs.writeFile(path.join(dir, 'assets', 'app-1234.js'), 'console.log("explorer")');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('the GraphQL explorer outside production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'development', EXPLORER_DIST: dir });
  });
  afterAll(async () => server?.stop());

  it('answers a browser opening /graphql with the page, under the app CSP', async () => {
    const res = await fetch(`${server.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toBe(PAGE);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    const asset = await fetch(`${server.url}/graphql-explorer/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${server.url}/graphql-explorer/assets/missing.js`)).status).toBe(404);
  });

  it('leaves GraphQL itself alone: GET with a query, clients without text/html, and POST', async () => {
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: BROWSER_ACCEPT, 'apollo-require-preflight': 'true' },
    });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    const curl = await fetch(`${server.url}/graphql`, { headers: { accept: '*/*' } });
    expect(curl.headers.get('content-type')).toMatch(/^application\/json/);
    // What the page sends: same-origin JSON with the session cookie.
    const { client } = await signUpAdmin(server, 'Explorers');
    const me = await client.gql('{ me { team { name } } }');
    expect(me.data).toEqual({ me: { team: { name: 'Explorers' } } });
  });
});

describe('the GraphQL explorer in production', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'production', EXPLORER_DIST: dir });
  });
  afterAll(async () => server?.stop());

  it('is off: a browser opening /graphql gets GraphQL, not the page, and its files are not served', async () => {
    const res = await fetch(`${server.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
    expect(res.headers.get('content-type')).not.toMatch(/^text\/html/);
    expect(await res.text()).not.toContain('explorer');
    expect((await fetch(`${server.url}/graphql-explorer/assets/app-1234.js`)).status).toBe(404);
  });
});
