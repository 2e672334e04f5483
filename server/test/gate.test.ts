import type { MikroORM } from '@mikro-orm/postgresql';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type App, createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { initOrm, migrate } from '../src/db/orm.js';
import { MAX_SOCKETS_PER_CALLER, MAX_SUBSCRIPTIONS_PER_SOCKET } from '../src/graphql/websocket.js';
import { createLogger } from '../src/logger.js';
import type { VerifiedKey } from '../src/modules/api-key/api-key.verifier.js';
import { generateToken } from '../src/modules/api-key/token.js';
import { GATE_DEFAULTS } from '../src/modules/auth/gate.js';
import { insertProcessingExport, revokedEverywhere, signUpAdmin, sql, startTestServer, type TestClient, type TestServer, waitFor } from './harness.js';
import { api, createKey, setUpTeam, type Team } from './rest-harness.js';

// The request gate (modules/auth/gate.ts): the one door for REST, GraphQL, downloads and sockets.

type Loader = { load(hash: string): Promise<VerifiedKey | null> };

/** Counts the key lookups an instance sends to PostgreSQL (its verifier's `load`). */
function countLookups(app: App) {
  const verifier = app.services.apiKeyVerifier as unknown as Loader;
  const load = verifier.load.bind(verifier);
  const counter = { n: 0 };
  verifier.load = async (hash: string) => {
    counter.n++;
    return load(hash);
  };
  return counter;
}

/**
 * Runs `meanwhile` each time an instance's key lookup has been answered by PostgreSQL, before the
 * lookup goes on: whatever it does happens while that lookup is in flight, after its read. Gives
 * back a function that puts the verifier's own `load` back.
 */
function duringLookups(app: App, meanwhile: (read: VerifiedKey | null) => Promise<void>): () => void {
  const verifier = app.services.apiKeyVerifier as unknown as Loader;
  const load = verifier.load;
  verifier.load = async (hash: string) => {
    const out = await load.call(verifier, hash);
    await meanwhile(out);
    return out;
  };
  return () => delete (verifier as Partial<Loader>).load;
}

const logsOf = (server: TestServer, keyId: string, status?: number) =>
  sql<{ endpoint: string; method: string; status_code: number; response_body: { refused?: number } | null }>(
    server.databaseUrl,
    `select endpoint, method, status_code, response_body from usage_log where api_key_id = $1 ${status ? 'and status_code = $2' : ''} order by created_at`,
    status ? [keyId, status] : [keyId],
  );

describe('unknown tokens', () => {
  let server: TestServer;
  let team: Team;
  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
    team = await setUpTeam(server, 'Tokens');
  });
  afterAll(() => server?.stop());

  it('cost one database query per distinct token a minute, however often they are tried', async () => {
    const lookups = countLookups(server.app);
    const unknown = generateToken();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => api(server, '/domains', { token: unknown, headers: { 'x-forwarded-for': '198.51.100.1' } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(403));
    for (let i = 0; i < 10; i++) expect((await api(server, '/domains', { token: unknown, headers: { 'x-forwarded-for': '198.51.100.1' } })).status).toBe(403);
    expect(lookups.n).toBe(1);
  });

  it('from one address past 30 a minute are refused with 429 before they reach the database; real keys from there still work', async () => {
    const from = { 'x-forwarded-for': '198.51.100.2' };
    // The team's key is used from there first: an instance knows it.
    expect((await api(server, '/domains', { token: team.full.token, headers: from })).status).toBe(200);
    const lookups = countLookups(server.app);
    const statuses: number[] = [];
    for (let i = 0; i < GATE_DEFAULTS.failedAuthPerMinute + 10; i++)
      statuses.push((await api(server, '/domains', { token: generateToken(), headers: from })).status);
    expect(statuses.slice(0, GATE_DEFAULTS.failedAuthPerMinute)).toEqual(Array(GATE_DEFAULTS.failedAuthPerMinute).fill(403));
    expect(statuses.slice(GATE_DEFAULTS.failedAuthPerMinute)).toEqual(Array(10).fill(429));
    expect(lookups.n).toBe(GATE_DEFAULTS.failedAuthPerMinute);
    const refused = await api(server, '/domains', { token: generateToken(), headers: from });
    expect(refused.body).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded', message: expect.stringMatching(/invalid API keys from this address/) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The team's own key, from the same address, and unknown tokens from another address.
    expect((await api(server, '/domains', { token: team.full.token, headers: from })).status).toBe(200);
    expect((await api(server, '/domains', { token: generateToken(), headers: { 'x-forwarded-for': '198.51.100.3' } })).status).toBe(403);
    // GraphQL goes through the same door.
    const gql = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${generateToken()}`, ...from },
      body: JSON.stringify({ query: '{ apiKeys { id } }' }),
    });
    expect(gql.status).toBe(429);
    expect(((await gql.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('RATE_LIMITED');
  });
});

describe('refused requests', () => {
  let server: TestServer;
  let team: Team;
  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_PER_SECOND: '2' });
    team = await setUpTeam(server, 'Flood');
  });
  afterAll(() => server?.stop());

  it('are logged in full up to 10 per key and minute, the rest summed up in one entry that counts them', async () => {
    const answers = await Promise.all(Array.from({ length: 80 }, () => api(server, '/domains', { token: team.full.token })));
    const refused = answers.filter((a) => a.status === 429).length;
    expect(refused).toBeGreaterThan(60);
    server.app.services.gate.flushRefusals();
    await server.app.services.usageRecorder.flush();
    const logs = await logsOf(server, team.full.id, 429);
    const full = logs.filter((l) => l.endpoint === '/domains');
    const summary = logs.filter((l) => l.endpoint === '(rate limited)');
    // One minute's boundary may fall inside the flood: then two minutes' worth.
    expect(full.length).toBeGreaterThanOrEqual(GATE_DEFAULTS.refusalsLoggedPerMinute);
    expect(full.length).toBeLessThanOrEqual(2 * GATE_DEFAULTS.refusalsLoggedPerMinute);
    expect(summary.length).toBeGreaterThanOrEqual(1);
    expect(summary.length).toBeLessThanOrEqual(2);
    expect(full.length + summary.reduce((n, s) => n + (s.response_body?.refused ?? 0), 0)).toBe(refused);
    expect(summary[0]).toMatchObject({ method: '*', status_code: 429 });
  });
});

describe('SESSION_RATE_LIMIT_PER_MINUTE', () => {
  it('defaults to 600, takes 0 to turn the limit off, and refuses anything else that is not a whole number, naming the variable', () => {
    expect(loadConfig({}).SESSION_RATE_LIMIT_PER_MINUTE).toBe(600);
    expect(loadConfig({ SESSION_RATE_LIMIT_PER_MINUTE: '0' }).SESSION_RATE_LIMIT_PER_MINUTE).toBe(0);
    for (const value of ['-1', '1.5', 'lots']) {
      expect(() => loadConfig({ SESSION_RATE_LIMIT_PER_MINUTE: value }), value).toThrow(/SESSION_RATE_LIMIT_PER_MINUTE:/);
    }
  });
});

describe('dashboard sessions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SESSION_RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(() => server?.stop());

  it('have a rate limit per user, answered 429 RATE_LIMITED with Retry-After; other users are not affected', async () => {
    const { client } = await signUpAdmin(server, 'Busy');
    const other = (await signUpAdmin(server, 'Calm')).client;
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof client.gql>> | undefined;
    for (let i = 0; i < 8; i++) {
      last = await client.gql('{ apiKeys { id } }');
      statuses.push(last.status);
    }
    // Signing up was anonymous: the session's requests start after it.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(last!.errors![0].extensions!.code).toBe('RATE_LIMITED');
    expect(last!.errors![0].message).toMatch(/5 requests per minute/);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.headers.get('ratelimit-limit')).toBe('5');
    expect((await other.gql('{ apiKeys { id } }')).status).toBe(200);
  });
});

describe('export downloads made with a key', () => {
  let server: TestServer;
  let team: Team;
  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_PER_SECOND: '1' });
    team = await setUpTeam(server, 'Downloads');
  });
  afterAll(() => server?.stop());

  /** A new export of the team's domains, once written: its id. */
  async function readyExport(): Promise<string> {
    const created = await team.admin.gql(`mutation { createExport(input: { resource: DOMAINS, filters: {} }) { id } }`);
    const id = created.data!.createExport.id as string;
    await waitFor(
      async () => ((await team.admin.gql(`query($id: ID!) { export(id: $id) { status } }`, { id })).data?.export?.status === 'READY' ? true : undefined),
      20_000,
      'the export to be written',
    );
    return id;
  }

  it('are logged, counted and rate-limited like any other request of that key', async () => {
    const id = await readyExport();
    const first = await fetch(`${server.url}/api/exports/${id}/download`, { headers: { authorization: `Bearer ${team.full.token}` } });
    expect(first.status).toBe(200);
    expect(await first.text()).toMatch(/^id,name,region,status,created_at\n/);
    const flood = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`${server.url}/api/exports/${id}/download`, { headers: { authorization: `Bearer ${team.full.token}` } })),
    );
    const refused = flood.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    const bodies = await Promise.all(flood.map((r) => r.text()));
    expect(JSON.parse(bodies[flood.indexOf(refused[0])])).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded' });
    await waitFor(
      async () => ((await logsOf(server, team.full.id)).filter((l) => l.endpoint.endsWith('/download')).length >= 6 ? true : undefined),
      5000,
      'the download logs',
    );
    await server.app.services.usageRecorder.flush();
    const logs = (await logsOf(server, team.full.id)).filter((l) => l.endpoint === `/exports/${id}/download`);
    expect(logs.map((l) => l.status_code).sort()).toEqual([200, ...flood.map((r) => r.status)].sort());
    // Logged like every REST path, without `/api`: the Logs page's `/exports` filter finds them.
    const found = await team.admin.gql(`{ usageLogs(filter: { endpoint: "/exports" }, first: 50) { edges { node { endpoint } } } }`);
    expect(found.errors).toBeUndefined();
    const endpoints = (found.data!.usageLogs as { edges: { node: { endpoint: string } }[] }).edges.map((e) => e.node.endpoint);
    expect(endpoints).toEqual(Array(6).fill(`/exports/${id}/download`));
    const [{ request_count }] = await sql<{ request_count: number }>(server.databaseUrl, 'select request_count from api_key where id = $1', [team.full.id]);
    expect(Number(request_count)).toBe(6);
  });

  it('one cut short after its first bytes (never ended) is logged too, as not downloaded', async () => {
    const key = await createKey(team.admin, { name: 'Cut short', permission: 'FULL_ACCESS' });
    const id = await readyExport();
    // Its stored file shorter than its size: the server sends what it has, then cuts the response off.
    await sql(server.databaseUrl, 'update export set file_size = file_size + 100 where id = $1', [id]);
    await new Promise((r) => setTimeout(r, 1100)); // the team's 1 request a second, spent by the test before
    const res = await fetch(`${server.url}/api/exports/${id}/download`, { headers: { authorization: `Bearer ${key.token}` } });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    const logs = await waitFor(
      async () => {
        await server.app.services.usageRecorder.flush();
        const rows = await logsOf(server, key.id);
        return rows.length ? rows : undefined;
      },
      5000,
      'the download log',
    );
    expect(logs).toEqual([{ endpoint: `/exports/${id}/download`, method: 'GET', status_code: 200, response_body: { downloaded: false } }]);
    const [{ request_count }] = await sql<{ request_count: number }>(server.databaseUrl, 'select request_count from api_key where id = $1', [key.id]);
    expect(Number(request_count)).toBe(1);
  });
});

describe('the WebSocket', () => {
  let server: TestServer;
  let team: Team;
  const wsUrl = () => `${server.url.replace('http', 'ws')}/graphql`;
  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
    team = await setUpTeam(server, 'Sockets');
  });
  afterAll(() => server?.stop());

  /** Opens a raw graphql-transport-ws socket and says how connection_init went: 'ack' or the close code. */
  function init(opts: { headers?: Record<string, string>; payload?: Record<string, unknown> } = {}): Promise<{ outcome: 'ack' | number; socket: WebSocket }> {
    const socket = new WebSocket(wsUrl(), 'graphql-transport-ws', { headers: opts.headers });
    return new Promise((resolve, reject) => {
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: opts.payload })));
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'connection_ack') resolve({ outcome: 'ack', socket });
      });
      socket.on('close', (code) => resolve({ outcome: code, socket }));
      socket.on('error', reject);
    });
  }

  it('closes anonymous sockets and bad keys at connection_init (4403)', async () => {
    expect((await init()).outcome).toBe(4403);
    expect((await init({ payload: { authorization: `Bearer ${generateToken()}` } })).outcome).toBe(4403);
    expect((await init({ headers: { cookie: 'keyring_session=forged' } })).outcome).toBe(4403);
  });

  it('takes the session cookie only from the dashboard origin', async () => {
    const { cookie } = team.admin;
    const own = await init({ headers: { cookie: cookie!, origin: new URL(server.url).origin } });
    expect(own.outcome).toBe('ack');
    own.socket.close();
    expect((await init({ headers: { cookie: cookie!, origin: 'https://evil.example' } })).outcome).toBe(4403);
    // A key is not a cookie: no page can make a browser send it.
    const keyed = await init({ headers: { origin: 'https://tool.example' }, payload: { authorization: `Bearer ${team.full.token}` } });
    expect(keyed.outcome).toBe('ack');
    keyed.socket.close();
  });

  it(`caps sockets per key (${MAX_SOCKETS_PER_CALLER}) and subscriptions per socket (${MAX_SUBSCRIPTIONS_PER_SOCKET}), and logs each subscription of a key`, async () => {
    const key = await createKey(team.admin, { name: 'many sockets', permission: 'FULL_ACCESS' });
    const payload = { authorization: `Bearer ${key.token}` };
    const open = await Promise.all(Array.from({ length: MAX_SOCKETS_PER_CALLER }, () => init({ payload })));
    expect(open.map((o) => o.outcome)).toEqual(Array(MAX_SOCKETS_PER_CALLER).fill('ack'));
    expect((await init({ payload })).outcome).toBe(4403);
    // A closed socket frees its place once the server has seen it close: asked again until then.
    open[0].socket.close();
    const again = await waitFor(
      async () => {
        const o = await init({ payload });
        return o.outcome === 'ack' ? o : undefined;
      },
      10_000,
      'the place of the closed socket',
    );
    for (const o of [...open.slice(1), again]) o.socket.close();

    const client = createWsClient({ url: wsUrl(), webSocketImpl: WebSocket, connectionParams: payload, lazy: false });
    const { id } = (await team.admin.gql(`mutation { createExport(input: { resource: DOMAINS, filters: {} }) { id } }`)).data!.createExport as { id: string };
    const outcomes: Promise<string>[] = [];
    for (let i = 0; i <= MAX_SUBSCRIPTIONS_PER_SOCKET; i++) {
      outcomes.push(
        new Promise((resolve) => {
          client.subscribe(
            { query: `subscription Watch { exportProgress(id: "${id}") { id status } }` },
            { next: () => undefined, error: (e) => resolve(JSON.stringify(e)), complete: () => resolve('complete') },
          );
        }),
      );
    }
    // A READY export completes its subscription at once; the 11th may be refused before.
    const results = await Promise.all(outcomes);
    await client.dispose();
    expect(results.filter((r) => r === 'complete').length).toBeGreaterThanOrEqual(1);
    await server.app.services.usageRecorder.flush();
    const logged = (await logsOf(server, key.id)).filter((l) => l.method === 'WS');
    expect(logged.length).toBe(results.length - results.filter((r) => r.includes('At most')).length);
    expect(logged[0].endpoint).toBe('/graphql Watch');
  });

  it(`runs exactly ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions at once on one socket, and refuses the next`, async () => {
    const key = await createKey(team.admin, { name: 'watcher', permission: 'FULL_ACCESS' });
    const id = await insertProcessingExport(server.databaseUrl, team.teamId);
    const client = createWsClient({ url: wsUrl(), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${key.token}` }, lazy: false });
    const watch = () =>
      new Promise<string>((resolve) =>
        client.subscribe(
          { query: `subscription { exportProgress(id: "${id}") { status } }` },
          { next: () => resolve('running'), error: (e) => resolve(JSON.stringify(e)), complete: () => resolve('complete') },
        ),
      );
    try {
      // One after another, each running (its first event) before the next starts.
      for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_SOCKET; i++) expect(await watch()).toBe('running');
      expect(await watch()).toMatch(/At most 10 subscriptions/);
    } finally {
      await client.dispose();
    }
  });

  it('refuses a new subscription on an open socket once its key is deleted', async () => {
    const key = await createKey(team.admin, { name: 'soon gone', permission: 'FULL_ACCESS' });
    const client = createWsClient({ url: wsUrl(), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${key.token}` }, lazy: false });
    const subscribe = () =>
      new Promise<string>((resolve) =>
        client.subscribe(
          { query: `subscription { exportProgress(id: "00000000-0000-4000-8000-000000000000") { id } }` },
          { next: () => undefined, error: (e) => resolve(JSON.stringify(e)), complete: () => resolve('complete') },
        ),
      );
    expect(await subscribe()).toMatch(/not found/i);
    expect((await team.admin.gql(`mutation($id: ID!) { deleteApiKey(id: $id) }`, { id: key.id })).errors).toBeUndefined();
    expect(await subscribe()).toMatch(/Invalid API key|API key is invalid/);
    await client.dispose();
  });
});

describe('a key revoked while a verification of it is in flight', () => {
  let first: TestServer;
  let second: { app: App; orm: MikroORM; url: string };
  beforeAll(async () => {
    first = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: first.databaseUrl,
      CLIENT_DIST: '/nonexistent',
      RATE_LIMIT_PER_SECOND: '0',
      WORKERS: 'false',
    });
    const orm = await initOrm(first.databaseUrl, createLogger('silent'));
    await migrate(orm);
    const app = await createApp({ config, orm, logger: createLogger('silent') });
    second = { app, orm, url: await app.listen(0, '127.0.0.1') };
  });
  afterAll(async () => {
    await second?.app.close();
    await second?.orm.close();
    await first?.stop();
  });

  const heardOnB = <T>(keyId: string, change: () => Promise<T>) => revokedEverywhere([second.app], keyId, change);
  const onB = (token: string) => fetch(`${second.url}/api/domains`, { headers: { authorization: `Bearer ${token}` } });
  const roll = (admin: TestClient, id: string) =>
    admin.gql(`mutation($id: ID!) { rollApiKey(id: $id, input: { gracePeriodSeconds: 0 }) { token } }`, { id }).then((r) => {
      expect(r.errors).toBeUndefined();
      return r.data!.rollApiKey.token as string;
    });
  const rename = (admin: TestClient, id: string, name: string) =>
    admin.gql(`mutation($id: ID!, $name: String!) { updateApiKey(id: $id, input: { name: $name }) { id } }`, { id, name }).then((r) => {
      expect(r.errors).toBeUndefined();
    });

  // Orchestrated by events, never by time: B's lookup is held after its read until B has been told.
  it('is refused by every instance: the revocation wins over the lookup that started before it', async () => {
    const admin = (await signUpAdmin(first, 'Race')).client;
    for (let round = 0; round < 5; round++) {
      const key = await createKey(admin, { name: `race ${round}`, permission: 'FULL_ACCESS' });
      const reads: (VerifiedKey | null)[] = [];
      let rolled = '';
      // B starts verifying the token; its lookup reads the key, still valid, and while it is in
      // flight A rolls the key with no grace period.
      const restore = duringLookups(second.app, async (read) => {
        reads.push(read);
        if (reads.length === 1) rolled = await heardOnB(key.id, () => roll(admin, key.id));
      });
      try {
        expect((await onB(key.token)).status).toBe(403);
      } finally {
        restore();
      }
      expect(reads[0]).toMatchObject({ apiKeyId: key.id, validUntil: null });
      for (let i = 0; i < 3; i++) expect((await onB(key.token)).status).toBe(403);
      expect((await onB(rolled)).status).toBe(200);
    }
  });

  it('is refused when its key keeps changing under every read, the last change a revocation: never answered from a read older than it', async () => {
    const admin = (await signUpAdmin(first, 'Storm')).client;
    const key = await createKey(admin, { name: 'storm', permission: 'FULL_ACCESS' });
    const reads: (VerifiedKey | null)[] = [];
    let rolled = '';
    // Renamed while each of its first three reads is in flight (each one is done again), rolled
    // while the fourth is: every read found the key valid.
    const restore = duringLookups(second.app, async (read) => {
      reads.push(read);
      if (reads.length <= 3) await heardOnB(key.id, () => rename(admin, key.id, `storm ${reads.length}`));
      else if (reads.length === 4) rolled = await heardOnB(key.id, () => roll(admin, key.id));
    });
    try {
      expect((await onB(key.token)).status).toBe(403);
    } finally {
      restore();
    }
    expect(reads.map((r) => r?.apiKeyId)).toEqual(Array(4).fill(key.id));
    expect((await onB(key.token)).status).toBe(403);
    expect((await onB(rolled)).status).toBe(200);
  });

  it("is neither refused nor read again for other keys' revocations during its lookup", async () => {
    const admin = (await signUpAdmin(first, 'Others')).client;
    const key = await createKey(admin, { name: 'steady', permission: 'FULL_ACCESS' });
    const others: Awaited<ReturnType<typeof createKey>>[] = [];
    for (let i = 0; i < 4; i++) others.push(await createKey(admin, { name: `other ${i}`, permission: 'FULL_ACCESS' }));
    const reads: (VerifiedKey | null)[] = [];
    // Other keys are rolled while each read of this one is in flight.
    const restore = duringLookups(second.app, async (read) => {
      reads.push(read);
      const other = others[reads.length - 1];
      if (other) await heardOnB(other.id, () => roll(admin, other.id));
    });
    try {
      expect((await onB(key.token)).status).toBe(200);
    } finally {
      restore();
    }
    expect(reads.map((r) => r?.apiKeyId)).toEqual([key.id]);
    expect((await onB(others[0].token)).status).toBe(403);
  });

  it('is done again when the instance lost its LISTEN connection during it: a revocation it missed still wins', async () => {
    const admin = (await signUpAdmin(first, 'Deaf')).client;
    const key = await createKey(admin, { name: 'missed', permission: 'FULL_ACCESS' });
    const notifier = second.app.services.notifier;
    const reads: (VerifiedKey | null)[] = [];
    let rolled = '';
    // While B's read is in flight, B's LISTEN connection is cut (B knows once its reset hooks have
    // run), then A rolls the key: B cannot be told.
    const restore = duringLookups(second.app, async (read) => {
      reads.push(read);
      if (reads.length > 1) return;
      const lost = new Promise<void>((resolve) => notifier.onReset(resolve));
      const pid = (notifier as unknown as { client: { processID: number } }).client.processID;
      await sql(first.databaseUrl, 'select pg_terminate_backend($1)', [pid]);
      await lost;
      rolled = await roll(admin, key.id);
    });
    try {
      expect((await onB(key.token)).status).toBe(403);
    } finally {
      restore();
    }
    expect(reads[0]).toMatchObject({ apiKeyId: key.id });
    await waitFor(() => (notifier.listening ? true : undefined), 20_000, 'LISTEN again');
    expect((await onB(rolled)).status).toBe(200);
  });
});
