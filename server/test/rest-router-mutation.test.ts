// The REST router (src/rest/router.ts) with routes of the test's own, over a real server's gate,
// keys and usage recorder, in an Express app of its own: authentication before anything else,
// permission before the body is read, unknown and unoffered routes, 405 with Allow, errors in
// Resend's shape with their headers, and what each request leaves in the usage log. Written for
// the mutants of router.ts (pnpm test:mutation rest-router); one server for the whole file.
import type { Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../src/errors.js';
import { generateToken } from '../src/modules/api-key/token.js';
import { RequestGate } from '../src/modules/auth/gate.js';
import { redact } from '../src/modules/usage-log/redact.js';
import type { RestContext, RestRoute } from '../src/rest/http.js';
import { createRestRouter } from '../src/rest/router.js';
import { sql, startTestServer, type TestServer } from './harness.js';
import { setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let team: Team;
const apps: Server[] = [];
let base: string;
let limitedBase: string;
let gate: RequestGate;
let sessionGate: RequestGate;
let sessionBase: string;
/** What the router logs at error level (the base app's logger). */
const logged: { msg: string; err?: { message?: string; type?: string } }[] = [];

/** The context forks one entity manager on first use and keeps it. */
const sameEm = (ctx: RestContext) => {
  const first = ctx.em;
  return first === ctx.em;
};

const routes: RestRoute[] = [
  {
    method: 'get',
    path: '/things',
    access: 'full',
    handle: async (_req, ctx) => ({ status: 201, headers: { 'x-thing': 'yes' }, body: { team: ctx.key.teamId, sameEm: sameEm(ctx) } }),
  },
  { method: 'post', path: '/things', access: 'sending', bodyLimit: '1kb', handle: async (req) => ({ body: { got: req.body } }) },
  {
    method: 'get',
    path: '/things/:id',
    access: 'sending',
    handle: async () => {
      throw new AppError(ErrorCode.NOT_FOUND, 'No such thing.');
    },
  },
  {
    method: 'delete',
    path: '/things/:id',
    access: 'sending',
    handle: async () => {
      throw new Error('boom');
    },
  },
  {
    method: 'patch',
    path: '/things/:id',
    access: 'sending',
    handle: async (req) => {
      const given = req.query.given === 'yes';
      throw new AppError(ErrorCode.RATE_LIMITED, 'Slow down.', {
        retryAfterSeconds: 7,
        headers: given ? { 'retry-after': '9', 'x-extra': '1' } : { 'x-extra': '1' },
      });
    },
  },
  {
    method: 'post',
    path: '/things/:id/down',
    access: 'sending',
    handle: async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    },
  },
  {
    method: 'post',
    path: '/things/:id/busy',
    access: 'sending',
    handle: async () => {
      // A refusal that names no wait.
      throw new AppError(ErrorCode.RATE_LIMITED, 'Busy.');
    },
  },
  {
    method: 'post',
    path: '/things/:id/upstream',
    access: 'sending',
    handle: async () => {
      // An unexpected error carrying headers of its own, as an HTTP client's errors do.
      throw Object.assign(new Error('upstream said no'), { headers: { 'x-upstream': 'secret', 'retry-after': '99' } });
    },
  },
  // An answer with no body, to a method other than GET: Express's own (an empty body), not a failed write.
  { method: 'post', path: '/things/:id/quiet', access: 'sending', handle: async () => ({ status: 202, body: undefined }) },
  {
    method: 'post',
    path: '/things/:id/conflict',
    access: 'sending',
    handle: async () => {
      throw new AppError(ErrorCode.CONFLICT, 'Taken.', { retryAfterSeconds: 3 });
    },
  },
];

async function listen(app: express.Express): Promise<string> {
  const s = app.listen(0, '127.0.0.1');
  apps.push(s);
  await new Promise((r) => s.once('listening', r));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}/api`;
}

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  team = await setUpTeam(server, 'Router');
  const services = server.app.services;
  const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) });
  base = await listen(express().use('/api', createRestRouter({ ...services, logger }, routes)));
  gate = new RequestGate(
    { verifier: services.apiKeyVerifier, recorder: services.usageRecorder, knex: services.orm.em.getConnection().getKnex() },
    { teamPerSecond: 1, sessionPerMinute: 0, failedAuthPerMinute: 2 },
  );
  sessionGate = new RequestGate(
    { verifier: services.apiKeyVerifier, recorder: services.usageRecorder, knex: services.orm.em.getConnection().getKnex() },
    { teamPerSecond: 0, sessionPerMinute: 1000 },
  );
  limitedBase = await listen(express().use('/api', createRestRouter({ ...services, gate }, routes)));
  sessionBase = await listen(express().use('/api', createRestRouter({ ...services, gate: sessionGate }, routes)));
});
afterAll(async () => {
  gate?.close();
  sessionGate?.close();
  for (const s of apps) await new Promise((r) => s.close(r));
  await server?.stop();
});

async function call(path: string, init: { method?: string; token?: string; body?: string; at?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${init.at ?? base}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body,
    // A mutant that never answers fails here rather than at Stryker's 60 s timeout.
    signal: AbortSignal.timeout(8000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}
const missing = {
  statusCode: 401,
  name: 'missing_api_key',
  message: 'Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY',
};
const logsOf = async (apiKeyId: string, endpoint: string) => {
  await server.app.services.usageRecorder.flush();
  return sql<{ method: string; status_code: number; request_body: unknown; response_body: unknown; user_agent: string | null }>(
    server.databaseUrl,
    'select method, status_code, request_body, response_body, user_agent from usage_log where api_key_id = $1 and endpoint = $2 order by created_at',
    [apiKeyId, endpoint],
  );
};

describe('who may ask', () => {
  it('no key: 401 missing_api_key on a route of ours, under any method of it', async () => {
    for (const method of ['GET', 'POST', 'PUT']) {
      const res = await call('/things', { method });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(missing);
    }
  });

  it("no key or an empty Authorization header: 401 missing_api_key, Resend's three fields in JSON, no rate-limit headers", async () => {
    for (const headers of [{}, { authorization: '' }] as Record<string, string>[]) {
      const res = await call('/things/1', { at: limitedBase, method: 'POST', headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body).toStrictEqual(missing);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      for (const h of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']) expect(res.headers.get(h), h).toBeNull();
    }
  });

  it('a malformed Authorization header or an unknown key: 403 invalid_api_key "API key is invalid.", no rate-limit headers', async () => {
    const invalid = { statusCode: 403, name: 'invalid_api_key', message: 'API key is invalid.' };
    const basic = `Basic ${Buffer.from('a:b').toString('base64')}`;
    // An unknown token is tried on the server's gate: limitedBase's allows two a minute, for the test below.
    const cases: [string, string][] = [
      ['Bearer', limitedBase],
      [basic, limitedBase],
      [team.full.token, limitedBase],
      ['Bearer re_123', limitedBase],
    ];
    cases.push([`Bearer ${generateToken()}`, base]);
    for (const [authorization, at] of cases) {
      const res = await call('/things', { at, headers: { authorization } });
      expect(res.status, authorization).toBe(403);
      expect(res.body).toStrictEqual(invalid);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      for (const h of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']) expect(res.headers.get(h), h).toBeNull();
    }
  });

  it('a sending-access key on a full-access route: 401 restricted_api_key; on a sending route, served', async () => {
    const res = await call('/things', { token: team.sending.token });
    expect(res).toMatchObject({
      status: 401,
      body: { statusCode: 401, name: 'restricted_api_key', message: 'This API key is restricted to only send emails.' },
    });
    const ok = await call('/things', { method: 'POST', token: team.sending.token, body: '{"a":1}' });
    expect(ok).toMatchObject({ status: 200, body: { got: { a: 1 } } });
  });

  it('the permission is checked before the body is read: a sending key gets 401, not 400, for bad JSON on a full route', async () => {
    const res = await call('/things', { method: 'GET', token: team.sending.token, headers: { 'content-type': 'application/json', 'content-length': '1' } });
    expect(res.status).toBe(401);
  });

  it("the dashboard's session cookie is no key: 401, and the user's session budget is not spent", async () => {
    const cookie = team.admin.cookie!;
    const token = cookie.slice(cookie.indexOf('=') + 1).split(';')[0];
    // The session's budget (shared through PostgreSQL) as the gate sees it, before and after.
    const remaining = async () => {
      const admission = await sessionGate.admit({ sessionToken: token, ip: '203.0.113.9' }, () => server.app.services.orm.em.fork());
      expect(admission.actor).toMatchObject({ kind: 'user' });
      return Number(admission.headers['ratelimit-remaining']);
    };
    const before = await remaining();
    for (let i = 0; i < 2; i++)
      expect(await call('/things', { at: sessionBase, headers: { cookie } }), String(i)).toMatchObject({ status: 401, body: missing });
    expect(await remaining()).toBe(before - 1);
  });

  it('an address over its budget of unknown tokens: 429, also on a route not offered (not the 404)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('/webhooks', { at: limitedBase, token: generateToken() })).status);
    expect(statuses.slice(0, 2)).toEqual([404, 404]);
    expect(statuses.at(-1)).toBe(429);
  });

  it('an invalid key: 403 invalid_api_key on our routes', async () => {
    const res = await call('/things', { token: 're_123' });
    expect(res).toMatchObject({ status: 403, body: { name: 'invalid_api_key' } });
  });
});

describe('routes', () => {
  it('a full key is served: the handler status, headers and body; the RestContext forks one entity manager on use', async () => {
    const res = await call('/things', { token: team.full.token });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-thing')).toBe('yes');
    expect(res.body).toEqual({ team: team.teamId, sameEm: true });
  });

  it('no answer is kept by a proxy or the browser (Cache-Control: no-store), a refusal and a 404 as a served route', async () => {
    for (const res of [
      await call('/things', { token: team.full.token }),
      await call('/things', { token: 're_123' }),
      await call('/nowhere', { token: team.full.token }),
    ]) {
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it("a POST's answer is JSON in UTF-8 with its exact length and no ETag; a GET's keeps Express's ETag", async () => {
    const body = { note: 'héllo — ✉️' };
    const res = await fetch(`${base}/things`, {
      method: 'POST',
      headers: { authorization: `Bearer ${team.full.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ got: body });
    expect(res.headers.get('etag')).toBeNull();
    const get = await call('/things', { token: team.full.token });
    expect(get.headers.get('etag')).toMatch(/^W\/"/);
    // A HEAD is a GET without its body: the same ETag and length, through Express.
    const head = await fetch(`${base}/things`, { method: 'HEAD', headers: { authorization: `Bearer ${team.full.token}` } });
    expect(head.status).toBe(201);
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect(await head.text()).toBe('');
    // A POST whose route answers no body gets Express's empty answer with the route's status.
    const quiet = await fetch(`${base}/things/1/quiet`, { method: 'POST', headers: { authorization: `Bearer ${team.full.token}` } });
    expect(quiet.status).toBe(202);
    expect(await quiet.text()).toBe('');
  });

  it('an error answer, to a GET as to a POST, is JSON in UTF-8 with its exact length and no ETag', async () => {
    const refused = await fetch(`${base}/things`, { headers: { authorization: 'Bearer re_123' } });
    const unknown = await fetch(`${base}/nowhere`, { method: 'POST', headers: { authorization: `Bearer ${team.full.token}` } });
    for (const [res, body] of [
      [refused, { statusCode: 403, name: 'invalid_api_key', message: 'API key is invalid.' }],
      [unknown, { statusCode: 404, name: 'not_found', message: 'The requested endpoint does not exist.' }],
    ] as const) {
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(res.status).toBe(body.statusCode);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
      expect(JSON.parse(bytes.toString('utf8'))).toEqual(body);
      expect(res.headers.get('etag')).toBeNull();
    }
  });

  it('405 method_not_allowed with Allow for another method of a route of ours', async () => {
    const res = await call('/things', { method: 'PUT', token: team.full.token });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST, HEAD, OPTIONS');
    expect(res.body).toEqual({ statusCode: 405, name: 'method_not_allowed', message: 'Method not allowed. Allowed: GET, POST, HEAD, OPTIONS.' });
    const one = await call('/things/1/down', { method: 'GET', token: team.full.token });
    expect(one.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('an unknown path: 404 not_found, with or without a key (never 401 or 403)', async () => {
    const body = { statusCode: 404, name: 'not_found', message: 'The requested endpoint does not exist.' };
    for (const token of [undefined, team.full.token, 're_123']) {
      const res = await call('/nowhere/at/all', { token });
      expect(res, String(token)).toMatchObject({ status: 404, body });
    }
  });

  it('a Resend route Keyring does not offer: 404 saying so, with or without a key; with a key it is logged', async () => {
    const body = {
      statusCode: 404,
      name: 'not_found',
      message: "Keyring does not offer GET /webhooks: it implements part of Resend's API (see docs/resend-compatibility.md).",
    };
    for (const token of [undefined, 're_123', team.full.token]) expect(await call('/webhooks', { token }), String(token)).toMatchObject({ status: 404, body });
    expect(await logsOf(team.full.id, '/webhooks')).toEqual([expect.objectContaining({ method: 'GET', status_code: 404, response_body: body })]);
  });
});

describe('errors in Resend shape', () => {
  it('an AppError of the handler: its status and name', async () => {
    expect(await call('/things/1', { token: team.full.token })).toMatchObject({
      status: 404,
      body: { statusCode: 404, name: 'not_found', message: 'No such thing.' },
    });
  });

  it('an unexpected error: 500 internal_server_error, nothing of it told', async () => {
    expect(await call('/things/1', { method: 'DELETE', token: team.full.token })).toMatchObject({
      status: 500,
      body: { statusCode: 500, name: 'internal_server_error', message: 'An unexpected error occurred.' },
    });
  });

  it("a 429: its Retry-After and the error's own headers; a Retry-After the error set is kept", async () => {
    const res = await call('/things/1', { method: 'PATCH', token: team.full.token });
    expect(res).toMatchObject({ status: 429, body: { statusCode: 429, name: 'rate_limit_exceeded', message: 'Slow down.' } });
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('x-extra')).toBe('1');
    const given = await call('/things/1?given=yes', { method: 'PATCH', token: team.full.token });
    expect(given.headers.get('retry-after')).toBe('9');
  });

  it('an unexpected error: logged with the error itself, and none of its own headers sent', async () => {
    logged.length = 0;
    const res = await call('/things/1/upstream', { method: 'POST', token: team.full.token });
    expect(res).toMatchObject({ status: 500, body: { statusCode: 500, name: 'internal_server_error', message: 'An unexpected error occurred.' } });
    expect(res.headers.get('x-upstream')).toBeNull();
    expect(res.headers.get('retry-after')).toBeNull();
    expect(logged).toEqual([expect.objectContaining({ msg: 'unhandled REST error', err: expect.objectContaining({ message: 'upstream said no' }) })]);
    // A known error is answered, not logged as unhandled.
    await call('/things/1', { token: team.full.token });
    expect(logged).toHaveLength(1);
  });

  it('a 429 whose error names no wait: no Retry-After made up', async () => {
    const res = await call('/things/1/busy', { method: 'POST', token: team.full.token });
    expect(res).toMatchObject({ status: 429, body: { statusCode: 429, name: 'rate_limit_exceeded', message: 'Busy.' } });
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('the database unreachable: 503 service_unavailable with Retry-After; another status has none', async () => {
    const res = await call('/things/1/down', { method: 'POST', token: team.full.token });
    expect(res).toMatchObject({ status: 503, body: { statusCode: 503, name: 'service_unavailable' } });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const conflict = await call('/things/1/conflict', { method: 'POST', token: team.full.token });
    expect(conflict).toMatchObject({ status: 409, body: { name: 'conflict', message: 'Taken.' } });
    expect(conflict.headers.get('retry-after')).toBeNull();
  });

  it('a body too large, or not JSON: 413 payload_too_large / 400 validation_error', async () => {
    const big = await call('/things', { method: 'POST', token: team.full.token, body: JSON.stringify({ a: 'x'.repeat(2000) }) });
    expect(big).toMatchObject({ status: 413, body: { statusCode: 413, name: 'payload_too_large', message: 'Request body is too large.' } });
    const bad = await call('/things', { method: 'POST', token: team.full.token, body: '{nope' });
    expect(bad).toMatchObject({ status: 400, body: { statusCode: 400, name: 'validation_error', message: 'Request body is not valid JSON.' } });
  });
});

describe('the usage log and the rate limit', () => {
  it('a request with a key is logged with its redacted request body, the response it got, and its user agent; a GET has no request body', async () => {
    const body = { password: 'hunter2-hunter2', note: 'hello' };
    await call('/things', { method: 'POST', token: team.full.token, body: JSON.stringify(body), headers: { 'user-agent': 'router-test/1' } });
    await call('/things', { token: team.full.token });
    const logs = await logsOf(team.full.id, '/things');
    const post = logs.find((l) => l.method === 'POST' && l.user_agent === 'router-test/1');
    expect(post).toMatchObject({ status_code: 200, request_body: redact(body), response_body: redact({ got: body }) });
    expect(JSON.stringify(post)).not.toContain('hunter2-hunter2');
    const get = logs.filter((l) => l.method === 'GET').at(-1);
    expect(get).toMatchObject({ status_code: 201, request_body: null, response_body: { team: team.teamId, sameEm: true } });
  });

  it('the team rate limit: RateLimit headers on every answer; over it, 429 — also on a route not offered', async () => {
    const first = await call('/things', { at: limitedBase, token: team.full.token });
    expect(first.status).toBe(201);
    expect(first.headers.get('ratelimit-limit')).toBe('1');
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 5 && !refused; i++) {
      const r = await call('/webhooks', { at: limitedBase, token: team.full.token });
      if (r.status === 429) refused = r;
    }
    expect(refused).toMatchObject({ status: 429, body: { name: 'rate_limit_exceeded' } });
    expect(refused?.headers.get('ratelimit-limit')).toBe('1');
    for (let i = 0; i < 5; i++) {
      const r = await call('/things', { at: limitedBase, token: team.full.token });
      if (r.status === 429) {
        expect(r.body).toMatchObject({ name: 'rate_limit_exceeded' });
        return;
      }
    }
    throw new Error('never refused on /things');
  });
});
