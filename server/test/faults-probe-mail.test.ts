import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessServer, sendEmail, setUpTeam, sleep, startInProcess, type Team } from './faults-harness.js';
import { createTestDatabase, sql, waitFor } from './harness.js';

/** A relay on loopback that runs `beforeAnswer` (awaited) after it kept a message and before it says 250. */
async function startRelay() {
  const relay = { delivered: [] as string[], beforeAnswer: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 500,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
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
