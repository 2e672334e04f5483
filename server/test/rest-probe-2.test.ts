import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer, waitFor } from './harness.js';
import { count, createKey, setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let acme: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
});
afterAll(() => server?.stop());

/** A raw connection to the server, for a client that hangs up. */
async function connect(): Promise<net.Socket> {
  const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

/** The usage logs of requests made with this User-Agent, once the recorder has written them (up to 5 s). */
async function logsOf(userAgent: string, expected: number) {
  const read = () =>
    sql<{ method: string; endpoint: string; status_code: number }>(
      server.databaseUrl,
      'select method, endpoint, status_code from usage_log where user_agent = $1',
      [userAgent],
    );
  try {
    return await waitFor(
      async () => {
        await server.app.services.usageRecorder.flush();
        const rows = await read();
        return rows.length >= expected ? rows : undefined;
      },
      5_000,
      `${expected} usage logs`,
    );
  } catch {
    return read();
  }
}

/** Statements waiting for a lock on `table` (delivery's claim of emails aside). */
const waiting = async (table: string) =>
  Number(
    (
      await sql<{ n: string }>(
        server.databaseUrl,
        `select count(*) as n from pg_locks l join pg_class c on c.oid = l.relation join pg_stat_activity a on a.pid = l.pid
          where c.relname = $1 and not l.granted and a.query not ilike '%update email%'`,
        [table],
      )
    )[0].n,
  );

describe('a client that hangs up before the answer', () => {
  it('is logged all the same: its email was accepted and sent, so the request is logged and counted', async () => {
    const userAgent = `hang-up-${Date.now()}`;
    const subject = `sent to no one listening ${Date.now()}`;
    const body = JSON.stringify({ from: 'hello@acme.com', to: 'ada@example.org', subject, text: 'Hi' });
    const head =
      `POST /api/emails HTTP/1.1\r\nHost: keyring\r\nAuthorization: Bearer ${acme.sending.token}\r\n` +
      `Content-Type: application/json\r\nUser-Agent: ${userAgent}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    // The email table held, so the send waits on its insert: the client gives up (a timeout) meanwhile.
    const holder = new pg.Client({ connectionString: server.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table email in share mode');
      const socket = await connect();
      socket.write(head + body);
      // Its body read, the send waits for the email table (delivery's claim may wait there too: not it).
      await waitFor(async () => ((await waiting('email')) > 0 ? true : undefined), 10_000, 'the insert to wait');
      socket.destroy();
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await holder.query('rollback').catch(() => undefined);
      await holder.end();
    }
    // The server stored the email although no one waited for the answer.
    await waitFor(async () => ((await count(server, 'email', 'subject = $1', [subject])) === 1 ? true : undefined), 10_000, 'the email');
    // Every request made with a key writes a usage log (and counts toward the key's requests).
    expect(await logsOf(userAgent, 1)).toEqual([{ method: 'POST', endpoint: '/emails', status_code: 200 }]);
  });

  it('while still sending its body is logged with the refusal it was answered', async () => {
    const userAgent = `hang-up-mid-body-${Date.now()}`;
    const head =
      `POST /api/emails HTTP/1.1\r\nHost: keyring\r\nAuthorization: Bearer ${acme.sending.token}\r\n` +
      `Content-Type: application/json\r\nUser-Agent: ${userAgent}\r\nContent-Length: 100\r\n\r\n`;
    const socket = await connect();
    socket.write(`${head}{"from":`);
    await new Promise((r) => setTimeout(r, 500));
    socket.destroy();
    const logs = await logsOf(userAgent, 1);
    expect(logs).toEqual([{ method: 'POST', endpoint: '/emails', status_code: 400 }]);
  });
  it('while its key is being checked is answered and logged too, not left waiting for ever', async () => {
    // A key never used yet is looked up in the database: held there, so the client hangs up first.
    const key = await createKey(acme.admin, { name: 'Hangs up early', permission: 'SENDING_ACCESS' });
    const userAgent = `hang-up-during-admission-${Date.now()}`;
    const head =
      `POST /api/emails HTTP/1.1\r\nHost: keyring\r\nAuthorization: Bearer ${key.token}\r\n` +
      `Content-Type: application/json\r\nUser-Agent: ${userAgent}\r\nContent-Length: 100\r\n\r\n`;
    const holder = new pg.Client({ connectionString: server.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table api_key in access exclusive mode');
      const socket = await connect();
      socket.write(`${head}{"from":`);
      await waitFor(async () => ((await waiting('api_key')) > 0 ? true : undefined), 10_000, 'the key lookup to wait');
      socket.destroy();
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await holder.query('rollback').catch(() => undefined);
      await holder.end();
    }
    expect(await logsOf(userAgent, 1)).toEqual([{ method: 'POST', endpoint: '/emails', status_code: 400 }]);
  });
});
