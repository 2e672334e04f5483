import 'reflect-metadata';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signUpAdmin, startTestServer, type TestClient, type TestServer, waitFor } from './harness.js';

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
    const socket = await rawSocket(signedIn ? { cookie: admin.cookie! } : {});
    if (signedIn) await socket.init();
    // The client stops reading; the server's pongs pile up on its side.
    const tcp = (socket.ws as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const payload = { padding: 'x'.repeat(900_000) };
    const PINGS = 40;
    for (let i = 0; i < PINGS; i++) socket.send({ type: 'ping', payload });
    // Every ping has reached the server and been answered (or refused) by now.
    await new Promise((r) => setTimeout(r, 2_000));
    tcp.resume();
    await waitFor(
      () => (socket.closed() !== null || socket.messages.filter((m) => m.type === 'pong').length === PINGS ? true : undefined),
      10_000,
      'the pongs or the close',
    );
    const pongs = socket.messages.filter((m) => m.type === 'pong').length;
    expect(socket.closed()).not.toBeNull();
    expect(pongs).toBeLessThan(PINGS / 2);
    // Everyone else is still served.
    expect((await admin.gql('{ me { id } }')).data?.me).toBeTruthy();
  });
});
