import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, count, setUpTeam, type Team } from './rest-harness.js';

// A lone UTF-16 surrogate (a \ud800–\udfff escape without its pair) is valid JSON but not text:
// PostgreSQL's jsonb refuses it, and UTF-8 cannot encode it. It is bad input, refused at the edge.
let server: TestServer;
let acme: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
});
afterAll(() => server?.stop());

const SURROGATE = /lone UTF-16 surrogate/;
// JSON text as a client would send it: the escape itself, not a character.
const body = (json: string) => json;

describe('lone UTF-16 surrogates', () => {
  it('POST /emails and POST /api-keys answer 422 validation_error naming the field, store nothing, and the logs keep flowing', async () => {
    const emails = await count(server, 'email', 'team_id = $1', [acme.teamId]);
    const keys = await count(server, 'api_key', 'team_id = $1', [acme.teamId]);
    const cases: [string, string, RegExp][] = [
      ['/emails', body('{"from":"a@acme.com","to":"b@example.com","subject":"x\\ud800y","text":"hi"}'), /`subject`/],
      ['/emails', body('{"from":"a@acme.com","to":"b@example.com","subject":"s","text":"hi","tags":[{"name":"n","value":"\\udc00"}]}'), /`tags\[0\]\.value`/],
      ['/emails', body('{"from":"a@acme.com","to":["b@example.com","\\udbff@example.com"],"subject":"s","text":"hi"}'), /`to\[1\]`/],
      ['/api-keys', body('{"name":"key \\ud83d","permission":"full_access"}'), /`name`/],
    ];
    for (const [path, json, field] of cases) {
      const res = await api(server, path, { method: 'POST', token: acme.full.token, body: json });
      expect(res.status, json).toBe(422);
      expect(res.body, json).toEqual({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(SURROGATE) });
      expect((res.body as { message: string }).message, json).toMatch(field);
    }
    expect(await count(server, 'email', 'team_id = $1', [acme.teamId])).toBe(emails);
    expect(await count(server, 'api_key', 'team_id = $1', [acme.teamId])).toBe(keys);

    // A well-formed pair (an emoji written as two escapes) is text, and is accepted.
    const pair = await api(server, '/api-keys', { method: 'POST', token: acme.full.token, body: '{"name":"key \\ud83d\\udca5","permission":"full_access"}' });
    expect(pair.status).toBe(200);

    // The refused requests are logged with U+FFFD in place of the surrogate, and the next request is logged too.
    const ok = await api(server, '/domains', { token: acme.full.token, headers: { 'user-agent': 'after-surrogate' } });
    expect(ok.status).toBe(200);
    await server.app.services.usageRecorder.flush();
    const logs = await sql<{ request_body: { subject?: string } | null }>(
      server.databaseUrl,
      `select request_body from usage_log where api_key_id = $1 and endpoint = '/emails' and status_code = 422`,
      [acme.full.id],
    );
    expect(logs.map((l) => l.request_body?.subject)).toContain('x\uFFFDy');
    expect(await count(server, 'usage_log', 'api_key_id = $1 and user_agent = $2', [acme.full.id, 'after-surrogate'])).toBe(1);
  });

  it('createApiKey over GraphQL answers BAD_USER_INPUT naming the field, in variables or in the query text', async () => {
    const keys = await count(server, 'api_key', 'team_id = $1', [acme.teamId]);
    const query = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token } }';
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: acme.admin.cookie! },
      body: `{"query":${JSON.stringify(query)},"variables":{"input":{"name":"bad \\ud800","permission":"FULL_ACCESS"}}}`,
    });
    const json = (await res.json()) as { errors: { message: string; extensions: { code: string; field?: string } }[] };
    expect(json.errors[0]).toMatchObject({ message: expect.stringMatching(SURROGATE), extensions: { code: 'BAD_USER_INPUT', field: 'input.name' } });

    // With a full-access key as well (the request that is also a usage log).
    const withKey = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${acme.full.token}` },
      body: `{"query":${JSON.stringify(query)},"variables":{"input":{"name":"\\udfff","permission":"FULL_ACCESS"}}}`,
    });
    expect(((await withKey.json()) as typeof json).errors[0].extensions.code).toBe('BAD_USER_INPUT');

    // Written into the query text: never a server error.
    const inline = await acme.admin.gql('mutation { createApiKey(input: { name: "bad \\ud800", permission: FULL_ACCESS }) { token } }');
    expect(inline.status).toBe(400);
    expect(inline.errors?.[0].extensions?.code).toMatch(/GRAPHQL_PARSE_FAILED|GRAPHQL_VALIDATION_FAILED/);
    expect(await count(server, 'api_key', 'team_id = $1', [acme.teamId])).toBe(keys);
  });
});
