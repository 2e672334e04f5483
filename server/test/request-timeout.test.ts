import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer } from './harness.js';
import { setUpTeam, type Team } from './rest-harness.js';

/**
 * A client that trickles its request (slowloris) holds a connection for REQUEST_TIMEOUT_SECONDS
 * at most, then is answered 408 in the REST error shape and cut off; nothing it sent is written.
 */
let server: TestServer;
let team: Team;
beforeAll(async () => {
  server = await startTestServer({ REQUEST_TIMEOUT_SECONDS: '2' });
  team = await setUpTeam(server, 'Trickle');
});
afterAll(() => server?.stop());

/** Writes `head` on a raw connection and never more; resolves with what came back and when the server closed it. */
function trickle(head: string): Promise<{ text: string; closedAfterMs: number }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    const t0 = performance.now();
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ text, closedAfterMs: performance.now() - t0 }));
    socket.write(head);
    // The test's own limit: a connection the server never cuts fails the test rather than hanging it.
    setTimeout(() => socket.destroy(new Error('the server kept a trickling connection open for 15 s')), 15_000).unref();
  });
}

const bodyOf = (text: string) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));

describe('a request that does not arrive in time', () => {
  it('a body that stops halfway is answered 408 request_timeout and its connection closed; no email is written', async () => {
    const count = async () => (await sql<{ n: number }>(server.databaseUrl, 'select count(*)::int as n from email where team_id = $1', [team.teamId]))[0].n;
    const before = await count();
    const { text, closedAfterMs } = await trickle(
      'POST /api/emails HTTP/1.1\r\nHost: keyring.test\r\n' +
        `Authorization: Bearer ${team.full.token}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n` +
        '{"from":"a@trickle.com","to":"b@example.org",',
    );
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(text)).toEqual({ statusCode: 408, name: 'request_timeout', message: 'The request took too long to arrive.' });
    // 2 s allowed, checked every second: cut within 2–3.5 s, not Node's 300 s.
    expect(closedAfterMs).toBeGreaterThanOrEqual(1900);
    expect(closedAfterMs).toBeLessThan(5000);
    expect(await count()).toBe(before);
  });

  it('headers that never end are answered 408 too', async () => {
    const { text, closedAfterMs } = await trickle('GET /api/domains HTTP/1.1\r\nHost: keyring.test\r\nX-Slow: ');
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(text)).toMatchObject({ statusCode: 408, name: 'request_timeout' });
    expect(closedAfterMs).toBeLessThan(5000);
  });

  it('a trickling client holds up no one else meanwhile', async () => {
    const slow = trickle(
      `POST /api/emails HTTP/1.1\r\nHost: keyring.test\r\nAuthorization: Bearer ${team.full.token}\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{`,
    );
    const res = await fetch(`${server.url}/api/domains`, { headers: { authorization: `Bearer ${team.full.token}` } });
    expect(res.status).toBe(200);
    expect((await slow).text).toMatch(/^HTTP\/1\.1 408 /);
  });
});
