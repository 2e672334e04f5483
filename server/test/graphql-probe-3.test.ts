import 'reflect-metadata';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PASSWORD, signUpAdmin, sql, startTestServer, type TestServer, waitFor } from './harness.js';

/*
 * Defects found by a third hostile review of the GraphQL layer: the query cost limit and the
 * graphql-ws server, each pinned with the request that showed it.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** A base64 DKIM public key as long as a 2048-bit one's. */
const DKIM = 'M'.repeat(392);

/** `count` domains for a team, written directly (creating 1,000 through the API makes 1,000 RSA key pairs). */
async function domains(teamId: string, count: number) {
  await sql(
    server.databaseUrl,
    `insert into domain (id, team_id, name, region, status, created_at, dkim_public_key)
     select gen_random_uuid(), $1, 'mail-' || i || '.example.com', 'us-east-1', 'not_started', now() - i * interval '1 second', $3
     from generate_series(1, $2) as i`,
    [teamId, count, DKIM],
  );
}

const RECORDS = 'records { record name fqdn type value priority status }';

describe('the query cost of `domains`', () => {
  it('counts a team’s real number of domains (up to 1,000), so aliases of `domains { records }` are refused with no data (13 of them answered megabytes)', async () => {
    const { client, user } = await signUpAdmin(server);
    await domains(user.team.id, 1000);
    const aliases = Array.from({ length: 13 }, (_, i) => `d${i}: domains { id name ${RECORDS} }`).join('\n');
    const res = await client.gql(`query Heavy { ${aliases} }`);
    expect(res.status).toBe(400);
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0].message).toMatch(/^Query is too costly: [\d,]+ exceeds the limit of 10,000/);
    // One list of every domain's records: about 700 kB at 1,000 domains, over the limit too.
    const one = await client.gql(`{ domains { id ${RECORDS} } }`);
    expect(one.data ?? null).toBeNull();
    expect(one.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers what the dashboard asks at 1,000 domains (the Domains page, the key dialog’s domains), and one domain’s records', async () => {
    const { client, user } = await signUpAdmin(server);
    await domains(user.team.id, 1000);
    const page = await client.gql<{ domains: { id: string }[] }>(`query DomainsPage { domains { id name region status createdAt } }`);
    expect(page.errors).toBeUndefined();
    expect(page.data?.domains).toHaveLength(1000);
    const names = await client.gql<{ domains: unknown[] }>(`query ApiKeyDomains { domains { id name } }`);
    expect(names.data?.domains).toHaveLength(1000);
    const one = await client.gql<{ domain: { records: unknown[] } }>(`query($id: ID!) { domain(id: $id) { id status checkedAt ${RECORDS} } }`, {
      id: page.data!.domains[0].id,
    });
    expect(one.errors).toBeUndefined();
    expect(one.data?.domain.records).toHaveLength(3);
  });

  it('answers `domains { records }` to a team with a few domains, aliased, beside variables of every kind', async () => {
    const { client, user } = await signUpAdmin(server);
    await domains(user.team.id, 30);
    const res = await client.gql<Record<string, unknown[]>>(
      `query($from: DateTimeISO, $p: Permission, $s: EmailStatus, $skip: Boolean!) {
        a: domains(filter: { from: $from }) { id ${RECORDS} }
        b: domains { id records @skip(if: $skip) { value } }
        apiKeys(filter: { permission: $p }) { id }
        emails(filter: { emailStatus: $s }, first: 5) { edges { node { id } } }
      }`,
      { from: '2020-01-01T00:00:00.000Z', p: 'FULL_ACCESS', s: 'SENT', skip: false },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.a).toHaveLength(30);
    expect(res.data?.b).toHaveLength(30);
  });
});

describe('the query cost of other lists without paging', () => {
  it('counts a user’s sessions at their real number: aliases of `sessions` over 2,000 sessions are refused with no data', async () => {
    const { client, user } = await signUpAdmin(server);
    await sql(
      server.databaseUrl,
      `insert into session (id, token_hash, user_id, team_id, created_at, expires_at, user_agent, ip)
       select gen_random_uuid(), md5(random()::text) || md5(random()::text), $1, $2, now(), now() + interval '1 day', $3, '203.0.113.9'
       from generate_series(1, 2000)`,
      [user.id, user.team.id, 'Mozilla/5.0 '.repeat(20)],
    );
    const aliases = Array.from({ length: 20 }, (_, i) => `s${i}: sessions { id createdAt expiresAt ip userAgent teamName current }`).join('\n');
    const res = await client.gql(`{ ${aliases} }`);
    expect(res.status).toBe(400);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // One list of them all, with fewer fields, is answered.
    const one = await client.gql<{ sessions: unknown[] }>(`{ sessions { id createdAt } }`);
    expect(one.errors).toBeUndefined();
    expect(one.data?.sessions).toHaveLength(2001);
  });
});

describe('the query cost recounted in a mutation', () => {
  it('recounts a list in a mutation’s answer with its variables as sent (an enum whose value is not its name, a date) and answers it', async () => {
    const { client, user } = await signUpAdmin(server);
    // The admin belongs to 12 more teams: `teams` is over the 10 counted before running.
    await sql(
      server.databaseUrl,
      `with t as (insert into team (id, name, created_at) select gen_random_uuid(), 'Other ' || i, now() from generate_series(1, 12) as i returning id)
       insert into membership (id, team_id, user_id, role, created_at) select gen_random_uuid(), t.id, $1, 'MEMBER', now() from t`,
      [user.id],
    );
    const res = await client.gql(`mutation($input: CreateExportInput!) { createExport(input: $input) { id status createdBy { teams { id name } } } }`, {
      input: { resource: 'EMAILS', emails: { emailStatus: 'SENT', from: '2020-01-01T00:00:00.000Z' } },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.createExport.createdBy.teams).toHaveLength(13);
  });
});

const WS_URL = () => `${server.url.replace('http', 'ws')}/graphql`;

/** Opens a graphql-ws socket that never sends connection_init: 'open', or the HTTP status it was refused with. */
function idleSocket(headers: Record<string, string>): Promise<{ ws: WebSocket; outcome: 'open' | number }> {
  const ws = new WebSocket(WS_URL(), 'graphql-transport-ws', { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, outcome: 'open' }));
    ws.once('unexpected-response', (req, res) => {
      res.resume();
      resolve({ ws, outcome: res.statusCode ?? 0 });
      req.destroy();
    });
    ws.on('error', reject);
  });
}

const closed = (ws: WebSocket) =>
  new Promise<number>((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve(-1);
    ws.once('close', (code) => resolve(code));
  });

/** A socket signed in with a session cookie, acknowledged; from `headers`' address. */
async function signedInSocket(cookie: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(WS_URL(), 'graphql-transport-ws', { headers: { cookie, ...headers } });
  const acked = new Promise<void>((resolve, reject) => {
    ws.on('message', (m) => {
      if ((JSON.parse(String(m)) as { type: string }).type === 'connection_ack') resolve();
    });
    ws.once('close', (code) => reject(new Error(`closed ${code}`)));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
  ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
  await acked;
  return ws;
}

describe('WebSocket: sockets that never send connection_init', () => {
  it('are capped per address: past 20 waiting from one address, a new one is refused with 429, other addresses and signed-in callers are not affected', async () => {
    const { client } = await signUpAdmin(server);
    const from = { 'x-forwarded-for': '203.0.113.7' };
    const sockets: WebSocket[] = [];
    try {
      const outcomes: ('open' | number)[] = [];
      // One at a time, so that the count is the server's and not a race of handshakes.
      for (let i = 0; i < 40; i++) {
        const { ws, outcome } = await idleSocket(from);
        sockets.push(ws);
        outcomes.push(outcome);
      }
      expect(outcomes.filter((o) => o === 'open')).toHaveLength(20);
      expect(outcomes.slice(20)).toEqual(Array(20).fill(429));
      // Another address (through the same loopback proxy) is let in.
      const other = await signedInSocket(client.cookie!, { 'x-forwarded-for': '198.51.100.20' });
      other.close();
      // The waiting ones from that address, closed: the address may open sockets again.
      await Promise.all(
        sockets
          .filter((ws) => ws.readyState === WebSocket.OPEN)
          .map((ws) => {
            ws.close();
            return closed(ws);
          }),
      );
      const again = await idleSocket(from);
      sockets.push(again.ws);
      expect(again.outcome).toBe('open');
    } finally {
      for (const ws of sockets) ws.terminate();
    }
  });

  it('counts an IPv6 address by its /64: a host holds the whole prefix, and each of its addresses was a fresh allowance', async () => {
    const sockets: WebSocket[] = [];
    try {
      const outcomes: ('open' | number)[] = [];
      for (let i = 0; i < 25; i++) {
        const { ws, outcome } = await idleSocket({ 'x-forwarded-for': `2001:db8:1:2::${(i + 1).toString(16)}` });
        sockets.push(ws);
        outcomes.push(outcome);
      }
      expect(outcomes.filter((o) => o === 'open')).toHaveLength(20);
      const elsewhere = await idleSocket({ 'x-forwarded-for': '2001:db8:1:3::1' });
      sockets.push(elsewhere.ws);
      expect(elsewhere.outcome).toBe('open');
    } finally {
      for (const ws of sockets) ws.terminate();
    }
  });

  it('are closed 4408 after 3 s, and dropped within seconds when their peer does not answer the close (it held the connection 30 s more)', async () => {
    // A raw upgrade whose peer never reads or answers anything after the handshake.
    const { port } = new URL(server.url);
    const socket: Socket = connect(Number(port), '127.0.0.1');
    try {
      const started = Date.now();
      let received = '';
      socket.on('data', (d) => {
        received += d.toString('latin1');
      });
      const gone = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
      socket.write(
        [
          'GET /graphql HTTP/1.1',
          `Host: 127.0.0.1:${port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version: 13',
          'Sec-WebSocket-Protocol: graphql-transport-ws',
          '',
          '',
        ].join('\r\n'),
      );
      await waitFor(() => (received.includes('101 Switching Protocols') ? true : undefined), 5_000, 'the upgrade');
      // The close frame (0x88) with 4408, then the connection dropped without waiting 30 s for an answer.
      const elapsed = await gone;
      expect(received).toContain('\x88');
      expect(received).toContain('Connection initialisation timeout');
      expect(elapsed).toBeGreaterThanOrEqual(2_500);
      expect(elapsed).toBeLessThan(20_000);
    } finally {
      socket.destroy();
    }
  }, 45_000);
});

describe('WebSocket: one user’s sockets', () => {
  it('are capped across their sessions: signing in again gave 10 more each time', async () => {
    const { client, email } = await signUpAdmin(server);
    const cookies = [client.cookie!];
    for (let i = 0; i < 3; i++) {
      const other = server.client();
      const res = await other.gql(`mutation($input: SignInInput!) { signIn(input: $input) { id } }`, { input: { email, password: PASSWORD } });
      expect(res.errors).toBeUndefined();
      cookies.push(other.cookie!);
    }
    const sockets: WebSocket[] = [];
    let refused = 0;
    try {
      for (const cookie of cookies) {
        for (let i = 0; i < 10; i++) {
          try {
            sockets.push(await signedInSocket(cookie));
          } catch {
            refused++;
          }
        }
      }
      expect(sockets).toHaveLength(30);
      expect(refused).toBe(10);
    } finally {
      for (const ws of sockets) ws.terminate();
    }
  });
});

describe('WebSocket: a team’s keys’ sockets', () => {
  it('are capped across its keys: a full-access key could make 500 keys of 10 sockets each', async () => {
    const { client } = await signUpAdmin(server);
    const tokens: string[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await client.gql(`mutation { createApiKey(input: { name: "ws ${i}", permission: FULL_ACCESS }) { token } }`);
      tokens.push(res.data!.createApiKey.token as string);
    }
    const sockets: WebSocket[] = [];
    let refused = 0;
    try {
      for (const token of tokens) {
        for (let i = 0; i < 10; i++) {
          const ws = new WebSocket(WS_URL(), 'graphql-transport-ws');
          const outcome = await new Promise<'ack' | number>((resolve, reject) => {
            ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
            ws.on('message', (m) => {
              if ((JSON.parse(String(m)) as { type: string }).type === 'connection_ack') resolve('ack');
            });
            ws.once('close', (code) => resolve(code));
            ws.once('error', reject);
          });
          if (outcome === 'ack') sockets.push(ws);
          else refused++;
        }
      }
      expect(sockets).toHaveLength(100);
      expect(refused).toBe(10);
    } finally {
      for (const ws of sockets) ws.terminate();
    }
  });
});
