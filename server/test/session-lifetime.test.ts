import 'reflect-metadata';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { purgeExpiredSessions } from '../src/modules/auth/session.jobs.js';
import { insertProcessingExport, PASSWORD, signUpAdmin, sql, startTestServer, type TestClient, type TestServer, uniqueEmail, waitFor } from './harness.js';
import { createKey } from './rest-harness.js';

/*
 * What a session or key may still do once it is gone, and what is kept of its answers: a running
 * subscription ends when its session is signed out or its member removed (it went on streaming
 * the team's export), the session cookie is Secure over HTTPS behind a proxy, and REST answers
 * are not stored by caches.
 */
let server: TestServer;
let admin: TestClient;
let teamId: string;
beforeAll(async () => {
  server = await startTestServer();
  const signedUp = await signUpAdmin(server, 'Sessions');
  admin = signedUp.client;
  teamId = signedUp.user.team.id;
});
afterAll(() => server?.stop());

async function newMember(): Promise<{ client: TestClient; membershipId: string }> {
  const invited = await admin.gql(`mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }`, {
    i: { email: uniqueEmail('member'), role: 'MEMBER' },
  });
  const client = server.client();
  const joined = await client.gql(`mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { id } }`, {
    i: { token: invited.data!.inviteMember.token, password: PASSWORD },
  });
  const members = (await admin.gql(`{ team { members { id user { id } } } }`)).data!.team.members as { id: string; user: { id: string } }[];
  return { client, membershipId: members.find((m) => m.user.id === joined.data!.acceptInvitation.id)!.id };
}

/** A PROCESSING export and a subscription to it over a member's socket (their cookie) or a key's; `events` grows as it is told. */
async function subscribeToExport(cookie: string, token?: string) {
  const id = await insertProcessingExport(server.databaseUrl, teamId);
  const ws = createWsClient({
    url: `${server.url.replace('http', 'ws')}/graphql`,
    connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
    webSocketImpl: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie } });
      }
    },
  });
  const events: { processedRows: number }[] = [];
  let ended: { error?: unknown } | null = null;
  ws.subscribe(
    { query: 'subscription($id: ID!) { exportProgress(id: $id) { processedRows } }', variables: { id } },
    {
      next: (m) => events.push(m.data!.exportProgress as never),
      error: (error) => {
        ended = { error };
      },
      complete: () => {
        ended = {};
      },
    },
  );
  await waitFor(() => (events.length ? true : undefined), 5000, 'the first event');
  const progress = async (rows: number) => {
    await sql(server.databaseUrl, `update export set processed_rows = $2 where id = $1; `.trim(), [id, rows]);
    await sql(server.databaseUrl, `select pg_notify('export_progress', $1)`, [id]);
  };
  return { events, ended: () => ended, progress, dispose: () => ws.dispose() };
}

describe('a running subscription once its caller is gone', () => {
  for (const [label, end] of [
    ['signed out', async (m: { client: TestClient }) => (await m.client.gql('mutation { signOut }')).errors],
    [
      'removed from the team',
      async (m: { membershipId: string }) => (await admin.gql('mutation($id: ID!) { removeMember(id: $id) }', { id: m.membershipId })).errors,
    ],
  ] as const) {
    it(`ends when the member is ${label}, telling nothing more`, async () => {
      const member = await newMember();
      const sub = await subscribeToExport(member.client.cookie!);
      try {
        await sub.progress(10);
        await waitFor(() => (sub.events.some((e) => e.processedRows === 10) ? true : undefined), 5000, 'progress while signed in');
        expect(await end(member as never)).toBeUndefined();
        await sub.progress(777);
        await waitFor(() => (sub.ended() ? true : undefined), 5000, 'the subscription to end');
        expect(sub.events.map((e) => e.processedRows)).not.toContain(777);
        expect(JSON.stringify(sub.ended())).toMatch(/UNAUTHENTICATED|no longer valid/);
      } finally {
        await sub.dispose();
      }
    });
  }
});

describe('a running subscription once its key would be refused', () => {
  const UPDATE = 'mutation($id: ID!, $i: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $i) { id } }';
  const ROLL = 'mutation($id: ID!, $g: Int!) { rollApiKey(id: $id, input: { gracePeriodSeconds: $g }) { token } }';
  for (const [label, change, ends] of [
    ['made sending-only', (id: string) => admin.gql(UPDATE, { id, i: { permission: 'SENDING_ACCESS' } }), true],
    ['disabled', (id: string) => admin.gql(UPDATE, { id, i: { enabled: false } }), true],
    ['rolled with no grace period (its old token)', (id: string) => admin.gql(ROLL, { id, g: 0 }), true],
    ['rolled with an hour of grace (its old token still works)', (id: string) => admin.gql(ROLL, { id, g: 3600 }), false],
  ] as const) {
    it(`${ends ? 'ends' : 'goes on'} when the key is ${label}`, async () => {
      const key = await createKey(admin, { name: `Watcher ${label}`.slice(0, 50), permission: 'FULL_ACCESS' });
      const sub = await subscribeToExport('', key.token);
      try {
        await sub.progress(10);
        await waitFor(() => (sub.events.some((e) => e.processedRows === 10) ? true : undefined), 5000, 'progress while admitted');
        expect((await change(key.id)).errors).toBeUndefined();
        await sub.progress(777);
        if (ends) {
          await waitFor(() => (sub.ended() ? true : undefined), 5000, 'the subscription to end');
          expect(sub.events.map((e) => e.processedRows)).not.toContain(777);
          expect(JSON.stringify(sub.ended())).toMatch(/UNAUTHENTICATED|no longer valid/);
        } else {
          await waitFor(() => (sub.events.some((e) => e.processedRows === 777) ? true : undefined), 5000, 'progress after the change');
          expect(sub.ended()).toBeNull();
        }
      } finally {
        await sub.dispose();
      }
    });
  }
});

describe('a running subscription of a deleted key', () => {
  it('ends at once, without waiting for its export to progress', async () => {
    const key = await createKey(admin, { name: 'Deleted watcher', permission: 'FULL_ACCESS' });
    const sub = await subscribeToExport('', key.token);
    try {
      expect((await admin.gql('mutation($id: ID!) { deleteApiKey(id: $id) }', { id: key.id })).errors).toBeUndefined();
      await waitFor(() => (sub.ended() ? true : undefined), 5000, 'the subscription to end');
      expect(JSON.stringify(sub.ended())).toMatch(/UNAUTHENTICATED|no longer valid/);
    } finally {
      await sub.dispose();
    }
  });
});

describe('the session cookie', () => {
  it('is Secure when the request came over HTTPS through a proxy on loopback, though PUBLIC_URL is http', async () => {
    const email = uniqueEmail('secure');
    const signUp = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({
        query: 'mutation($i: SignUpInput!) { signUp(input: $i) { id } }',
        variables: { i: { email, password: PASSWORD, teamName: 'TLS' } },
      }),
    });
    expect(signUp.headers.get('set-cookie')).toMatch(/; Secure/);
    const plain = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($i: SignInInput!) { signIn(input: $i) { id } }', variables: { i: { email, password: PASSWORD } } }),
    });
    expect(plain.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect(plain.headers.get('set-cookie')).not.toMatch(/; Secure/);
  });
});

describe('signing in again', () => {
  it('ends the session the browser held: the old cookie no longer signs anyone in', async () => {
    const { client, email } = await signUpAdmin(server, 'Twice');
    const old = client.cookie!;
    expect((await client.gql('{ me { email } }')).data!.me.email).toBe(email);
    const again = await client.gql('mutation($i: SignInInput!) { signIn(input: $i) { id } }', { i: { email, password: PASSWORD } });
    expect(again.errors).toBeUndefined();
    expect(client.cookie).not.toBe(old);
    expect((await client.gql('{ me { email } }')).data!.me.email).toBe(email);
    const stale = server.client();
    stale.cookie = old;
    expect((await stale.gql('{ me { email } }')).data!.me).toBeNull();
  });
});

describe('expired sessions', () => {
  it('are deleted by the purge, and only they: a live session still signs in', async () => {
    const expired = await signUpAdmin(server, 'Expired');
    const live = await signUpAdmin(server, 'Live');
    await sql(server.databaseUrl, `update session set expires_at = now() - interval '1 second' where user_id = $1`, [expired.user.id]);
    const before = Number((await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from session'))[0].n);
    expect(await purgeExpiredSessions(server.app.services)).toBeGreaterThanOrEqual(1);
    const after = await sql<{ user_id: string; expires_at: Date }>(server.databaseUrl, 'select user_id, expires_at from session');
    expect(after.some((r) => r.user_id === expired.user.id)).toBe(false);
    expect(after.every((r) => r.expires_at.getTime() > Date.now())).toBe(true);
    expect(after.length).toBeLessThan(before);
    expect((await live.client.gql('{ me { email } }')).data!.me.email).toBe(live.email);
    expect(await purgeExpiredSessions(server.app.services)).toBe(0);
  });
});

describe('REST answers', () => {
  it('are no-store: a created key and its token, lists and errors alike', async () => {
    // A team of its own: the keys above spent the team's 10 requests a second (a 429 on a fast machine).
    const { client: owner } = await signUpAdmin(server, 'Cache');
    const key = await createKey(owner, { name: 'Cache', permission: 'FULL_ACCESS' });
    const created = await fetch(`${server.url}/api/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'made over REST' }),
    });
    expect(created.status).toBe(200);
    expect(((await created.json()) as { token: string }).token).toMatch(/^re_/);
    expect(created.headers.get('cache-control')).toBe('no-store');
    for (const [path, token] of [
      ['/api-keys', key.token],
      ['/api-keys', 're_nope'],
      ['/nowhere', key.token],
    ]) {
      const res = await fetch(`${server.url}/api${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.headers.get('cache-control'), `${path} ${res.status}`).toBe('no-store');
    }
  });
});
