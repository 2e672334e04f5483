import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, sql, startTestServer, type TestClient, type TestServer } from './harness.js';

/*
 * Defects found by a second hostile review of the API key list's filter (apiKeys(filter), its
 * export), each pinned with the request that showed it.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const DAY = 86_400_000;
const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id name } } }`;
const LIST = `query($filter: ApiKeyFilter) { apiKeys(filter: $filter) { name } }`;

async function key(client: TestClient, name: string, expiresAt?: Date): Promise<string> {
  const res = await client.gql(CREATE, { input: { name, permission: 'FULL_ACCESS', expiresAt: expiresAt?.toISOString() } });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.createApiKey.apiKey.id;
}

const names = async (client: TestClient, filter: Record<string, unknown>) => {
  const res = await client.gql<{ apiKeys: { name: string }[] }>(LIST, { filter });
  expect(res.errors).toBeUndefined();
  return res.data!.apiKeys.map((k) => k.name).sort();
};

async function csvNames(client: TestClient, filter: Record<string, unknown>): Promise<string[]> {
  const res = await client.gql(`mutation($input: CreateExportInput!) { createExport(input: $input) { status downloadUrl } }`, {
    input: { resource: 'API_KEYS', apiKeys: filter },
  });
  expect(res.errors).toBeUndefined();
  expect(res.data!.createExport.status).toBe('READY');
  const csv = await (
    await fetch(String(res.data!.createExport.downloadUrl).replace(server.config.PUBLIC_URL, server.url), { headers: { cookie: client.cookie! } })
  ).text();
  const [header, ...rows] = csv.trim().split('\n');
  const column = header.split(',').indexOf('name');
  return rows.map((r) => r.split(',')[column]).sort();
}

describe('ApiKeyFilter.expiringSoon', () => {
  it('false lists the keys that do not expire within 7 days (none, later, already expired): it listed every key, as no filter', async () => {
    const { client, user } = await signUpAdmin(server);
    await key(client, 'forever');
    await key(client, 'soon', new Date(Date.now() + 6 * DAY));
    await key(client, 'later', new Date(Date.now() + 8 * DAY));
    const expired = await key(client, 'expired', new Date(Date.now() + 8 * DAY));
    await sql(server.databaseUrl, `update api_key set expires_at = now() - interval '1 day' where id = $1 and team_id = $2`, [expired, user.team.id]);
    expect(await names(client, { expiringSoon: true })).toEqual(['soon']);
    expect(await names(client, { expiringSoon: false })).toEqual(['expired', 'forever', 'later']);
    expect(await names(client, {})).toHaveLength(4);
    expect(await names(client, { expiringSoon: null })).toHaveLength(4);
    // The export takes the list's filter: the same keys.
    expect(await csvNames(client, { expiringSoon: false })).toEqual(['expired', 'forever', 'later']);
    expect(await csvNames(client, { expiringSoon: true })).toEqual(['soon']);
  });
});

describe('the API_KEYS export', () => {
  it('lists keys created in the same instant in the order the API Keys page does (it took them the other way round)', async () => {
    const { client, user } = await signUpAdmin(server);
    for (const name of ['one', 'two', 'three', 'four']) await key(client, name);
    await sql(server.databaseUrl, `update api_key set created_at = '2026-06-01T00:00:00Z' where team_id = $1`, [user.team.id]);
    const page = await client.gql<{ apiKeys: { name: string }[] }>(LIST, { filter: {} });
    const listed = page.data!.apiKeys.map((k) => k.name);
    const res = await client.gql(`mutation { createExport(input: { resource: API_KEYS }) { downloadUrl } }`);
    const csv = await (
      await fetch(String(res.data!.createExport.downloadUrl).replace(server.config.PUBLIC_URL, server.url), { headers: { cookie: client.cookie! } })
    ).text();
    const [header, ...rows] = csv.trim().split('\n');
    const column = header.split(',').indexOf('name');
    expect(rows.map((r) => r.split(',')[column])).toEqual(listed);
  });
});

describe('ApiKeyFilter.search', () => {
  it('finds a name in either Unicode form, composed or decomposed (as macOS pastes), typed in the other', async () => {
    const { client } = await signUpAdmin(server);
    await key(client, 'Jose\u0301 deploy'); // decomposed
    await key(client, 'Ren\u00e9e backup'); // composed
    await key(client, 'other');
    expect(await names(client, { search: 'Jos\u00e9' })).toEqual(['Jose\u0301 deploy']);
    expect(await names(client, { search: 'JOS\u00c9' })).toEqual(['Jose\u0301 deploy']);
    expect(await names(client, { search: 'Rene\u0301e' })).toEqual(['Ren\u00e9e backup']);
    expect(await names(client, { search: 'jose\u0301' })).toEqual(['Jose\u0301 deploy']);
    // Metacharacters stay literal in every form.
    expect(await names(client, { search: 'e\u0301%' })).toEqual([]);
  });
});
