import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessServer, sendEmail, setUpTeam, sleep, startInProcess, type Team } from './faults-harness.js';
import { createTestDatabase, sql, waitFor } from './harness.js';

/** A relay on loopback that runs `beforeAnswer` (awaited) after it kept a message and before it says 250. */
async function startRelay() {
  const relay = {
    delivered: [] as string[],
    beforeAnswer: async () => {},
    /** What the relay does with the next messages' DATA: take it, cut the connection in the middle, or answer this code at its end. */
    onData: 'accept' as 'accept' | 'drop' | 'hang' | number,
    dataSessions: 0,
  };
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 500,
    onData(stream, _session, callback) {
      relay.dataSessions++;
      const chunks: Buffer[] = [];
      const mode = relay.onData;
      stream.on('data', (c: Buffer) => {
        chunks.push(c);
        // The connection dropped in the middle of DATA (the relay crashed, the network cut).
        if (mode === 'drop') for (const c of (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections) c._socket.destroy();
      });
      stream.on('end', () => {
        if (mode === 'drop' || mode === 'hang') return; // 'hang': never answers the end of DATA
        if (typeof mode === 'number') return callback(Object.assign(new Error(`Refused with ${mode}`), { responseCode: mode }));
        const raw = Buffer.concat(chunks).toString('utf8');
        relay.delivered.push(/^Message-ID:\s*(.*)$/im.exec(raw)?.[1].trim() ?? '');
        relay.beforeAnswer().then(
          () => callback(),
          () => callback(),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { relay, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('faults probe: the connection recording a delivery outcome is killed', () => {
  let smtp: Awaited<ReturnType<typeof startRelay>>;
  let server: InProcessServer;
  let databaseUrl: string;
  let team: Team;

  beforeAll(async () => {
    smtp = await startRelay();
    databaseUrl = await createTestDatabase('faults_probe_mail');
    server = await startInProcess(databaseUrl, { SMTP_URL: smtp.url, MAIL_LEASE_SECONDS: '2', MAIL_RETRY_SECONDS: '0.3' });
    team = await setUpTeam(server.url);
  });
  afterAll(async () => {
    await server?.stop();
    await smtp?.close();
  });

  it('a live instance whose "sent" could not be written (its connection killed) records it again, and does not send the email a second time', async () => {
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    let release: () => Promise<void> = async () => {};
    try {
      let emailId = '';
      // The relay has the message; before it says 250, the email's row is locked, so that the
      // outcome's UPDATE waits on it, and is then killed.
      smtp.relay.beforeAnswer = async () => {
        smtp.relay.beforeAnswer = async () => {};
        await waitFor(() => emailId || undefined, 5000, 'the email id');
        await locker.query('begin');
        await locker.query('select id from email where id = $1 for update', [emailId]);
        release = async () => {
          await locker.query('commit');
        };
      };
      const sendPromise = sendEmail(server.url, team, 'outcome lost');
      const sent = await sendPromise;
      expect(sent.status).toBe(200);
      emailId = sent.id!;
      const pid = await waitFor(
        async () =>
          (
            await sql<{ pid: number }>(
              databaseUrl,
              `select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
                  and query ilike 'update email e set status = r.status%'`,
            )
          )[0]?.pid,
        10_000,
        'the outcome to wait on the row',
      );
      await sql(databaseUrl, 'select pg_terminate_backend($1)', [pid]);
      await sleep(100);
      await release();

      await waitFor(
        async () => {
          const [row] = await sql<{ status: string }>(databaseUrl, 'select status from email where id = $1', [emailId]);
          return row.status === 'sent' ? row : undefined;
        },
        15_000,
        'the email to be sent',
      );
      // Well past the claim's lease (2 s) and a sweep (2 s): no second copy went out.
      await sleep(5000);
      const [{ message_id: messageId }] = await sql<{ message_id: string }>(databaseUrl, 'select message_id from email where id = $1', [emailId]);
      expect(smtp.relay.delivered.filter((m) => m === messageId)).toHaveLength(1);
    } finally {
      await locker.end().catch(() => undefined);
    }
  }, 60_000);
});

describe('faults probe: the relay drops the connection mid-DATA, or refuses at the end of DATA', () => {
  let smtp: Awaited<ReturnType<typeof startRelay>>;
  let server: InProcessServer;
  let databaseUrl: string;
  let team: Team;

  beforeAll(async () => {
    smtp = await startRelay();
    databaseUrl = await createTestDatabase('faults_probe_mail');
    server = await startInProcess(databaseUrl, { SMTP_URL: smtp.url, MAIL_RETRY_SECONDS: '0.3', MAIL_MAX_ATTEMPTS: '5' });
    team = await setUpTeam(server.url);
  });
  afterAll(async () => {
    await server?.stop();
    await smtp?.close();
  });

  const statusOf = async (id: string) =>
    (
      await sql<{ status: string; error: string | null; attempts: number; message_id: string }>(
        databaseUrl,
        'select status, error, attempts, message_id from email where id = $1',
        [id],
      )
    )[0];

  for (const fault of ['drop', 451] as const) {
    it(`${fault === 'drop' ? 'a connection cut mid-DATA' : 'a 451 at the end of DATA'}: queued with the error, retried, and delivered once when the relay takes it`, async () => {
      smtp.relay.onData = fault;
      const sessions = smtp.relay.dataSessions;
      const sent = await sendEmail(server.url, team, `fault ${fault}`);
      expect(sent.status).toBe(200);
      const refused = await waitFor(
        async () => {
          const row = await statusOf(sent.id!);
          return row.status === 'queued' && row.attempts >= 1 && row.error ? row : undefined;
        },
        10_000,
        'the email to be queued again with the error',
      );
      expect(refused.error).toBeTruthy();
      expect(smtp.relay.dataSessions).toBeGreaterThan(sessions);
      smtp.relay.onData = 'accept';
      const done = await waitFor(
        async () => {
          const row = await statusOf(sent.id!);
          return row.status === 'sent' ? row : undefined;
        },
        15_000,
        'the email to be sent',
      );
      expect(done.error).toBeNull();
      expect(smtp.relay.delivered.filter((m) => m === done.message_id)).toHaveLength(1);
    }, 40_000);
  }

  it('a 554 at the end of DATA: failed at once with the relay answer, never retried', async () => {
    smtp.relay.onData = 554;
    const sent = await sendEmail(server.url, team, 'fault 554');
    const failed = await waitFor(
      async () => {
        const row = await statusOf(sent.id!);
        return row.status === 'failed' ? row : undefined;
      },
      10_000,
      'the email to fail',
    );
    expect(failed.error).toContain('554');
    expect(failed.attempts).toBe(1);
    smtp.relay.onData = 'accept';
  }, 30_000);
});

describe('faults probe: stopping an instance while the relay hangs', () => {
  it('does not try the rest of a claimed batch one socket timeout after another: the untried emails are left queued, their attempt not counted', async () => {
    const smtp = await startRelay();
    const databaseUrl = await createTestDatabase('faults_probe_mail');
    const server = await startInProcess(databaseUrl, { SMTP_URL: smtp.url, MAIL_MAX_ATTEMPTS: '3' });
    try {
      const team = await setUpTeam(server.url);
      smtp.relay.onData = 'hang';
      // Written as one batch, claimed as one: 8 go to the relay at once and hang, 8 wait their turn.
      const res = await fetch(`${server.url}/api/emails/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${team.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(Array.from({ length: 16 }, (_, i) => ({ from: 'app@faults.example.com', to: 'a@example.org', subject: `hang ${i}`, text: 'x' }))),
      });
      expect(res.status).toBe(200);
      await waitFor(() => (smtp.relay.dataSessions >= 8 ? true : undefined), 10_000, 'eight messages to hang at the relay');
      const t0 = performance.now();
      await server.stop();
      const stopSeconds = (performance.now() - t0) / 1000;
      // One socket timeout (30 s) for the messages in flight; before, a second one for the next eight (and 13 for a claim of 100).
      expect(stopSeconds).toBeLessThan(50);
      const rows = await sql<{ status: string; attempts: number }>(databaseUrl, `select status, attempts from email where subject like 'hang %'`);
      expect(rows.every((r) => r.status === 'queued')).toBe(true);
      expect(rows.filter((r) => r.attempts === 0).length).toBeGreaterThanOrEqual(1);
    } finally {
      await server.stop().catch(() => undefined);
      await smtp.close();
    }
  }, 150_000);
});

describe('faults probe: the connection reading a claimed email is killed before it is sent', () => {
  it('a live instance puts it back and sends it within seconds, not once its claim lapses (a minute)', async () => {
    const smtp = await startRelay();
    const databaseUrl = await createTestDatabase('faults_probe_mail');
    const server = await startInProcess(databaseUrl, { SMTP_URL: smtp.url, MAIL_RETRY_SECONDS: '0.3' });
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      const team = await setUpTeam(server.url);
      // A small email and a large one (past 256 KB, read when it is sent): the relay holds the
      // small one's 250 while the email table is locked, so that reading the large one waits, and is killed.
      smtp.relay.beforeAnswer = async () => {
        smtp.relay.beforeAnswer = async () => {};
        await locker.query('begin');
        await locker.query('lock table email in access exclusive mode');
      };
      const res = await fetch(`${server.url}/api/emails/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${team.token}`, 'content-type': 'application/json' },
        body: JSON.stringify([
          { from: 'app@faults.example.com', to: 'a@example.org', subject: 'small', text: 'x' },
          { from: 'app@faults.example.com', to: 'a@example.org', subject: 'large', text: 'y'.repeat(300_000) },
        ]),
      });
      expect(res.status).toBe(200);
      const pid = await waitFor(
        async () =>
          (
            await sql<{ pid: number }>(
              databaseUrl,
              `select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
                  and query ilike 'select id, html, text, attachments from email%'`,
            )
          )[0]?.pid,
        10_000,
        'the large email to be read',
      );
      await sql(databaseUrl, 'select pg_terminate_backend($1)', [pid]);
      await sleep(100);
      await locker.query('rollback');
      const t0 = performance.now();
      const rows = await waitFor(
        async () => {
          const r = await sql<{ subject: string; status: string; attempts: number }>(
            databaseUrl,
            `select subject, status, attempts from email where subject in ('small', 'large')`,
          );
          return r.every((e) => e.status === 'sent') ? r : undefined;
        },
        45_000,
        'both emails to be sent',
      );
      expect(performance.now() - t0).toBeLessThan(15_000);
      expect(rows.find((r) => r.subject === 'large')!.attempts).toBe(1);
      expect(smtp.relay.delivered).toHaveLength(2);
    } finally {
      await locker.end().catch(() => undefined);
      await server.stop();
      await smtp.close();
    }
  }, 90_000);
});
