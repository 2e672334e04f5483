import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateToken } from '../src/modules/api-key/token.js';
import { type InProcessServer, setUpTeam, startInProcess, type Team } from './faults-harness.js';
import { createTestDatabase, insertProcessingExport, sql, waitFor } from './harness.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

// While PostgreSQL cannot be reached, a socket whose session or key cannot be looked up is closed
// 1013 (try again later), which graphql-ws clients retry, not 4403 (forbidden): the dashboard
// reconnects by itself once the database is back. Refusals that need no database stay 4403.
let proxy: TcpProxy;
let databaseUrl: string;
let server: InProcessServer;
let team: Team;
const wsUrl = () => `${server.url.replace('http', 'ws')}/graphql`;

/** Opens a raw graphql-transport-ws socket: 'ack' or the close code of connection_init. */
function init(opts: { headers?: Record<string, string>; payload?: Record<string, unknown> } = {}): Promise<'ack' | number> {
  const socket = new WebSocket(wsUrl(), 'graphql-transport-ws', { headers: opts.headers });
  return new Promise((resolve, reject) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: opts.payload })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') {
        socket.close();
        resolve('ack');
      }
    });
    socket.on('close', (code) => resolve(code));
    socket.on('error', reject);
  });
}

const cut = async () => {
  proxy.setMode('drop');
  await waitFor(() => (server.app.services.database.up ? undefined : true), 10_000, 'the outage to be noticed');
};
const restore = async () => {
  proxy.setMode('pass');
  await waitFor(() => (server.app.services.database.up ? true : undefined), 10_000, 'the database to be back');
};

beforeAll(async () => {
  databaseUrl = await createTestDatabase('faults_ws');
  proxy = await startTcpProxy(Number(new URL(databaseUrl).port));
  server = await startInProcess(proxy.urlFor(databaseUrl));
  team = await setUpTeam(server.url, 'ws.faults.example.com');
});
afterAll(async () => {
  await server?.stop().catch(() => undefined);
  await proxy?.close();
});

describe('faults: a WebSocket opened while PostgreSQL is unreachable', () => {
  it('is closed 1013 (try again later) when its session or key cannot be looked up; real refusals stay 4403', async () => {
    // Up: the session is let in, a forged one refused.
    expect(await init({ headers: { cookie: team.cookie } })).toBe('ack');
    expect(await init({ headers: { cookie: 'keyring_session=forged' } })).toBe(4403);
    await cut();
    try {
      expect(await init({ headers: { cookie: team.cookie } })).toBe(1013);
      // A token no instance has verified cannot be checked either.
      expect(await init({ payload: { authorization: `Bearer ${generateToken()}` } })).toBe(1013);
      // Refused without the database: no credentials, a malformed token, a page on another origin.
      expect(await init()).toBe(4403);
      expect(await init({ payload: { authorization: 'Bearer not-a-key' } })).toBe(4403);
      expect(await init({ headers: { cookie: team.cookie, origin: 'https://evil.example' } })).toBe(4403);
    } finally {
      await restore();
    }
    expect(await init({ headers: { cookie: team.cookie } })).toBe('ack');
  });

  it('is retried by a graphql-ws client, whose subscription is answered once the database is back', async () => {
    await cut();
    const closes: number[] = [];
    const client = createWsClient({
      url: wsUrl(),
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols: string | string[]) {
          super(url, protocols, { headers: { cookie: team.cookie } });
        }
      },
      retryAttempts: 1000,
      retryWait: () => new Promise((r) => setTimeout(r, 100)),
      on: { closed: (e) => closes.push((e as { code: number }).code) },
    });
    try {
      const answer = new Promise<string>((resolve) =>
        client.subscribe(
          { query: `subscription { exportProgress(id: "00000000-0000-4000-8000-000000000000") { id } }` },
          { next: () => undefined, error: (e) => resolve(JSON.stringify(e)), complete: () => resolve('complete') },
        ),
      );
      await waitFor(() => (closes.length >= 2 ? true : undefined), 10_000, 'the client to have been turned away twice');
      expect(new Set(closes)).toEqual(new Set([1013]));
      await restore();
      // Let in at last: the subscription runs (the export does not exist: NOT_FOUND, not a closed socket).
      expect(await answer).toMatch(/NOT_FOUND|not found/);
    } finally {
      await client.dispose();
      if (!server.app.services.database.up) await restore();
    }
  });
});

describe('faults: a subscription while its instance could not hear PostgreSQL', () => {
  it('is told that its export became READY meanwhile (on another instance), once LISTEN is back', async () => {
    const id = await insertProcessingExport(databaseUrl, team.teamId, 10);
    const client = createWsClient({ url: wsUrl(), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${team.token}` } });
    const events: { status: string; processedRows: number }[] = [];
    let completed = false;
    client.subscribe(
      { query: 'subscription($id: ID!) { exportProgress(id: $id) { status processedRows } }', variables: { id } },
      { next: (m) => events.push(m.data!.exportProgress as never), error: () => undefined, complete: () => (completed = true) },
    );
    try {
      await waitFor(() => (events.length ? true : undefined), 10_000, 'the first event');
      await cut();
      // Another instance finishes the export and notifies: this one, cut off, hears nothing.
      await sql(databaseUrl, `update export set status = 'READY', processed_rows = 42, row_count = 42, expires_at = now() + interval '7 days' where id = $1`, [
        id,
      ]);
      await sql(databaseUrl, `select pg_notify('export_progress', $1)`, [id]);
      await restore();
      await waitFor(() => (completed ? true : undefined), 10_000, 'the subscription to end READY');
      expect(events.at(-1)).toEqual({ status: 'READY', processedRows: 42 });
    } finally {
      await client.dispose();
      if (!server.app.services.database.up) await restore();
    }
  });
});
