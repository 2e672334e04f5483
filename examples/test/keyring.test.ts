import { once } from 'node:events';
import fs from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { graphql } from '../src/gql/index.js';
import { download, KeyringError, request } from '../src/keyring.js';

// The client's own behaviour (retries, error mapping), against a real HTTP server that answers
// as Keyring does when it is busy or out of reach; the scripts' tests run it against Keyring itself.
type Answer = { status: number; headers?: Record<string, string>; body: string };
let server: ReturnType<typeof createServer> | undefined;
afterEach(() => server?.close());

async function serve(answers: Answer[]) {
  const seen: IncomingMessage[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req);
    const a = answers.shift() ?? { status: 500, body: '{}' };
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { opts: { url, apiKey: 're_test' }, seen };
}

const Health = graphql(`
  query KeyringClientTest {
    apiKeyHealth {
      total
    }
  }
`);
const ok = { status: 200, body: JSON.stringify({ data: { apiKeyHealth: { total: 3 } } }) };

describe('request()', () => {
  it('waits out 429 and 503 answers for retry-after, then returns the data, sending the key as a Bearer', async () => {
    const { opts, seen } = await serve([
      {
        status: 429,
        headers: { 'retry-after': '0' },
        body: JSON.stringify({ errors: [{ message: 'Too many requests.', extensions: { code: 'RATE_LIMITED' } }] }),
      },
      {
        status: 503,
        headers: { 'retry-after': '0' },
        body: JSON.stringify({ errors: [{ message: 'Database unreachable.', extensions: { code: 'SERVICE_UNAVAILABLE' } }] }),
      },
      ok,
    ]);
    expect(await request(opts, Health)).toEqual({ apiKeyHealth: { total: 3 } });
    expect(seen).toHaveLength(3);
    expect(seen.every((r) => r.headers.authorization === 'Bearer re_test' && r.headers['content-type'] === 'application/json')).toBe(true);
  });

  it('gives up after 5 retries with the last error', async () => {
    const busy = {
      status: 429,
      headers: { 'retry-after': '0' },
      body: JSON.stringify({ errors: [{ message: 'Too many requests.', extensions: { code: 'RATE_LIMITED' } }] }),
    };
    const { opts, seen } = await serve(Array.from({ length: 6 }, () => ({ ...busy })));
    await expect(request(opts, Health)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(seen).toHaveLength(6);
  });

  it("turns a GraphQL error into a KeyringError with the server's code and field", async () => {
    const { opts } = await serve([
      {
        status: 200,
        body: JSON.stringify({ data: null, errors: [{ message: 'first must be between 1 and 100.', extensions: { code: 'BAD_USER_INPUT', field: 'first' } }] }),
      },
    ]);
    const error = await request(opts, Health).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyringError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first', message: 'first must be between 1 and 100.' });
  });
});

describe('download()', () => {
  it('retries a busy server, saves the file whole and leaves no partial file', async () => {
    const { opts, seen } = await serve([
      { status: 503, headers: { 'retry-after': '0' }, body: '{"statusCode":503}' },
      { status: 200, body: 'id,name\n1,a\n' },
    ]);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keyring-download-'));
    const file = path.join(dir, 'out.csv');
    expect(await download(opts, `${opts.url}/api/exports/x/download`, file)).toBe(12);
    expect(await fs.readFile(file, 'utf8')).toBe('id,name\n1,a\n');
    expect(await fs.readdir(dir)).toEqual(['out.csv']);
    expect(seen[1].headers.authorization).toBe('Bearer re_test');
    await fs.rm(dir, { recursive: true });
  });

  it("refuses with the REST error's name and message", async () => {
    const { opts } = await serve([{ status: 410, body: JSON.stringify({ statusCode: 410, name: 'export_expired', message: 'This export has expired.' }) }]);
    await expect(download(opts, `${opts.url}/x`, path.join(os.tmpdir(), 'never.csv'))).rejects.toMatchObject({
      code: 'export_expired',
      message: 'This export has expired.',
    });
  });
});
