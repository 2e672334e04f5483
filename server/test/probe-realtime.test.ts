import 'reflect-metadata';
import net, { type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_SUBSCRIPTIONS_PER_SOCKET } from '../src/graphql/websocket.js';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { insertProcessingExport, signUpAdmin, sql, startTestServer, type TestClient, type TestServer, waitFor } from './harness.js';
import { stillFollowed } from './followed.js';
import { createKey } from './rest-harness.js';

/*
 * The GraphQL endpoint and its graphql-ws subscriptions as an attacker and a flaky network use
 * them: each test is a request (or a socket) that showed a defect, pinned after its fix.
 */

let server: TestServer;
let admin: TestClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = (await signUpAdmin(server, 'Realtime')).client;
});
afterAll(() => server?.stop());

const wsUrl = () => `${server.url.replace('http', 'ws')}/graphql`;

/** A raw graphql-ws socket; `init` sends connection_init and waits for the ack. */
async function rawSocket(headers: Record<string, string> = {}) {
  const ws = new WebSocket(wsUrl(), 'graphql-transport-ws', { headers });
  const messages: { id?: string; type: string; payload?: unknown }[] = [];
  let closed: number | null = null;
  ws.on('message', (m) => messages.push(JSON.parse(String(m))));
  ws.on('close', (code) => {
    closed = code;
  });
  ws.on('error', () => undefined);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ws,
    messages,
    closed: () => closed,
    send: (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
    async init(payload?: Record<string, unknown>) {
      ws.send(JSON.stringify({ type: 'connection_init', ...(payload ? { payload } : {}) }));
      await waitFor(() => (messages.some((m) => m.type === 'connection_ack') ? true : undefined), 5_000, 'connection_ack');
    },
  };
}

describe('WebSocket: a client that sends and never reads', () => {
  it.each([
    ['signed in', true],
    ['before connection_init (anyone)', false],
  ])('%s: is cut off once what waits unread for it passes a few MB (every 1 MB ping was echoed into memory: 40 of them held 36 MB)', async (_who, signedIn) => {
    const sockets = () => server.app.services.metrics.websockets.count();
    const before = sockets();
    const socket = await rawSocket(signedIn ? { cookie: admin.cookie! } : {});
    if (signedIn) await socket.init();
    // The client stops reading; the server's pongs pile up on its side.
    const tcp = (socket.ws as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const payload = { padding: 'x'.repeat(900_000) };
    const PINGS = 40;
    for (let i = 0; i < PINGS; i++) socket.send({ type: 'ping', payload });
    // The server lets the socket go (the keep-alive would only after 12 to 24 s, the init timeout never).
    await waitFor(() => (sockets() <= before ? true : undefined), 10_000, 'the server to drop the socket');
    tcp.resume();
    await waitFor(() => socket.closed() ?? undefined, 10_000, 'the close');
    expect(socket.messages.filter((m) => m.type === 'pong').length).toBeLessThan(PINGS / 2);
    // Everyone else is still served.
    expect((await admin.gql('{ me { id } }')).data?.me).toBeTruthy();
  });
});

describe('WebSocket: a server fault while letting a subscription in', () => {
  const SUBSCRIBE = { id: '1', type: 'subscribe', payload: { query: 'subscription { exportProgress(id: "00000000-0000-0000-0000-000000000000") { id } }' } };

  it('is INTERNAL_SERVER_ERROR, masked and logged, as over HTTP (it was UNAUTHENTICATED carrying the failed SQL statement)', async () => {
    const { client } = await signUpAdmin(server, 'Fault');
    const socket = await rawSocket({ cookie: client.cookie! });
    await socket.init();
    const logged = vi.spyOn(server.app.services.logger, 'error');
    // A database that misbehaves: the table behind sessions disappears for a moment.
    await sql(server.databaseUrl, 'alter table session rename to session_moved_away');
    try {
      socket.send(SUBSCRIBE);
      const answer = await waitFor(() => socket.messages.find((m) => m.id === '1'), 5_000, 'an answer');
      expect(answer).toEqual({ id: '1', type: 'error', payload: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      expect(JSON.stringify(answer)).not.toMatch(/relation|select|session_moved_away|stack/i);
      expect(logged).toHaveBeenCalled();
      // A socket opened meanwhile is closed as a fault (4500), logged, not refused as Forbidden (4403) in silence.
      logged.mockClear();
      const late = await rawSocket({ cookie: client.cookie! });
      late.send({ type: 'connection_init' });
      await waitFor(() => late.closed() ?? undefined, 5_000, 'the socket to close');
      expect(late.closed()).toBe(4500);
      expect(logged).toHaveBeenCalled();
    } finally {
      logged.mockRestore();
      await sql(server.databaseUrl, 'alter table session_moved_away rename to session');
      socket.ws.close();
    }
    // The socket's caller is let in again once the database behaves.
    const again = await rawSocket({ cookie: client.cookie! });
    await again.init();
    again.ws.close();
  });
});

describe('GET /graphql: variables in the query string', () => {
  const get = async (query: string, variables: string) => {
    const res = await fetch(`${server.url}/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(variables)}`, {
      headers: { cookie: admin.cookie!, 'apollo-require-preflight': '1' },
    });
    return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
  };
  const SEARCH = 'query($s: String) { apiKeys(filter: { search: $s }) { id } }';

  it.each([
    ['a NUL', '{"s":"a\\u0000b"}', /NUL character/, 's'],
    ['a lone surrogate', '{"s":"a\\ud800b"}', /lone UTF-16 surrogate/, 's'],
    ['nesting past 64 levels', `{"s":"x","deep":${'['.repeat(100)}${']'.repeat(100)}}`, /nest at most 64 levels deep/, expect.stringMatching(/^deep\[0\]/)],
  ])(
    'with %s are refused at the edge as over POST (a NUL reached PostgreSQL and was answered SERVICE_UNAVAILABLE: "its database cannot be reached")',
    async (_what, variables, message, field) => {
      const res = await get(SEARCH, variables);
      expect(res.status).toBe(400);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors![0].message).toMatch(message);
      expect(res.body.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors![0].extensions?.field).toEqual(field);
    },
  );

  it('that are fine still run, and variables that are not JSON are still Apollo’s 400', async () => {
    expect(await get(SEARCH, '{"s":"a"}')).toEqual({ status: 200, body: { data: { apiKeys: [] } } });
    const broken = await get(SEARCH, '{"s":');
    expect(broken.status).toBe(400);
    expect(broken.body.errors![0].extensions?.code).toBe('BAD_REQUEST');
  });
});

describe('exportProgress: what wakes a subscription', () => {
  /** A watcher following a PROCESSING export of its own team, with its session or a key; `rows` is every processedRows it is told. */
  async function watch(opts: { cookie?: string; token?: string; teamId: string }) {
    const id = await insertProcessingExport(server.databaseUrl, opts.teamId);
    const ws = createWsClient({
      url: wsUrl(),
      connectionParams: opts.token ? { authorization: `Bearer ${opts.token}` } : undefined,
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: opts.cookie ? { cookie: opts.cookie } : {} });
        }
      },
    });
    const rows: number[] = [];
    ws.subscribe(
      { query: 'subscription($id: ID!) { exportProgress(id: $id) { processedRows } }', variables: { id } },
      { next: (m) => rows.push((m.data!.exportProgress as { processedRows: number }).processedRows), error: () => undefined, complete: () => undefined },
    );
    await waitFor(() => (rows.length ? true : undefined), 5_000, 'the first event');
    /** Moves the export to `n` rows, tells the subscribers, and waits until this watcher has been told. */
    const progress = async (n: number) => {
      await sql(server.databaseUrl, 'update export set processed_rows = $2 where id = $1', [id, n]);
      await sql(server.databaseUrl, `select pg_notify('export_progress', $1)`, [id]);
      await waitFor(() => (rows.includes(n) ? true : undefined), 5_000, `the event of ${n} rows`);
    };
    return { rows, progress, dispose: () => ws.dispose() };
  }

  it("another team's key changes are not events: they were sent to every watcher of every team as a repeat of its last progress", async () => {
    const mine = await signUpAdmin(server, 'Watchers');
    const watcher = await watch({ cookie: mine.client.cookie!, teamId: mine.user.team.id });
    try {
      const other = (await signUpAdmin(server, 'Key editors')).client;
      const key = await createKey(other, { name: 'Renamed', permission: 'FULL_ACCESS' });
      for (let i = 0; i < 3; i++) {
        const res = await other.gql('mutation($id: ID!, $i: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $i) { id } }', {
          id: key.id,
          i: { name: `Renamed ${i}` },
        });
        expect(res.errors).toBeUndefined();
      }
      await watcher.progress(10);
      expect(watcher.rows).toEqual([0, 10]);
    } finally {
      await watcher.dispose();
    }
  });

  it('its own key renamed wakes it to check the key again, but tells nothing new: no repeated event', async () => {
    const mine = await signUpAdmin(server, 'Key watcher');
    const key = await createKey(mine.client, { name: 'Watching', permission: 'FULL_ACCESS' });
    const watcher = await watch({ token: key.token, teamId: mine.user.team.id });
    try {
      const res = await mine.client.gql('mutation($id: ID!, $i: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $i) { id } }', {
        id: key.id,
        i: { name: 'Watching still' },
      });
      expect(res.errors).toBeUndefined();
      await watcher.progress(10);
      expect(watcher.rows).toEqual([0, 10]);
    } finally {
      await watcher.dispose();
    }
  });
});

describe('WebSocket in production', () => {
  let prod: TestServer;
  beforeAll(async () => {
    prod = await startTestServer({ NODE_ENV: 'production' });
  });
  afterAll(() => prod?.stop());

  it('blocks field suggestions as HTTP does (a misspelt field over the socket was answered "Did you mean …")', async () => {
    const { client } = await signUpAdmin(prod, 'Prod sockets');
    const ws = new WebSocket(`${prod.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: { cookie: client.cookie! } });
    const messages: { id?: string; type: string; payload?: unknown }[] = [];
    ws.on('message', (m) => messages.push(JSON.parse(String(m))));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    try {
      ws.send(JSON.stringify({ type: 'connection_init' }));
      await waitFor(() => (messages.some((m) => m.type === 'connection_ack') ? true : undefined), 5_000, 'connection_ack');
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { exportProgress(id: "x") { statu createdBy { emai } } }' } }));
      const answer = await waitFor(() => messages.find((m) => m.id === '1'), 5_000, 'an answer');
      expect(answer.type).toBe('error');
      const errors = answer.payload as { message: string; extensions?: { code?: string } }[];
      expect(errors.map((e) => e.message)).toEqual([
        expect.stringMatching(/^Cannot query field "statu" on type "Export"/),
        expect.stringMatching(/^Cannot query field "emai" on type "User"/),
      ]);
      expect(errors.every((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')).toBe(true);
      expect(JSON.stringify(errors)).not.toMatch(/Did you mean|"status"|"email"/);
    } finally {
      ws.close();
    }
  });
});

describe('WebSocket: one subscription id subscribed, completed and subscribed again before it is set up', () => {
  it(`runs no more than ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions, and none once the socket is closed (each reuse left one running that nothing could end)`, async () => {
    const { client, user } = await signUpAdmin(server, 'Reused ids');
    const exportId = await insertProcessingExport(server.databaseUrl, user.team.id);
    const socket = await rawSocket({ cookie: client.cookie! });
    await socket.init();
    const subscribe = JSON.stringify({
      id: 'x',
      type: 'subscribe',
      payload: { query: 'subscription($id: ID!) { exportProgress(id: $id) { id processedRows } }', variables: { id: exportId } },
    });
    const complete = JSON.stringify({ id: 'x', type: 'complete' });
    // One burst: every subscribe is still being let in (the gate reads the database) when the next arrives.
    for (let i = 0; i < 15; i++) {
      socket.send(subscribe);
      if (i < 14) socket.send(complete);
    }
    await waitFor(() => (socket.messages.filter((m) => m.id === 'x').length >= 15 ? true : undefined), 5_000, 'an answer to every subscribe').catch(
      () => undefined,
    );
    const running = socket.messages.filter((m) => m.id === 'x' && m.type === 'next').length;
    expect(running).toBeLessThanOrEqual(MAX_SUBSCRIPTIONS_PER_SOCKET);
    // What was refused or ended frees its place: a new subscription on the same socket runs.
    socket.send({ id: 'y', type: 'subscribe', payload: { query: 'subscription($id: ID!) { exportProgress(id: $id) { id } }', variables: { id: exportId } } });
    expect(await waitFor(() => socket.messages.find((m) => m.id === 'y'), 5_000, 'an answer to y')).toMatchObject({ type: 'next' });
    expect(stillFollowed(exportId)).toBe(true);
    socket.ws.close();
    await waitFor(() => (stillFollowed(exportId) ? undefined : true), 5_000, 'the export to be followed no more').catch(() => undefined);
    expect(stillFollowed(exportId)).toBe(false);
  });
});

describe('WebSocket: a frame the protocol refuses', () => {
  /** A raw TCP connection upgraded to a graphql-ws socket, then sent `frame`; the close code the server answers with. */
  async function sendFrame(frame: Buffer): Promise<number> {
    const { port } = new URL(server.url);
    const tcp = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => tcp.once('connect', resolve));
    let data = Buffer.alloc(0);
    tcp.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
    });
    tcp.write(
      'GET /graphql HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n',
    );
    await waitFor(() => (data.includes('\r\n\r\n') ? true : undefined), 5_000, 'the upgrade');
    tcp.write(frame);
    // The close frame: 0x88, its length, then the code.
    const close = await waitFor(
      () => {
        const at = data.indexOf(Buffer.from([0x88]), data.indexOf('\r\n\r\n') + 4);
        return at >= 0 && data.length >= at + 4 ? data.readUInt16BE(at + 2) : undefined;
      },
      5_000,
      'the close frame',
    );
    tcp.destroy();
    return close;
  }

  it.each([
    ['text that is not UTF-8', Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]), 1007],
    ['an unmasked frame', Buffer.from([0x81, 0x02, 0x68, 0x69]), 1002],
    ['reserved bits set', Buffer.from([0xf1, 0x80, 0, 0, 0, 0]), 1002],
  ])('%s is closed with its protocol code, not written to stderr as an internal error with a stack trace', async (_what, frame, code) => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await sendFrame(frame)).toBe(code);
      await new Promise((r) => setTimeout(r, 100));
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
    }
  });
});
