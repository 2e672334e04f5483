import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { insertProcessingExport, signUpAdmin, startTestServer, type TestServer, waitFor } from './harness.js';
import { stillFollowed } from './followed.js';

/*
 * Defects found by a second hostile review of the GraphQL API (POST /graphql and the graphql-ws
 * subscriptions at the same path), each pinned with the request that showed it.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

type Message = { id?: string; type: string; payload?: unknown };

/** A raw graphql-ws socket signed in with a session cookie, acknowledged. */
async function socket(cookie: string) {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: { cookie } });
  const messages: Message[] = [];
  ws.on('message', (m) => messages.push(JSON.parse(String(m)) as Message));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  await waitFor(() => (messages.some((m) => m.type === 'connection_ack') ? true : undefined), 5_000, 'connection_ack');
  return {
    ws,
    messages,
    send: (m: Message) => ws.send(JSON.stringify(m)),
    /** The first message of subscription `id`. */
    answer: (id: string) => waitFor(() => messages.find((m) => m.id === id), 5_000, `an answer to ${id}`),
  };
}

describe('a subscription sent over HTTP', () => {
  it('is refused as a 400 GRAPHQL_VALIDATION_FAILED that says where subscriptions go (it ran as a query and failed INTERNAL_SERVER_ERROR)', async () => {
    const { client, user } = await signUpAdmin(server);
    const id = await insertProcessingExport(server.databaseUrl, user.team.id);
    const res = await client.gql(`subscription($id: ID!) { exportProgress(id: $id) { id status } }`, { id });
    expect(res.status).toBe(400);
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors![0].message).toMatch(/WebSocket/);
  });
});

describe('WebSocket: a subscription whose operation or variables do not fit', () => {
  it.each([
    ['a variable of the wrong type', `subscription($id: ID!) { exportProgress(id: $id) { id } }`, { id: 5.5 }, undefined, 'BAD_USER_INPUT', 'id'],
    ['a required variable left out', `subscription($id: ID!) { exportProgress(id: $id) { id } }`, {}, undefined, 'BAD_USER_INPUT', 'id'],
    ['an unknown operationName', `subscription S { exportProgress(id: "x") { id } }`, undefined, 'Nope', 'OPERATION_RESOLUTION_FAILURE', undefined],
    [
      'two operations and no operationName',
      `subscription S { exportProgress(id: "x") { id } } subscription T { exportProgress(id: "y") { id } }`,
      undefined,
      undefined,
      'OPERATION_RESOLUTION_FAILURE',
      undefined,
    ],
  ])('%s is answered with a coded error, as over HTTP (it was INTERNAL_SERVER_ERROR)', async (_what, query, variables, operationName, code, field) => {
    const { client } = await signUpAdmin(server);
    const ws = await socket(client.cookie!);
    try {
      ws.send({ id: '1', type: 'subscribe', payload: { query, ...(variables ? { variables } : {}), ...(operationName ? { operationName } : {}) } });
      const answer = await ws.answer('1');
      expect(answer.type).toBe('error');
      const [error] = answer.payload as { message: string; extensions?: { code?: string; field?: string } }[];
      expect(error.extensions?.code).toBe(code);
      expect(error.extensions?.field).toBe(field);
      expect(error.message).not.toBe('Internal server error');
      // The socket stays usable.
      expect(ws.ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      ws.ws.close();
    }
  });
});

describe('exportProgress: a subscription its client ends', () => {
  it.each([
    ['with complete', 'complete'],
    ['by closing the socket', 'close'],
  ] as const)(
    '%s stops following its export at once (it stayed followed, with its context, until the export next moved: never, for one stuck)',
    async (_what, how) => {
      const { client, user } = await signUpAdmin(server);
      const id = await insertProcessingExport(server.databaseUrl, user.team.id);
      const ws = await socket(client.cookie!);
      try {
        ws.send({ id: 's', type: 'subscribe', payload: { query: `subscription($id: ID!) { exportProgress(id: $id) { id status } }`, variables: { id } } });
        const first = await ws.answer('s');
        expect(first).toMatchObject({ type: 'next', payload: { data: { exportProgress: { id, status: 'PROCESSING' } } } });
        expect(stillFollowed(id)).toBe(true);
        if (how === 'complete') ws.send({ id: 's', type: 'complete' });
        else ws.ws.close();
        await waitFor(() => (stillFollowed(id) ? undefined : true), 3_000, 'the export to be followed no more');
      } finally {
        ws.ws.close();
      }
    },
  );
});

describe('automatic persisted queries that do not fit', () => {
  it.each([
    ['a sha256Hash that is not its query’s', { version: 1, sha256Hash: 'abc' }, 'provided sha does not match query'],
    ['another version', { version: 2, sha256Hash: 'abc' }, 'Unsupported persisted query version'],
  ])('%s is a 400 BAD_REQUEST saying so (it was masked as INTERNAL_SERVER_ERROR and logged as a server fault)', async (_what, persistedQuery, message) => {
    const { client } = await signUpAdmin(server);
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: client.cookie! },
      body: JSON.stringify({ query: '{ me { id } }', extensions: { persistedQuery } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors).toEqual([{ message, extensions: { code: 'BAD_REQUEST' } }]);
  });
});
