import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN_DELETED_ERROR } from '../src/modules/domain/domain.service.js';
import { releaseDueEmails } from '../src/modules/email/email.jobs.js';
import { signUpAdmin, sql, startTestServer, type TestServer, waitFor } from './harness.js';
import { count, createDomain, sdk, setUpTeam, type Team } from './rest-harness.js';

// A scheduled email is released only if its team may still send from its domain, by the rule the
// writer applies when it accepts one: an email accepted as its domain was deleted (the delete's
// look for pending emails did not see it yet) stayed scheduled and went out from a domain the team
// no longer had, or that another team had verified since. Mail goes to the outbox (no SMTP_URL).

let server: TestServer;
let acme: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme', 'acme-sched.com');
});
afterAll(() => server?.stop());

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const row = async (id: string) =>
  (await sql<{ status: string; error: string | null }>(server.databaseUrl, 'select status, error from email where id = $1', [id]))[0];
const outbox = (subject: string) => count(server, 'outbox_message', 'subject = $1', [subject]);
const release = (requireVerified = false) => releaseDueEmails(server.app.services.pool, { requireVerified });

/** A team with its own domain, and an email from it scheduled a few seconds ahead. */
async function scheduleFrom(name: string, subject: string, at = inSeconds(2)) {
  const team = await setUpTeam(server, name, `${name.toLowerCase()}-sched.com`);
  const { data, error } = await sdk(server, team.sending.token).emails.send({
    from: `${name} <hello@${name.toLowerCase()}-sched.com>`,
    to: 'ada@example.org',
    subject,
    text: 'Hello',
    scheduledAt: at,
  });
  expect(error).toBeNull();
  return { team, id: data!.id };
}

const settled = (id: string) => waitFor(async () => ((await row(id)).status === 'scheduled' ? undefined : row(id)), 15_000, 'the release');

describe('releasing due scheduled emails checks their domain as sending does', () => {
  it('one whose domain the team no longer has fails, saying why, and is never sent (the real job)', async () => {
    const { team, id } = await scheduleFrom('Gone', 'domain gone');
    // What a delete that did not see the email leaves behind: the domain gone, the email scheduled.
    await sql(server.databaseUrl, 'delete from domain where id = $1', [team.domainId]);
    expect(await settled(id)).toEqual({ status: 'failed', error: DOMAIN_DELETED_ERROR });
    await new Promise((r) => setTimeout(r, 2500)); // the delivery sweep runs every 2 s
    expect(await outbox('domain gone')).toBe(0);
  }, 30_000);

  it('one whose domain another team has verified since fails, and is never sent (the real job)', async () => {
    const { id } = await scheduleFrom('Early', 'domain taken');
    const other = await signUpAdmin(server, 'Taker');
    const otherDomain = await createDomain(other.client, 'early-sched.com');
    await sql(server.databaseUrl, `update domain set status = 'verified' where id = $1`, [otherDomain]);
    const failed = await settled(id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/verified by another team/);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await outbox('domain taken')).toBe(0);
  }, 30_000);

  it('a normal one still goes out when due', async () => {
    const { data } = await sdk(server, acme.sending.token).emails.send({
      from: 'hello@acme-sched.com',
      to: 'ada@example.org',
      subject: 'still sent',
      text: 'Hello',
      scheduledAt: inSeconds(2),
    });
    await waitFor(async () => ((await row(data!.id)).status === 'sent' ? true : undefined), 15_000, 'the send');
    expect(await outbox('still sent')).toBe(1);
  }, 30_000);

  it('with REQUIRE_VERIFIED_DOMAINS, one whose domain is not verified fails', async () => {
    const { id } = await scheduleFrom('Unverified', 'not verified', 'in 1 hour');
    await sql(server.databaseUrl, `update email set scheduled_at = now() - interval '1 second' where id = $1`, [id]);
    expect(await release(true)).toEqual({ queued: 0, failed: 1 });
    expect(await row(id)).toEqual({ status: 'failed', error: expect.stringMatching(/not verified/) });
    expect(await outbox('not verified')).toBe(0);
  });

  it('one whose domain a delete holds at that moment is left scheduled, without waiting for the delete', async () => {
    const { team, id } = await scheduleFrom('Held', 'held by a delete', 'in 1 hour');
    await sql(server.databaseUrl, `update email set scheduled_at = now() - interval '1 second' where id = $1`, [id]);
    const deleting = new pg.Client({ connectionString: server.databaseUrl });
    await deleting.connect();
    try {
      await deleting.query('begin');
      await deleting.query('delete from domain where id = $1', [team.domainId]);
      // Released now, it would go out once the delete commits (its look for pending emails saw it scheduled).
      await release();
      expect((await row(id)).status).toBe('scheduled');
      // The delete rolled back: the domain is the team's again, and the email goes.
      await deleting.query('rollback');
    } finally {
      await deleting.end();
    }
    await release();
    expect((await row(id)).status).not.toBe('scheduled');
    await waitFor(async () => ((await row(id)).status === 'sent' ? true : undefined), 10_000, 'the send');
  });
});
