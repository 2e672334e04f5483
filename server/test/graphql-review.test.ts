import 'reflect-metadata';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { insertProcessingExport, PASSWORD, signUpAdmin, sql, startTestServer, type TestClient, type TestServer, uniqueEmail, waitFor } from './harness.js';

/*
 * Defects found by attacking a running server over GraphQL (POST /graphql and the graphql-ws
 * subscriptions), each pinned here with the request that showed it.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const exportsOf = async (teamId: string) => (await sql<{ id: string }>(server.databaseUrl, 'select id from export where team_id = $1', [teamId])).length;

describe('createExport: a JSON filter written in the query text', () => {
  it.each([
    ['an enum value where a string belongs', '{ emailStatus: SENT }', 'filters.emailStatus', 'SENT'],
    ['an unquoted word', '{ status: sent }', 'filters.status', 'sent'],
    ['an unquoted word in a list', '{ status: [sent] }', 'filters.status.0', 'sent'],
  ])('holding %s is refused naming the field, and no export is written (it was read as no filter: every email)', async (_label, literal, field, word) => {
    const { client, user } = await signUpAdmin(server);
    for (const op of [
      `mutation { createExport(input: { resource: EMAILS, filters: ${literal} }) { id filters } }`,
      `query { exportEstimate(input: { resource: EMAILS, filters: ${literal} }) { rowCount } }`,
    ]) {
      const res = await client.gql(op);
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
      expect(res.errors?.[0].message).toContain(`write it as a string ("${word}")`);
    }
    expect(await exportsOf(user.team.id)).toBe(0);
    expect(await sql(server.databaseUrl, `select 1 from audit_event where team_id = $1 and action = 'export.created'`, [user.team.id])).toEqual([]);
  });

  it('the same filter quoted, or given through a variable, still works', async () => {
    const { client, user } = await signUpAdmin(server);
    const quoted = await client.gql(`mutation { createExport(input: { resource: EMAILS, filters: { emailStatus: "SENT" } }) { filters } }`);
    expect(quoted.errors).toBeUndefined();
    expect(quoted.data?.createExport.filters).toEqual({ emailStatus: 'sent' });
    const variable = await client.gql(`mutation($f: JSON) { createExport(input: { resource: EMAILS, filters: $f }) { filters } }`, {
      f: { emailStatus: 'SENT' },
    });
    expect(variable.errors).toBeUndefined();
    expect(variable.data?.createExport.filters).toEqual({ emailStatus: 'sent' });
    expect(await exportsOf(user.team.id)).toBe(2);
  });
});

/** A second admin of the admin's team, signed in: its client and its membership id. */
async function secondAdmin(admin: TestClient): Promise<{ client: TestClient; memberId: string }> {
  const email = uniqueEmail('second-admin');
  const invite = await admin.gql(`mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }`, { i: { email, role: 'ADMIN' } });
  const client = server.client();
  const joined = await client.gql(`mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { id } }`, {
    i: { token: invite.data!.inviteMember.token, password: PASSWORD },
  });
  expect(joined.errors).toBeUndefined();
  const members = await admin.gql(`{ team { members { id user { email } } } }`);
  const memberId = members.data!.team.members.find((m: { user: { email: string } }) => m.user.email === email).id as string;
  return { client, memberId };
}

describe('exportProgress: the caller is read again at every event', () => {
  it('an admin demoted to member while following an export gets no downloadUrl or streamUrl in the later events (they kept the role of the moment they subscribed)', async () => {
    const { client: admin, user } = await signUpAdmin(server);
    const second = await secondAdmin(admin);
    const id = await insertProcessingExport(server.databaseUrl, user.team.id);
    const ws = createWsClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { cookie: second.client.cookie! } });
        }
      },
    });
    type Event = { status: string; processedRows: number; downloadUrl: string | null; streamUrl: string | null };
    const events: Event[] = [];
    const done = new Promise<void>((resolve, reject) => {
      ws.subscribe(
        { query: `subscription($id: ID!) { exportProgress(id: $id) { status processedRows downloadUrl streamUrl } }`, variables: { id } },
        { next: (m) => events.push(m.data!.exportProgress as Event), error: reject, complete: resolve },
      );
    });
    try {
      // An admin: the first event (the current state) carries the stream link.
      await waitFor(() => (events.length ? true : undefined), 10_000, 'the first event');
      expect(events[0].streamUrl).toMatch(/\/api\/exports\/.+\/download$/);
      const demoted = await admin.gql(`mutation($id: ID!) { updateMemberRole(id: $id, role: MEMBER) { role } }`, { id: second.memberId });
      expect(demoted.data?.updateMemberRole.role).toBe('MEMBER');
      // Progress, then READY, from the export's writer (another instance, say).
      await sql(server.databaseUrl, `update export set processed_rows = 5 where id = $1`, [id]);
      await sql(server.databaseUrl, `select pg_notify('export_progress', $1)`, [id]);
      await waitFor(() => (events.length >= 2 ? true : undefined), 10_000, 'the progress event');
      await sql(
        server.databaseUrl,
        `update export set status = 'READY', row_count = 5, processed_rows = 5, completed_at = now(), expires_at = now() + interval '7 days' where id = $1`,
        [id],
      );
      await sql(server.databaseUrl, `select pg_notify('export_progress', $1)`, [id]);
      await done;
    } finally {
      await ws.dispose();
    }
    expect(events.at(-1)).toMatchObject({ status: 'READY', downloadUrl: null, streamUrl: null });
    for (const e of events.slice(1)) expect(e).toMatchObject({ downloadUrl: null, streamUrl: null });
    // What a member sees over HTTP too.
    const over = await second.client.gql(`query($id: ID!) { export(id: $id) { status downloadUrl streamUrl } }`, { id });
    expect(over.data?.export).toEqual({ status: 'READY', downloadUrl: null, streamUrl: null });
  });
});

describe('apiKeys(filter: { search })', () => {
  it('a search over 100 characters is refused naming it, as on every other list (it ran an ILIKE of any length: 100,000 characters were taken)', async () => {
    const { client } = await signUpAdmin(server);
    const long = 'k'.repeat(101);
    const list = await client.gql(`query($s: String) { apiKeys(filter: { search: $s }) { id } }`, { s: long });
    expect(list.data ?? null).toBeNull();
    expect(list.errors?.[0]).toMatchObject({ message: 'Search must be at most 100 characters.', extensions: { code: 'BAD_USER_INPUT', field: 'search' } });
    // The same builder behind the API keys export.
    const exp = await client.gql(`mutation($s: String) { createExport(input: { resource: API_KEYS, apiKeys: { search: $s } }) { id } }`, { s: long });
    expect(exp.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'filters.search' } });
    // At the limit, it still searches.
    const ok = await client.gql(`query($s: String) { apiKeys(filter: { search: $s }) { id } }`, { s: 'k'.repeat(100) });
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.apiKeys).toEqual([]);
  });
});

describe('WebSocket: sockets per caller', () => {
  /** A raw graphql-ws socket with the session cookie: its first answer, or its close code; `dropAfterMs` cuts it right after connection_init instead. */
  const openSocket = (cookie: string, dropAfterMs?: number) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: { cookie } });
      ws.on('open', () => {
        ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
        if (dropAfterMs === undefined) return;
        setTimeout(() => {
          ws.terminate();
          resolve('dropped');
        }, dropAfterMs);
      });
      ws.on('message', (m) => {
        resolve(String(m));
        ws.close();
      });
      ws.on('close', (code) => resolve(`closed ${code}`));
    });

  it('sockets dropped while their connection_init is being checked free their place: twenty of them no longer lock the user out of subscriptions (4403 for good, on this instance)', async () => {
    const { client } = await signUpAdmin(server);
    const cookie = client.cookie!;
    expect(await openSocket(cookie)).toBe('{"type":"connection_ack"}');
    // A page reloaded, a train in a tunnel: the socket goes while the session is being looked up.
    for (let i = 0; i < 20; i++) await openSocket(cookie, i % 4);
    // Whatever the last ones were doing, they are gone once the server has seen them close.
    await new Promise((r) => setTimeout(r, 200));
    expect(await openSocket(cookie)).toBe('{"type":"connection_ack"}');
  });
});

describe('a variable graphql-js refuses', () => {
  it.each([
    ['an enum value that does not exist', { i: { name: 'k', permission: 'ROOT' } }, 'i.permission'],
    ['an input field the type does not have', { i: { name: 'k', permission: 'FULL_ACCESS', teamId: 'x' } }, 'i.teamId'],
    ['a required input field left out', { i: { permission: 'FULL_ACCESS' } }, 'i.name'],
    ['the variable itself left out', {}, 'i'],
    ['a value of the wrong type', { i: { name: 5, permission: 'FULL_ACCESS' } }, 'i.name'],
    ['a date that is none', { i: { name: 'k', permission: 'FULL_ACCESS', expiresAt: '2030-02-30T00:00:00Z' } }, 'i.expiresAt'],
    ['a quote in the value that imitates the path', { i: { name: 'k', permission: 'x" at "i.name"; ' } }, 'i.permission'],
  ])('as %s is BAD_USER_INPUT naming the field (extensions.field was missing), and nothing is written', async (_label, variables, field) => {
    const { client, user } = await signUpAdmin(server);
    const res = await client.gql(`mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { token } }`, variables);
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(await sql(server.databaseUrl, 'select 1 from api_key where team_id = $1', [user.team.id])).toEqual([]);
  });

  it('in a list filter: the filter field it is about', async () => {
    const { client } = await signUpAdmin(server);
    const res = await client.gql(`query($f: UsageLogFilter, $n: Int) { usageLogs(filter: $f, first: $n) { edges { cursor } } }`, { f: { from: 'nope' } });
    expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'f.from' });
    const first = await client.gql(`query($n: Int) { usageLogs(first: $n) { edges { cursor } } }`, { n: 'ten' });
    expect(first.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'n' });
  });
});
