import { gzipSync } from 'node:zlib';
import { Resend } from 'resend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../src/modules/api-key/token.js';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, count, MISSING_ID, sdk, setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let acme: Team;
let other: Team;
let ids: { contact: string; broadcast: string; log: string };
let others: { contact: string; broadcast: string; log: string };

async function seed(team: Team) {
  const resend = sdk(server, team.full.token);
  const contact = (await resend.contacts.create({ email: 'someone@example.com' })).data!.id;
  const broadcast = (await resend.broadcasts.create({ segmentId: MISSING_ID, from: 'a@b.com', subject: 's', html: 'h' })).data!.id;
  await server.app.services.usageRecorder.flush();
  const [log] = await sql<{ id: string }>(server.databaseUrl, 'select id from usage_log where team_id = $1 limit 1', [team.teamId]);
  return { contact, broadcast, log: log.id };
}

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  other = await setUpTeam(server, 'Other');
  ids = await seed(acme);
  others = await seed(other);
});
afterAll(() => server?.stop());

describe('authentication', () => {
  it('missing_api_key 401 without an Authorization header', async () => {
    for (const path of ['/domains', '/emails']) {
      const res = await api(server, path);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        statusCode: 401,
        name: 'missing_api_key',
        message: 'Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY',
      });
    }
  });

  it('invalid_api_key 403 for malformed, mistyped and unknown tokens', async () => {
    const typo = `${acme.full.token.slice(0, -1)}${acme.full.token.endsWith('a') ? 'b' : 'a'}`;
    for (const token of ['re_123', 'not a token', typo, generateToken()]) {
      const { error } = await new Resend(token, { baseUrl: `${server.url}/api` }).domains.list();
      expect(error, token).toEqual({ statusCode: 403, name: 'invalid_api_key', message: 'API key is invalid.' });
    }
    const basic = await api(server, '/domains', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    expect(basic.status).toBe(403);
    expect(basic.body).toMatchObject({ name: 'invalid_api_key' });
  });

  it('restricted_api_key 401 for a sending-access key on every route but sending, and nothing changes', async () => {
    const before = await sql(
      server.databaseUrl,
      `select (select count(*) from api_key) a, (select count(*) from domain) d, (select count(*) from contact) c, (select count(*) from broadcast) b`,
    );
    const routes: [string, string, unknown?][] = [
      ['GET', '/api-keys'],
      ['POST', '/api-keys', { name: 'escalate' }],
      ['PATCH', `/api-keys/${acme.sending.id}`, { permission: 'full_access' }],
      ['DELETE', `/api-keys/${acme.full.id}`],
      ['GET', '/domains'],
      ['POST', '/domains', { name: 'new.com' }],
      ['GET', `/domains/${acme.domainId}`],
      ['DELETE', `/domains/${acme.domainId}`],
      ['GET', '/contacts'],
      ['POST', '/contacts', { email: 'x@example.com' }],
      ['GET', `/contacts/${ids.contact}`],
      ['PATCH', `/contacts/${ids.contact}`, { unsubscribed: true }],
      ['DELETE', `/contacts/${ids.contact}`],
      ['GET', '/broadcasts'],
      ['POST', '/broadcasts', { from: 'a@b.com', subject: 's', html: 'h' }],
      ['GET', `/broadcasts/${ids.broadcast}`],
      ['DELETE', `/broadcasts/${ids.broadcast}`],
      ['GET', '/logs'],
      ['GET', `/logs/${ids.log}`],
      ['GET', '/emails'],
      ['GET', `/emails/${MISSING_ID}`],
    ];
    for (const [method, path, body] of routes) {
      const res = await api(server, path, { method, token: acme.sending.token, body: body === undefined ? undefined : JSON.stringify(body) });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body).toEqual({ statusCode: 401, name: 'restricted_api_key', message: 'This API key is restricted to only send emails.' });
    }
    // Before the body is even read: no parse error, no size limit, for a route the key may not use.
    for (const body of ['{"email": ', JSON.stringify({ email: 'big@example.com', first_name: 'x'.repeat(1024 * 1024 + 1) })]) {
      const res = await api(server, '/contacts', { method: 'POST', token: acme.sending.token, body });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ name: 'restricted_api_key' });
    }
    // And through the SDK.
    const { error } = await sdk(server, acme.sending.token).apiKeys.list();
    expect(error).toMatchObject({ statusCode: 401, name: 'restricted_api_key' });
    const after = await sql(
      server.databaseUrl,
      `select (select count(*) from api_key) a, (select count(*) from domain) d, (select count(*) from contact) c, (select count(*) from broadcast) b`,
    );
    expect(after).toEqual(before);
    const [contact] = await sql(server.databaseUrl, 'select unsubscribed from contact where id = $1', [ids.contact]);
    expect(contact.unsubscribed).toBe(false);
  });
});

describe('not_found', () => {
  it("answers another team's ids exactly like missing ones, on every resource", async () => {
    const resend = sdk(server, acme.full.token);
    const pairs: [string, () => Promise<{ error: unknown }>, () => Promise<{ error: unknown }>][] = [
      ['domain', () => resend.domains.get(other.domainId), () => resend.domains.get(MISSING_ID)],
      ['api key', () => resend.apiKeys.remove(other.full.id), () => resend.apiKeys.remove(MISSING_ID)],
      ['contact', () => resend.contacts.get(others.contact), () => resend.contacts.get(MISSING_ID)],
      ['broadcast', () => resend.broadcasts.get(others.broadcast), () => resend.broadcasts.get(MISSING_ID)],
      ['log', () => resend.logs.get(others.log), () => resend.logs.get(MISSING_ID)],
    ];
    for (const [label, theirs, missing] of pairs) {
      const a = await theirs();
      const b = await missing();
      expect(a.error, label).toMatchObject({ statusCode: 404, name: 'not_found' });
      expect(a.error, label).toEqual(b.error);
    }
  });

  it('answers unknown routes with 404 not_found', async () => {
    for (const path of ['/nope', '/domains/a/b', '/api-keys/x/roll', '/v1/emails']) {
      const res = await api(server, path, { token: acme.full.token });
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, name: 'not_found', message: 'The requested endpoint does not exist.' });
    }
  });
});

describe('paths are case-sensitive, as Resend’s are', () => {
  const mail = (subject: string) => JSON.stringify({ from: 'hello@acme.com', to: 'ada@example.org', subject, text: 'Hi' });
  const NOT_FOUND = { statusCode: 404, name: 'not_found', message: 'The requested endpoint does not exist.' };

  it('a route in another case is 404 not_found, with a key and without, and does nothing', async () => {
    const batch = JSON.stringify([JSON.parse(mail('case batch'))]);
    const cases: [string, string, string | undefined][] = [
      ['POST', '/Emails', mail('case single')],
      ['POST', '/emails/Batch', batch],
      ['GET', '/emails/Batch', undefined],
      ['POST', '/EMAILS/BATCH', batch],
      ['GET', '/Domains', undefined],
      ['POST', `/emails/${MISSING_ID}/Cancel`, undefined],
      ['GET', '/API-KEYS', undefined],
    ];
    for (const [method, path, body] of cases) {
      for (const token of [acme.full.token, undefined]) {
        const res = await api(server, path, { method, token, body });
        expect(res.status, `${method} ${path} ${token ? 'with' : 'without'} a key: ${JSON.stringify(res.body)}`).toBe(404);
        expect(res.body).toEqual(NOT_FOUND);
      }
    }
    expect(await count(server, 'email', `subject like 'case %'`)).toBe(0);
  });

  it('so is the `/api` prefix in another case', async () => {
    for (const token of [acme.full.token, undefined]) {
      const res = await fetch(`${server.url}/API/emails`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: mail('case prefix'),
      });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual(NOT_FOUND);
    }
    expect(await count(server, 'email', `subject = 'case prefix'`)).toBe(0);
  });

  it('the routes as spelled still answer; health, export downloads and GraphQL are unaffected', async () => {
    const sent = await api(server, '/emails/batch', { method: 'POST', token: acme.sending.token, body: JSON.stringify([JSON.parse(mail('case ok'))]) });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect((await api(server, '/emails/batch', { token: acme.full.token })).status).toBe(405);
    expect((await api(server, `/emails/${MISSING_ID}`, { token: acme.full.token })).status).toBe(404);
    expect(await (await fetch(`${server.url}/api/health`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);
    const download = await api(server, `/exports/${MISSING_ID}/download`, { token: acme.full.token });
    expect(download.status).toBe(404);
    expect((await api(server, `/exports/${MISSING_ID}/download`)).status).toBe(401);
    const gql = await acme.admin.gql('{ domains { name } }');
    expect(gql.errors).toBeUndefined();
  });
});

describe('method_not_allowed', () => {
  it('answers 405 with an Allow header', async () => {
    const cases: [string, string, string][] = [
      ['PUT', '/domains', 'POST, GET, HEAD, OPTIONS'],
      ['PUT', '/domains/x', 'GET, DELETE, HEAD, OPTIONS'],
      ['PUT', '/contacts/someone@example.com', 'GET, PATCH, DELETE, HEAD, OPTIONS'],
      ['DELETE', '/logs', 'GET, HEAD, OPTIONS'],
      ['GET', '/emails/batch', 'POST, OPTIONS'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await api(server, path, { method, token: acme.full.token, body: method === 'GET' ? undefined : '{}' });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(res.body).toMatchObject({ statusCode: 405, name: 'method_not_allowed' });
    }
  });

  it('answers OPTIONS with the allowed methods, in the Allow header and as JSON (never an empty body)', async () => {
    const res = await fetch(`${server.url}/api/domains`, { method: 'OPTIONS', headers: { authorization: `Bearer ${acme.full.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('allow')).toBe('POST, GET, HEAD, OPTIONS');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ allow: ['POST', 'GET', 'HEAD', 'OPTIONS'] });
  });
});

describe('malformed and oversized bodies', () => {
  it('400 validation_error for malformed JSON, and nothing is written', async () => {
    const before = await count(server, 'contact');
    for (const body of ['{"email": "a@example.com"', 'email=a@example.com', '{"email": \'a\'}']) {
      const res = await api(server, '/contacts', { method: 'POST', token: acme.full.token, body });
      expect(res.status, body).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, name: 'validation_error', message: 'Request body is not valid JSON.' });
    }
    expect(await count(server, 'contact')).toBe(before);
  });

  it('reads bodies however they are sent: byte-order mark, charset, gzip, chunked, another content type', async () => {
    // Plain JSON takes the short path; the rest goes to express.json(). Both must read the same.
    const email = (n: number) => `reader-${n}-${Date.now()}@example.com`;
    const json = (n: number) => JSON.stringify({ email: email(n) });
    const send = (body: string | Uint8Array | ReadableStream, headers: Record<string, string>) =>
      fetch(`${server.url}/api/contacts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${acme.full.token}`, ...headers },
        body,
        duplex: 'half',
      } as RequestInit);
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(json(4).slice(0, 5)));
        c.enqueue(new TextEncoder().encode(json(4).slice(5)));
        c.close();
      },
    });
    const cases: [string, Response][] = [
      ['byte-order mark', await send(`\uFEFF${json(1)}`, { 'content-type': 'application/json' })],
      ['charset', await send(json(2), { 'content-type': 'application/json; charset=UTF-8' })],
      ['gzip', await send(gzipSync(json(3)), { 'content-type': 'application/json', 'content-encoding': 'gzip' })],
      ['chunked', await send(chunked, { 'content-type': 'application/json' })],
      ['text/plain', await send(json(5), { 'content-type': 'text/plain' })],
    ];
    for (const [name, res] of cases) expect(res.status, `${name}: ${await res.clone().text()}`).toBe(200);
    const stored = await sql<{ email: string }>(server.databaseUrl, `select email from contact where email like 'reader-%'`);
    expect(stored).toHaveLength(5);
    // A JSON value that is not an object or an array is refused the same way on both paths.
    const scalar = await api(server, '/contacts', { method: 'POST', token: acme.full.token, body: '"a@example.com"' });
    expect(scalar.body).toEqual({ statusCode: 400, name: 'validation_error', message: 'Request body is not valid JSON.' });
  });

  it('415 validation_error for a charset other than UTF-8 or an unknown content encoding, and nothing is written', async () => {
    const before = await count(server, 'contact');
    const send = (headers: Record<string, string>) =>
      api(server, '/contacts', { method: 'POST', token: acme.full.token, body: JSON.stringify({ email: 'latin@example.com' }), headers });
    const latin = await send({ 'content-type': 'application/json; charset=latin1' });
    expect(latin).toMatchObject({ status: 415, body: { statusCode: 415, name: 'validation_error', message: 'Unsupported charset: send JSON as UTF-8.' } });
    const zstd = await send({ 'content-type': 'application/json', 'content-encoding': 'zstd' });
    expect(zstd).toMatchObject({
      status: 415,
      body: { statusCode: 415, name: 'validation_error', message: expect.stringMatching(/Unsupported Content-Encoding/) },
    });
    expect(await count(server, 'contact')).toBe(before);
  });

  it('413 for a body over 1 MB, and nothing is written', async () => {
    const before = await count(server, 'broadcast');
    const body = JSON.stringify({ from: 'a@b.com', subject: 's', html: 'x'.repeat(1024 * 1024 + 1) });
    const res = await api(server, '/broadcasts', { method: 'POST', token: acme.full.token, body });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ statusCode: 413, name: 'payload_too_large', message: 'Request body is too large.' });
    expect(await count(server, 'broadcast')).toBe(before);
  });
});

describe('NUL characters, which PostgreSQL cannot store', () => {
  const NUL = /Text may not contain the NUL character/;

  it('a NUL anywhere in a body is 422 validation_error, nothing is stored, and the logs keep flowing', async () => {
    const before = await count(server, 'email', 'team_id = $1', [acme.teamId]);
    const bodies = [
      JSON.stringify({ from: 'a@acme.com', to: 'b@example.com', subject: 'x\u0000y', text: 'hi' }),
      JSON.stringify({ from: 'a@acme.com', to: 'b@example.com', subject: 'x', text: 'hi', tags: [{ name: 'n', value: 'v' }], headers: { 'X-\u0000': 'v' } }),
    ];
    for (const body of bodies) {
      const res = await api(server, '/emails', { method: 'POST', token: acme.full.token, body });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(NUL) });
    }
    // Through express.json too (a gzipped body takes that path).
    const gzipped = await fetch(`${server.url}/api/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme.full.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ email: 'nul@example.com', first_name: '\u0000' })),
    });
    expect(gzipped.status).toBe(422);
    expect(await count(server, 'email', 'team_id = $1', [acme.teamId])).toBe(before);
    expect(await count(server, 'contact', 'email = $1', ['nul@example.com'])).toBe(0);

    // The refused requests are logged (the NUL kept as U+FFFD), and so is the next one: nothing is stuck.
    const ok = await api(server, '/domains', { token: acme.full.token, headers: { 'user-agent': 'after-nul' } });
    expect(ok.status).toBe(200);
    await server.app.services.usageRecorder.flush();
    const logs = await sql<{ status_code: number; request_body: { subject?: string } | null }>(
      server.databaseUrl,
      `select status_code, request_body from usage_log where api_key_id = $1 and endpoint = '/emails' and status_code = 422 order by created_at desc limit 2`,
      [acme.full.id],
    );
    expect(logs.map((l) => l.request_body?.subject)).toContain('x\uFFFDy');
    expect(await count(server, 'usage_log', 'api_key_id = $1 and user_agent = $2', [acme.full.id, 'after-nul'])).toBe(1);
  });

  it('a NUL in a path or query parameter is 422 invalid_parameter; a path that does not decode is 400', async () => {
    for (const path of ['/contacts/%00@example.com', '/emails?status=%00', '/logs?api_key_id=%00']) {
      const res = await api(server, path, { token: acme.full.token });
      expect(res.status, path).toBe(422);
      expect(res.body, path).toEqual({ statusCode: 422, name: 'invalid_parameter', message: expect.stringMatching(NUL) });
    }
    const res = await api(server, '/emails/%E0%A4%A', { token: acme.full.token });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, name: 'validation_error', message: expect.stringMatching(/%-escape in its path does not decode/) });
  });

  it('GraphQL refuses a NUL in variables (BAD_USER_INPUT) or in the query text (GRAPHQL_VALIDATION_FAILED), creating nothing', async () => {
    const before = await count(server, 'api_key', 'team_id = $1', [acme.teamId]);
    const res = await acme.admin.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token } }`, {
      input: { name: 'bad\u0000name', permission: 'FULL_ACCESS' },
    });
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringMatching(NUL), extensions: { code: 'BAD_USER_INPUT' } });
    const inline = await acme.admin.gql('mutation { createApiKey(input: { name: "bad\\u0000name", permission: FULL_ACCESS }) { token } }');
    // Written into the query text, it is the query that is invalid.
    expect(inline.errors?.[0]).toMatchObject({ message: expect.stringMatching(NUL), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(await count(server, 'api_key', 'team_id = $1', [acme.teamId])).toBe(before);
  });
});

describe('methods Node accepts and the API does not serve', () => {
  it('are 405 and logged, the longest (UNSUBSCRIBE, 11 characters) cut to the 10 the log keeps', async () => {
    for (const method of ['UNSUBSCRIBE', 'PROPFIND']) {
      const res = await fetch(`${server.url}/api/emails`, {
        method,
        headers: { authorization: `Bearer ${acme.full.token}`, 'user-agent': `method-${method}` },
      });
      expect(res.status).toBe(405);
      expect(await res.json()).toMatchObject({ statusCode: 405, name: 'method_not_allowed' });
    }
    await server.app.services.usageRecorder.flush();
    const logged = await sql<{ method: string; status_code: number }>(
      server.databaseUrl,
      `select method, status_code from usage_log where api_key_id = $1 and user_agent like 'method-%' order by user_agent`,
      [acme.full.id],
    );
    expect(logged).toEqual([
      { method: 'PROPFIND', status_code: 405 },
      { method: 'UNSUBSCRIB', status_code: 405 },
    ]);
  });
});

describe('JSON nested too deeply', () => {
  const DEEP = /nest at most 64 levels deep/;
  /** `{"x": [[…[v]…]]}`: the body, then `arrays` arrays inside one another. */
  const nestedBody = (arrays: number, v = '1') => `{"x":${'['.repeat(arrays)}${v}${']'.repeat(arrays)}}`;

  it('is refused with 422 validation_error, on both body paths, and the server goes on (a 40 KB body used to end the process)', async () => {
    const before = await count(server, 'email', 'team_id = $1', [acme.teamId]);
    const headers = { authorization: `Bearer ${acme.sending.token}`, 'content-type': 'application/json' };
    for (const body of [nestedBody(20_000), nestedBody(20_000, '"\\u0000"'), nestedBody(64)]) {
      const res = await api(server, '/emails', { method: 'POST', token: acme.sending.token, body });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(DEEP) });
      // Chunked (no Content-Length): express.json's path.
      const chunked = await fetch(`${server.url}/api/emails`, {
        method: 'POST',
        headers,
        body: new Blob([body]).stream(),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(422);
      expect(await chunked.json()).toMatchObject({ name: 'validation_error', message: expect.stringMatching(DEEP) });
    }
    // One level less is a body like any other: refused for its unknown field, not its depth.
    const shallower = await api(server, '/emails', { method: 'POST', token: acme.sending.token, body: nestedBody(63) });
    expect(shallower.status).toBe(422);
    expect((shallower.body as { message: string }).message).not.toMatch(DEEP);
    expect(await count(server, 'email', 'team_id = $1', [acme.teamId])).toBe(before);
    expect(
      (
        await api(server, '/emails', {
          method: 'POST',
          token: acme.sending.token,
          body: JSON.stringify({ from: 'a@acme.com', to: 'b@example.com', subject: 's', text: 't' }),
        })
      ).status,
    ).toBe(200);
    // And the refused requests are in the request log.
    await server.app.services.usageRecorder.flush();
    expect(await count(server, 'usage_log', 'api_key_id = $1 and status_code = 422', [acme.sending.id])).toBeGreaterThanOrEqual(6);
  });

  it('GraphQL refuses deep variables with BAD_USER_INPUT naming where, not a 500', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${acme.full.token}` },
      body: `{"query":"query($f: JSON) { __typename }","variables":{"f":${nestedBody(20_000)}}}`,
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string; field: string } }[] };
    expect(body.errors[0]).toMatchObject({
      message: expect.stringMatching(DEEP),
      extensions: { code: 'BAD_USER_INPUT', field: expect.stringMatching(/^f\.x(\[0\])+$/) },
    });
  });
});

describe('usage logs PostgreSQL refuses', () => {
  it('do not hold back the others: the rest of the batch is written', async () => {
    const recorder = server.app.services.usageRecorder;
    const entry = (statusCode: number, userAgent: string) => ({
      teamId: acme.teamId,
      apiKeyId: acme.full.id,
      method: 'GET',
      endpoint: '/domains',
      statusCode,
      userAgent,
      durationMs: 1,
      requestBody: null,
      responseBody: null,
      createdAt: new Date(),
    });
    recorder.record(entry(200, 'batch-before'));
    recorder.record(entry(70_000, 'batch-poison')); // beyond the smallint column: a data error
    recorder.record(entry(200, 'batch-after'));
    await recorder.flush();
    const agents = await sql<{ user_agent: string }>(
      server.databaseUrl,
      `select user_agent from usage_log where user_agent like 'batch-%' order by user_agent`,
    );
    expect(agents.map((a) => a.user_agent)).toEqual(['batch-after', 'batch-before']);
    // And the recorder still writes afterwards.
    recorder.record(entry(200, 'batch-later'));
    await recorder.flush();
    expect(await count(server, 'usage_log', 'user_agent = $1', ['batch-later'])).toBe(1);
  });
});

describe('pagination parameters', () => {
  it('refuses a limit outside 1–100 with 422 invalid_parameter', async () => {
    for (const path of ['/domains', '/api-keys', '/contacts', '/broadcasts', '/logs']) {
      for (const limit of ['0', '101', '-1', '1.5', 'ten', '']) {
        const res = await api(server, `${path}?limit=${limit}`, { token: acme.full.token });
        expect(res.status, `${path}?limit=${limit}`).toBe(422);
        expect(res.body).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
      }
      for (const limit of ['1', '100']) {
        expect((await api(server, `${path}?limit=${limit}`, { token: acme.full.token })).status).toBe(200);
      }
    }
  });

  it('refuses both cursors at once, and a cursor that is not an item of the list', async () => {
    const cases = [
      `/domains?after=${acme.domainId}&before=${acme.domainId}`,
      `/domains?after=${other.domainId}`,
      `/domains?before=${MISSING_ID}`,
      '/contacts?after=not-an-id',
      `/contacts?after=${others.contact}`,
      '/domains?after=a&after=b',
    ];
    for (const path of cases) {
      const res = await api(server, path, { token: acme.full.token });
      expect(res.status, path).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
    }
  });

  it('walks a list forwards with after and backwards with before', async () => {
    const resend = sdk(server, acme.full.token);
    for (const name of ['p1.com', 'p2.com', 'p3.com', 'p4.com']) expect((await resend.domains.create({ name })).error).toBeNull();
    const all = (await resend.domains.list()).data!.data.map((d) => d.id);
    expect(all).toHaveLength(5);
    const forward: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = (await resend.domains.list(after ? { limit: 2, after } : { limit: 2 })).data!;
      forward.push(...page.data.map((d) => d.id));
      if (!page.has_more) break;
      after = page.data[page.data.length - 1].id;
    }
    expect(forward).toEqual(all);
    const backward: string[][] = [];
    let before = all[all.length - 1];
    for (;;) {
      const page = (await resend.domains.list({ limit: 2, before })).data!;
      backward.push(page.data.map((d) => d.id));
      if (!page.has_more) break;
      before = page.data[0].id;
    }
    expect(backward).toEqual([all.slice(2, 4), all.slice(0, 2)]);
  });
});

describe('rate limit', () => {
  let limited: TestServer;
  let team: Team;
  beforeAll(async () => {
    limited = await startTestServer({ RATE_LIMIT_PER_SECOND: '2' });
    team = await setUpTeam(limited, 'Busy');
  });
  afterAll(() => limited?.stop());

  it('429 rate_limit_exceeded with ratelimit-* and retry-after headers, then recovers', async () => {
    const resend = sdk(limited, team.full.token);
    const results = await Promise.all(Array.from({ length: 8 }, () => resend.domains.list()));
    const ok = results.filter((r) => r.error === null);
    const refused = results.filter((r) => r.error !== null);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.length).toBeLessThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(6);
    for (const r of ok) expect(r.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': expect.stringMatching(/^[01]$/) });
    for (const r of refused) {
      expect(r.error).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded', message: expect.stringMatching(/2 requests per second/) });
      expect(r.headers).toMatchObject({
        'ratelimit-limit': '2',
        'ratelimit-remaining': '0',
        'ratelimit-reset': expect.stringMatching(/^[1-9]\d*$/),
        'retry-after': expect.stringMatching(/^[1-9]\d*$/),
      });
    }
    // The limit is per team: another team is not held back.
    const otherTeam = await setUpTeam(limited, 'Calm');
    expect((await sdk(limited, otherTeam.full.token).domains.list()).error).toBeNull();

    const wait = Number(refused[0].headers!['retry-after']) * 1000;
    await new Promise((r) => setTimeout(r, wait + 100));
    expect((await resend.domains.list()).error).toBeNull();
  });

  it('counts GraphQL requests made with a key too: RATE_LIMITED with status 429 and the same headers; the dashboard session is not limited', async () => {
    const busy = await setUpTeam(limited, 'GraphBusy');
    const ask = () =>
      fetch(`${limited.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${busy.full.token}` },
        body: JSON.stringify({ query: '{ domains { id } }' }),
      });
    const answers = await Promise.all(Array.from({ length: 6 }, ask));
    const refused = answers.filter((r) => r.status === 429);
    expect(answers.filter((r) => r.status === 200).length).toBeLessThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(4);
    const body = (await refused[0].json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(refused[0].headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(refused[0].headers.get('ratelimit-limit')).toBe('2');
    // The same team's admin in the dashboard is not held back by its keys' traffic.
    const viaSession = await Promise.all(Array.from({ length: 4 }, () => busy.admin.gql('{ domains { id } }')));
    expect(viaSession.every((r) => r.errors === undefined)).toBe(true);
  });

  it('holds across two instances sharing one database', async () => {
    const { createApp } = await import('../src/app.js');
    const { loadConfig } = await import('../src/config.js');
    const { initOrm } = await import('../src/db/orm.js');
    const { createLogger } = await import('../src/logger.js');
    const logger = createLogger('silent');
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: limited.databaseUrl,
      CLIENT_DIST: '/nonexistent',
      RATE_LIMIT_PER_SECOND: '2',
      WORKERS: 'false',
    });
    const orm = await initOrm(limited.databaseUrl, logger);
    const second = await createApp({ config, orm, logger });
    try {
      const url = await second.listen(0, '127.0.0.1');
      const fresh = await setUpTeam(limited, 'Shared');
      await new Promise((r) => setTimeout(r, 1100));
      const viaFirst = sdk(limited, fresh.full.token);
      const viaSecond = new Resend(fresh.full.token, { baseUrl: `${url}/api` });
      const results = await Promise.all([
        ...Array.from({ length: 4 }, () => viaFirst.domains.list()),
        ...Array.from({ length: 4 }, () => viaSecond.domains.list()),
      ]);
      const ok = results.filter((r) => r.error === null).length;
      expect(ok).toBeGreaterThanOrEqual(1);
      expect(ok).toBeLessThanOrEqual(2);
    } finally {
      await second.close();
      await orm.close();
    }
  });
});
