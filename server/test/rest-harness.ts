import { Resend } from 'resend';
import { expect, it } from 'vitest';
import { signUpAdmin, sql, type TestClient, type TestServer } from './harness.js';

/** The official SDK pointed at a test server. */
export const sdk = (server: TestServer, token: string) => new Resend(token, { baseUrl: `${server.url}/api` });

export type RestError = { statusCode: number; name: string; message: string };

/** A raw request under /api, for what the SDK cannot send (no key, bad JSON, other methods). */
export async function api(
  server: TestServer,
  path: string,
  init: { method?: string; token?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${server.url}/api${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function createKey(client: TestClient, input: Record<string, unknown>): Promise<{ token: string; id: string }> {
  const res = await client.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { id } } }`, { input });
  expect(res.errors).toBeUndefined();
  const { token, apiKey } = res.data!.createApiKey as { token: string; apiKey: { id: string } };
  return { token, id: apiKey.id };
}

export async function createDomain(client: TestClient, name: string): Promise<string> {
  const res = await client.gql(`mutation($input: CreateDomainInput!) { createDomain(input: $input) { id } }`, { input: { name } });
  expect(res.errors).toBeUndefined();
  return res.data!.createDomain.id as string;
}

export type Team = {
  admin: TestClient;
  teamId: string;
  domainId: string;
  full: { token: string; id: string };
  sending: { token: string; id: string };
};

/** A new team with a domain, a full-access key and a sending-access key. */
export async function setUpTeam(server: TestServer, name: string, domain = `${name.toLowerCase()}.com`): Promise<Team> {
  const { client: admin, user } = await signUpAdmin(server, name);
  const domainId = await createDomain(admin, domain);
  const full = await createKey(admin, { name: `${name} full`, permission: 'FULL_ACCESS' });
  const sending = await createKey(admin, { name: `${name} sending`, permission: 'SENDING_ACCESS' });
  return { admin, teamId: user.team.id, domainId, full, sending };
}

export const count = async (server: TestServer, table: string, where = 'true', params: unknown[] = []) =>
  Number((await sql<{ n: string }>(server.databaseUrl, `select count(*) as n from "${table}" where ${where}`, params))[0].n);

export const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** A refused list query: what it is, the query string, and what the message must say. */
export type RefusedQuery = [label: string, query: string, message: RegExp];

/** One test per query: each is answered 422 invalid_parameter, with a message naming the parameter. */
export function itRefusesQueries(list: (query: string) => Promise<{ status: number; body: unknown }>, refused: RefusedQuery[]) {
  for (const [label, query, message] of refused) {
    it(`refuses ${label} with 422 invalid_parameter`, async () => {
      const res = await list(query);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ statusCode: 422, name: 'invalid_parameter', message: expect.stringMatching(message) });
    });
  }
}
