import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN_DELETED_ERROR } from '../src/modules/domain/domain.service.js';
import { type InProcessServer, sendEmail, setUpTeam, startInProcess, type Team } from './faults-harness.js';
import { createClient, createTestDatabase, sql, uniqueEmail, waitFor } from './harness.js';
import { type FaultyRelay, startFaultyRelay } from './smtp-faulty.js';

type Row = { id: string; status: string; attempts: number; error: string | null; message_id: string };

const rowsOf = (databaseUrl: string, ids: string[]) =>
  sql<Row>(databaseUrl, 'select id, status, attempts, error, message_id from email where id = any($1::uuid[]) order by created_at', [ids]);

/** Every email reached the relay exactly once, under its own Message-ID. */
function expectDeliveredOnce(relay: FaultyRelay, rows: Row[]) {
  for (const row of rows) {
    expect(
      relay.delivered.filter((d) => d.messageId === row.message_id),
      row.id,
    ).toHaveLength(1);
  }
}

describe('faults: the SMTP relay refuses, is down, or refuses for good', () => {
  let relay: FaultyRelay;
  let server: InProcessServer;
  let databaseUrl: string;
  let team: Team;

  beforeAll(async () => {
    relay = await startFaultyRelay();
    databaseUrl = await createTestDatabase('faults_mail');
    server = await startInProcess(databaseUrl, { SMTP_URL: relay.url, MAIL_RETRY_SECONDS: '0.3', MAIL_MAX_ATTEMPTS: '4' });
    team = await setUpTeam(server.url);
  });
  afterAll(async () => {
    await server?.stop();
    await relay?.close();
  });

  const sendSome = async (n: number, label: string) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await sendEmail(server.url, team, `${label} ${i}`);
      expect(r.status).toBe(200);
      ids.push(r.id!);
    }
    return ids;
  };

  it('keeps emails queued while the relay answers 451, with its error shown, and delivers each once when it recovers', async () => {
    relay.mode = 'tempfail';
    const ids = await sendSome(5, 'tempfail');
    const refused = await waitFor(
      async () => {
        const rows = await rowsOf(databaseUrl, ids);
        return rows.every((r) => r.status === 'queued' && r.attempts >= 1) ? rows : undefined;
      },
      10_000,
      'the refused emails to be queued again',
    );
    expect(refused[0].error).toContain('451');
    // REST still says queued; GraphQL shows the relay's answer.
    const rest = await fetch(`${server.url}/api/emails/${ids[0]}`, { headers: { authorization: `Bearer ${team.token}` } });
    expect(((await rest.json()) as { last_event: string }).last_event).toBe('queued');
    expect(relay.delivered).toHaveLength(0);

    relay.mode = 'accept';
    const sent = await waitFor(
      async () => {
        const rows = await rowsOf(databaseUrl, ids);
        return rows.every((r) => r.status === 'sent') ? rows : undefined;
      },
      15_000,
      'the emails to be sent after the relay recovered',
    );
    expect(sent.every((r) => r.error === null)).toBe(true);
    expectDeliveredOnce(relay, sent);
  }, 40_000);

  it('keeps emails queued while the relay is down (connection refused) and delivers each once when it is back', async () => {
    await relay.down();
    const ids = await sendSome(3, 'down');
    await waitFor(
      async () => {
        const rows = await rowsOf(databaseUrl, ids);
        return rows.every((r) => r.status === 'queued' && r.attempts >= 1 && /ECONNREFUSED/.test(r.error ?? '')) ? rows : undefined;
      },
      10_000,
      'the emails to be queued with the connection error',
    );
    await relay.up();
    const sent = await waitFor(
      async () => {
        const rows = await rowsOf(databaseUrl, ids);
        return rows.every((r) => r.status === 'sent') ? rows : undefined;
      },
      15_000,
      'the emails to be sent once the relay is back',
    );
    expectDeliveredOnce(relay, sent);
  }, 40_000);

  it('fails an email after MAIL_MAX_ATTEMPTS refusals, with the relay error, and at once on a 5xx', async () => {
    relay.mode = 'tempfail';
    const [retried] = await sendSome(1, 'bounded');
    const failed = await waitFor(
      async () => {
        const [row] = await rowsOf(databaseUrl, [retried]);
        return row.status === 'failed' ? row : undefined;
      },
      20_000,
      'the email to fail after its attempts',
    );
    expect(failed.attempts).toBe(4);
    expect(failed.error).toContain('451');
    expect(failed.error).toContain('try again later');

    relay.mode = 'reject';
    const [rejected] = await sendSome(1, 'rejected');
    const row = await waitFor(
      async () => {
        const [r] = await rowsOf(databaseUrl, [rejected]);
        return r.status === 'failed' ? r : undefined;
      },
      10_000,
      'the rejected email to fail',
    );
    expect(row.attempts).toBe(1);
    expect(row.error).toContain('550');
    // The dashboard shows the relay's answer on the email's page.
    const client = server.url;
    const res = await fetch(`${client}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: team.cookie },
      body: JSON.stringify({ query: `query($id: ID!) { email(id: $id) { status error } }`, variables: { id: rejected } }),
    });
    const body = (await res.json()) as { data?: { email: { status: string; error: string } } };
    expect(body.data?.email.status).toBe('failed');
    expect(body.data?.email.error).toContain('Mailbox unavailable');
    relay.mode = 'accept';
  }, 40_000);
  it('does not send an email whose domain was deleted while it was being sent: its retry fails, saying why', async () => {
    const gone = await setUpTeam(server.url, 'gone.faults.example.com');
    relay.mode = 'hang';
    const sent = await sendEmail(server.url, gone, 'domain deleted mid-send', 'gone.faults.example.com');
    expect(sent.status).toBe(200);
    // Claimed and handed to the relay, which holds it: a delete now finds it 'sending', not pending.
    await waitFor(async () => ((await rowsOf(databaseUrl, [sent.id!]))[0].status === 'sending' ? true : undefined), 10_000, 'the email to be sending');
    const [{ id: domainId }] = await sql<{ id: string }>(databaseUrl, 'select id from domain where team_id = $1', [gone.teamId]);
    const admin = createClient(server.url);
    admin.cookie = gone.cookie;
    const del = await admin.gql('mutation($id: ID!) { deleteDomain(id: $id) }', { id: domainId });
    expect(del.errors).toBeUndefined();
    // The relay drops the session (a temporary failure: retried), then takes everything.
    await relay.down();
    relay.mode = 'accept';
    await relay.up();
    const row = await waitFor(
      async () => {
        const [r] = await rowsOf(databaseUrl, [sent.id!]);
        return r.status === 'sent' || r.status === 'failed' ? r : undefined;
      },
      15_000,
      'the retry',
    );
    expect(row).toMatchObject({ status: 'failed', error: DOMAIN_DELETED_ERROR });
    expect(relay.delivered.filter((d) => d.subject === 'domain deleted mid-send')).toEqual([]);
  }, 40_000);
  describe("Keyring's own emails (invitations)", () => {
    const invite = async (email = uniqueEmail('invitee')) => {
      const admin = createClient(server.url);
      admin.cookie = team.cookie;
      const res = await admin.gql('mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }', { i: { email, role: 'MEMBER' } });
      expect(res.errors).toBeUndefined();
      return email;
    };
    const invitationsTo = (email: string) => relay.delivered.filter((d) => d.to.includes(email) && d.subject.startsWith('You are invited'));

    it('are retried while the relay is down, and delivered once when it is back', async () => {
      relay.mode = 'accept';
      await relay.down();
      let email: string;
      try {
        email = await invite();
        // Refused at least once meanwhile (0.3 s, then 0.6 s…).
        await new Promise((r) => setTimeout(r, 500));
        expect(invitationsTo(email)).toEqual([]);
      } finally {
        await relay.up();
      }
      await waitFor(() => (invitationsTo(email).length ? true : undefined), 10_000, 'the invitation to be delivered');
      await new Promise((r) => setTimeout(r, 1500));
      expect(invitationsTo(email)).toHaveLength(1);
    });

    it('are not retried once the invitation is replaced: only the link that works arrives', async () => {
      relay.mode = 'tempfail';
      const email = await invite();
      await waitFor(() => (relay.attempts >= 1 ? true : undefined), 5000, 'a first attempt');
      // A new invitation to the same address replaces the first, whose link no longer works.
      await invite(email);
      await new Promise((r) => setTimeout(r, 400));
      relay.mode = 'accept';
      await waitFor(() => (invitationsTo(email).length ? true : undefined), 10_000, 'an invitation to be delivered');
      await new Promise((r) => setTimeout(r, 2500));
      expect(invitationsTo(email)).toHaveLength(1);
    });

    it('are retried on "try again later", and not on a refusal for good', async () => {
      relay.mode = 'tempfail';
      const later = await invite();
      await waitFor(() => (relay.attempts >= 2 ? true : undefined), 5000, 'a second attempt');
      relay.mode = 'accept';
      await waitFor(() => (invitationsTo(later).length ? true : undefined), 10_000, 'the invitation to be delivered');
      relay.mode = 'reject';
      const before = relay.attempts;
      const refused = await invite();
      await waitFor(() => (relay.attempts > before ? true : undefined), 5000, 'the one attempt');
      await new Promise((r) => setTimeout(r, 1500));
      expect(relay.attempts).toBe(before + 1);
      expect(invitationsTo(refused)).toEqual([]);
      relay.mode = 'accept';
    });
  });
});
