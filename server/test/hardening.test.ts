import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signUpAdmin, sql, startTestServer, type TestServer } from './harness.js';

let dev: TestServer;
let prod: TestServer;
beforeAll(async () => {
  [dev, prod] = await Promise.all([startTestServer(), startTestServer({ NODE_ENV: 'production' })]);
});
afterAll(() => Promise.all([dev?.stop(), prod?.stop()]));

type ErrorBody = { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };

async function post(server: TestServer, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as ErrorBody };
}

const query = (server: TestServer, q: string) => post(server, JSON.stringify({ query: q }));

/** me → team → members → user → team … : the schema's own cycle, nested `levels` times. */
function nested(levels: number): string {
  const path = ['team', 'members', 'user'];
  let q = 'id';
  for (let i = levels - 1; i >= 0; i--) q = `${path[i % 3]} { ${q} }`;
  return `{ me { ${q} } }`;
}

describe('hardening: requests that are accepted', () => {
  it('a JSON POST works, and so does a GET that carries a preflight header', async () => {
    const res = await query(dev, '{ me { id } }');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ data: { me: null } });
    const get = await fetch(`${dev.url}/graphql?query=${encodeURIComponent('{ me { id } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { me: null } });
  });

  it('a query at the depth limit runs', async () => {
    const { client } = await signUpAdmin(dev);
    const res = await client.gql(nested(10)); // depth 12, the limit
    expect(res.errors).toBeUndefined();
    expect(res.data?.me.team.members[0].user.team.members[0].user.team.members[0].user.team.id).toBeDefined();
  });
});

describe('hardening: refused requests', () => {
  it.each([
    ['text/plain', 'text/plain'],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
    ['multipart/form-data', 'multipart/form-data; boundary=x'],
  ])('a POST with content-type %s is refused by CSRF prevention (400)', async (_label, type) => {
    const { client } = await signUpAdmin(dev);
    // A cross-site form could send the victim's cookie: the mutation must not run.
    const res = await post(dev, JSON.stringify({ query: 'mutation { createDomain(input: { name: "csrf.example.com" }) { id } }' }), {
      'content-type': type,
      cookie: client.cookie!,
    });
    expect(res.status).toBe(400);
    expect(res.json().errors?.[0].message).toMatch(/Cross-Site Request Forgery/);
    expect(await sql(dev.databaseUrl, `select 1 from domain where name = 'csrf.example.com'`)).toEqual([]);
  });

  it('a body in another charset or an unknown content encoding is refused with 415 BAD_REQUEST, not a 500', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    for (const [headers, message] of [
      [{ 'content-type': 'application/json; charset=latin1' }, /Unsupported charset/],
      [{ 'content-type': 'application/json', 'content-encoding': 'zstd' }, /Unsupported Content-Encoding/],
    ] as const) {
      const res = await post(dev, body, headers);
      expect(res.status).toBe(415);
      expect(res.json().errors?.[0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'BAD_REQUEST' } });
    }
  });

  it('a simple GET (no preflight header) is refused by CSRF prevention', async () => {
    const res = await fetch(`${dev.url}/graphql?query=${encodeURIComponent('{ me { id } }')}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).errors?.[0].message).toMatch(/Cross-Site Request Forgery/);
  });

  it('a mutation over GET is refused', async () => {
    const res = await fetch(`${dev.url}/graphql?query=${encodeURIComponent('mutation { signOut }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(405);
  });

  it('a batched (array) request is refused', async () => {
    const res = await post(dev, JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]));
    expect(res.status).toBe(400);
    expect(res.json().errors?.[0].message).toMatch(/batching/i);
  });

  it('a query nested deeper than the depth limit is refused with a clear error', async () => {
    const { client } = await signUpAdmin(dev);
    const res = await client.gql(nested(11)); // one level too deep
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0].message).toMatch(/depth limit of 12 exceeded, found 13/);
  });

  it('too many aliases are refused', async () => {
    const q = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    const res = await query(dev, q);
    expect(res.status).toBe(400);
    expect(res.json().errors?.[0].message).toMatch(/Aliases limit/);
  });

  it('a document with too many tokens is refused as a 400, not a server error', async () => {
    const q = `{ ${Array.from({ length: 1500 }, () => 'me { id }').join(' ')} }`;
    const res = await query(dev, q);
    expect(res.status).toBe(400);
    expect(res.json().errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(res.json().errors?.[0].message).toMatch(/tokens/);
  });

  it('a syntax error is a 400 GRAPHQL_PARSE_FAILED', async () => {
    const res = await query(dev, '{ me { id }');
    expect(res.status).toBe(400);
    expect(res.json().errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  });

  it('a body over 1 MB gets 413 with a JSON body', async () => {
    const res = await post(dev, JSON.stringify({ query: '{ me { id } }', variables: { padding: 'x'.repeat(1_100_000) } }));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json().errors?.[0]).toMatchObject({ extensions: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('malformed JSON gets 400 with a JSON body', async () => {
    const res = await post(dev, '{"query": ');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json().errors?.[0].message).toMatch(/not valid JSON/);
  });
});

describe('hardening: security', () => {
  it.each(['/graphql', '/api/health'])('helmet security headers are present on %s', async (path) => {
    const res = await fetch(`${dev.url}${path}`, {
      method: path === '/graphql' ? 'POST' : 'GET',
      headers: { 'content-type': 'application/json' },
      body: path === '/graphql' ? JSON.stringify({ query: '{ me { id } }' }) : undefined,
    });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("object-src 'none'");
    // Subscriptions go to this origin only ('self' covers ws: and wss: on the same host).
    expect(csp).toMatch(/connect-src 'self'(;|$)/);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('outside production, introspection works and misspelt fields get suggestions', async () => {
    const intro = await query(dev, '{ __schema { queryType { name } } }');
    expect(intro.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const typo = await query(dev, '{ mee { id } }');
    expect(typo.json().errors?.[0].message).toContain('Did you mean "me"');
  });

  it('in production, introspection is disabled', async () => {
    for (const q of ['{ __schema { types { name } } }', '{ __type(name: "User") { fields { name } } }']) {
      const res = await query(prod, q);
      expect(res.status).toBe(400);
      expect(res.json().data).toBeUndefined();
      expect(res.json().errors?.[0].message).toMatch(/introspection is not allowed/);
    }
  });

  it('in production, field suggestions are blocked', async () => {
    for (const q of ['{ mee { id } }', '{ me { emial } }', '{ domainz { id } }']) {
      const res = await query(prod, q);
      expect(res.status).toBe(400);
      const message = res.json().errors?.[0].message ?? '';
      expect(message).toMatch(/Cannot query field/);
      expect(message).not.toMatch(/Did you mean/);
      expect(res.text).not.toMatch(/"(me|email|domains)"/);
    }
  });

  it('an unexpected failure is masked as INTERNAL_SERVER_ERROR, without SQL or stack', async () => {
    const { client } = await signUpAdmin(dev);
    // A database that misbehaves: the table behind `domains` disappears for a moment.
    await sql(dev.databaseUrl, 'alter table domain rename to domain_moved_away');
    try {
      const res = await client.gql('{ domains { id } }');
      expect(res.status).toBe(200);
      expect(res.errors).toEqual([{ message: 'Internal server error', path: ['domains'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
      expect(JSON.stringify(res)).not.toMatch(/relation|select|domain_moved_away|stacktrace/i);
    } finally {
      await sql(dev.databaseUrl, 'alter table domain_moved_away rename to domain');
    }
    expect((await client.gql('{ domains { id } }')).data?.domains).toEqual([]);
  });
});

describe('hardening: WebSocket', () => {
  it('closes a socket that sends a message over 1 MB (1009) rather than buffering it', async () => {
    const socket = new WebSocket(`${dev.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(1024 * 1024 + 1) } }));
    expect(await closed).toBe(1009);
    // The server is still there for everyone else.
    expect((await fetch(`${dev.url}/api/health`)).status).toBe(200);
  });

  /** Signs in over the socket with the session cookie, sends one operation, and collects what comes back. */
  /** The answers to one subscription; `variables`, as JSON text, goes into its payload as written. */
  async function overSocket(cookie: string, query: string, variables?: string): Promise<{ type: string; payload?: unknown }[]> {
    const socket = new WebSocket(`${dev.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: { cookie } });
    const received: { type: string; payload?: unknown }[] = [];
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string; payload?: unknown };
        if (message.type === 'connection_ack') {
          const vars = variables === undefined ? '' : `,"variables":${variables}`;
          return socket.send(`{"type":"subscribe","id":"1","payload":{"query":${JSON.stringify(query)}${vars}}}`);
        }
        received.push(message);
        if (message.type === 'error' || message.type === 'complete') socket.close();
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    return received;
  }

  it('serves only subscriptions: queries and mutations must come over HTTP (rate limit, usage logs)', async () => {
    const { client, user } = await signUpAdmin(dev, 'Sockets');
    const cookie = client.cookie!;
    const query = await overSocket(cookie, '{ apiKeys { id } }');
    expect(query).toEqual([
      { type: 'error', id: '1', payload: [expect.objectContaining({ message: expect.stringMatching(/Only subscriptions are served over the WebSocket/) })] },
    ]);
    const mutation = await overSocket(cookie, 'mutation { createApiKey(input: { name: "over a socket", permission: FULL_ACCESS }) { token } }');
    expect(mutation[0]).toMatchObject({ type: 'error' });
    const [{ n }] = await sql<{ n: string }>(dev.databaseUrl, 'select count(*) as n from api_key where team_id = $1', [user.team.id]);
    expect(Number(n)).toBe(0);
  });

  it('applies the HTTP limits to subscriptions too: depth, syntax and NUL characters', async () => {
    const cookie = (await signUpAdmin(dev, 'Deep sockets')).client.cookie!;
    const cycle = (depth: number): string => (depth === 0 ? 'id' : `team { members { user { ${cycle(depth - 1)} } } }`);
    const deep = await overSocket(cookie, `subscription { exportProgress(id: "00000000-0000-0000-0000-000000000000") { createdBy { ${cycle(4)} } } }`);
    expect(deep).toEqual([{ type: 'error', id: '1', payload: [expect.objectContaining({ message: expect.stringMatching(/depth limit of 12 exceeded/) })] }]);
    const syntax = await overSocket(cookie, 'subscription {');
    expect(syntax[0]).toMatchObject({ type: 'error', payload: [expect.objectContaining({ message: expect.stringMatching(/Syntax Error/) })] });
    const nul = await overSocket(cookie, 'subscription { exportProgress(id: "\\u0000") { id } }');
    expect(nul[0]).toMatchObject({ type: 'error', payload: [expect.objectContaining({ message: expect.stringMatching(/NUL character/) })] });
  });

  it('refuses variables a subscription cannot store or walk, as HTTP does: a NUL, nesting past 64 levels', async () => {
    const cookie = (await signUpAdmin(dev, 'Socket variables')).client.cookie!;
    const subscription = 'subscription($id: ID!) { exportProgress(id: $id) { id } }';
    const nul = await overSocket(cookie, subscription, '{"id":"\\u0000"}');
    expect(nul).toEqual([
      {
        type: 'error',
        id: '1',
        payload: [
          expect.objectContaining({ message: expect.stringMatching(/NUL character/), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
        ],
      },
    ]);
    const deep = await overSocket(cookie, subscription, `{"id":"x","extra":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    expect(deep).toEqual([
      {
        type: 'error',
        id: '1',
        payload: [
          expect.objectContaining({
            message: expect.stringMatching(/nest at most 64 levels deep/),
            extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
          }),
        ],
      },
    ]);
    expect((await fetch(`${dev.url}/api/health/live`)).status).toBe(200);
  });
});
