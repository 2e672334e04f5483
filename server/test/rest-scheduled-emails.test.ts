import { Resend } from 'resend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { initOrm } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';
import { createClient, sql, startTestServer, type TestClient, type TestServer, waitFor } from './harness.js';
import { api, count, sdk, setUpTeam, type Team } from './rest-harness.js';
import { type SmtpSink, startSmtpSink } from './smtp.js';

let smtp: SmtpSink;
let server: TestServer;
/** A second instance on the same database that runs no jobs: it only accepts. */
let front: { url: string; close: () => Promise<void> };
let acme: Team;
let member: TestClient;

const email = (subject: string) => ({ from: 'Acme <hello@acme.com>', to: 'ada@example.org', subject, text: `Body of ${subject}` });
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const row = async (id: string) =>
  (
    await sql<{ status: string; scheduled_at: Date | null; sent_at: Date | null; message_id: string }>(
      server.databaseUrl,
      'select status, scheduled_at, sent_at, message_id from email where id = $1',
      [id],
    )
  )[0];

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startTestServer({ SMTP_URL: smtp.url, RATE_LIMIT_PER_SECOND: '0' });
  const logger = createLogger('silent');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: server.databaseUrl,
    CLIENT_DIST: '/nonexistent',
    SMTP_URL: smtp.url,
    WORKERS: 'false',
    RATE_LIMIT_PER_SECOND: '0',
  });
  const orm = await initOrm(server.databaseUrl, logger);
  const app = await createApp({ config, orm, logger });
  front = {
    url: await app.listen(0, '127.0.0.1'),
    close: async () => {
      await app.close();
      await orm.close();
    },
  };
  acme = await setUpTeam(server, 'Acme');
  // A member of the team, to check who may cancel.
  const invite = await acme.admin.gql(`mutation { inviteMember(input: { email: "m-${Date.now()}@example.com", role: MEMBER }) { token } }`);
  member = createClient(server.url);
  const accepted = await member.gql(`mutation($t: String!) { acceptInvitation(input: { token: $t, password: "correct horse battery" }) { id } }`, {
    t: invite.data!.inviteMember.token,
  });
  expect(accepted.errors).toBeUndefined();
});
afterAll(async () => {
  await front?.close();
  await server?.stop();
  await smtp?.close();
});

describe('scheduled_at on POST /emails', () => {
  it('holds the email until it is due, then delivers it (accepted by an instance that runs no jobs)', async () => {
    const at = inSeconds(4);
    const { data, error } = await new Resend(acme.sending.token, { baseUrl: `${front.url}/api` }).emails.send({ ...email('due in 4 s'), scheduledAt: at });
    expect(error).toBeNull();
    const read = await sdk(server, acme.full.token).emails.get(data!.id);
    expect(read.data).toMatchObject({ last_event: 'scheduled', scheduled_at: new Date(at).toISOString() });
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.mailbox.some((m) => m.subject === 'due in 4 s')).toBe(false);
    const mail = await smtp.waitFor((m) => m.subject === 'due in 4 s', 15_000);
    const arrived = Date.now();
    expect(arrived).toBeGreaterThanOrEqual(new Date(at).getTime());
    // On time: pg-boss polls every second.
    expect(arrived - new Date(at).getTime()).toBeLessThan(6000);
    expect(mail.to).toEqual(['ada@example.org']);
    await waitFor(async () => ((await row(data!.id)).status === 'sent' ? true : undefined));
  }, 30_000);

  it('reads "in 1 min" and answers it as a time; cancel keeps it from ever being sent', async () => {
    const before = Date.now();
    const resend = sdk(server, acme.full.token);
    const { data } = await resend.emails.send({ ...email('never sent'), scheduledAt: 'in 1 min' });
    const { scheduled_at } = (await resend.emails.get(data!.id)).data!;
    expect(new Date(scheduled_at!).getTime() - before).toBeGreaterThanOrEqual(59_000);
    expect(new Date(scheduled_at!).getTime() - before).toBeLessThan(62_000);
    const canceled = await resend.emails.cancel(data!.id);
    expect(canceled).toMatchObject({ data: { object: 'email', id: data!.id }, error: null });
    expect((await resend.emails.get(data!.id)).data!.last_event).toBe('canceled');
    // Even once due, the release job leaves it alone.
    await sql(server.databaseUrl, `update email set scheduled_at = now() - interval '1 second' where id = $1`, [data!.id]);
    const { releaseDueEmails } = await import('../src/modules/email/email.jobs.js');
    await releaseDueEmails(server.app.services.pool, { requireVerified: false });
    expect((await row(data!.id)).status).toBe('canceled');
    const again = await resend.emails.cancel(data!.id);
    expect(again.error).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringContaining('this one is canceled') });
  });

  it('reschedules with emails.update (PATCH /emails/:id); a time now sends it at once', async () => {
    const resend = sdk(server, acme.full.token);
    const { data } = await resend.emails.send({ ...email('moved'), scheduledAt: 'in 2 hours' });
    const later = inSeconds(3 * 3600);
    expect(await resend.emails.update({ id: data!.id, scheduledAt: later })).toMatchObject({ data: { object: 'email', id: data!.id }, error: null });
    expect((await row(data!.id)).scheduled_at!.toISOString()).toBe(later);
    expect(await resend.emails.update({ id: data!.id, scheduledAt: new Date().toISOString() })).toMatchObject({ error: null });
    await smtp.waitFor((m) => m.subject === 'moved', 10_000);
    const sent = await resend.emails.update({ id: data!.id, scheduledAt: 'in 1 hour' });
    expect(sent.error).toMatchObject({ statusCode: 422, name: 'validation_error' });
  });

  it('schedules a batch, and a sending key may not cancel (full access only)', async () => {
    const at = inSeconds(3600);
    const { data, error } = await sdk(server, acme.sending.token).batch.send([
      { ...email('batch 1'), scheduledAt: at },
      { ...email('batch 2'), scheduledAt: at },
    ]);
    expect(error).toBeNull();
    for (const { id } of data!.data) expect(await row(id)).toMatchObject({ status: 'scheduled', scheduled_at: new Date(at) });
    const refused = await sdk(server, acme.sending.token).emails.cancel(data!.data[0].id);
    expect(refused.error).toMatchObject({ statusCode: 401, name: 'restricted_api_key' });
  });

  const unreadable: [string, string][] = [
    ['natural language beyond "in N units"', 'next friday at noon'],
    ['a date with no time', '2026-12-24'],
    ['a time with no offset', '2026-12-24T10:00:00'],
    ['an impossible date', '2026-02-31T10:00:00Z'],
    ['an empty string', ''],
  ];
  for (const [label, value] of unreadable) {
    it(`refuses ${label} with 422 naming scheduled_at, and stores nothing`, async () => {
      const before = await count(server, 'email');
      const { error } = await sdk(server, acme.sending.token).emails.send({ ...email('unreadable'), scheduledAt: value });
      expect(error).toMatchObject({ statusCode: 422, name: 'validation_error' });
      expect(error!.message).toContain('`scheduled_at` must be an ISO 8601 date-time');
      expect(await count(server, 'email')).toBe(before);
    });
  }

  it('refuses a time in the past or more than 30 days ahead', async () => {
    for (const [value, message] of [
      [new Date(Date.now() - 3600_000).toISOString(), 'is in the past'],
      [new Date(Date.now() + 31 * 86_400_000).toISOString(), 'at most 30 days ahead'],
      ['in 31 days', 'at most 30 days ahead'],
    ]) {
      const { error } = await sdk(server, acme.sending.token).emails.send({ ...email('out of range'), scheduledAt: value });
      expect(error, value).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringContaining(message) });
    }
  });

  it('PATCH and cancel refuse any other field, and a missing scheduled_at', async () => {
    const { data } = await sdk(server, acme.full.token).emails.send({ ...email('fields'), scheduledAt: 'in 1 hour' });
    const patch = await api(server, `/emails/${data!.id}`, {
      method: 'PATCH',
      token: acme.full.token,
      body: JSON.stringify({ scheduled_at: 'in 2 hours', subject: 'new' }),
    });
    expect(patch.body).toMatchObject({ statusCode: 422, name: 'validation_error', message: 'Unknown field `subject`.' });
    const missing = await api(server, `/emails/${data!.id}`, { method: 'PATCH', token: acme.full.token, body: '{}' });
    expect(missing.body).toMatchObject({ statusCode: 422, name: 'missing_required_field' });
    const cancel = await api(server, `/emails/${data!.id}/cancel`, { method: 'POST', token: acme.full.token, body: JSON.stringify({ reason: 'x' }) });
    expect(cancel.body).toMatchObject({ statusCode: 422, name: 'validation_error', message: 'Unknown field `reason`.' });
    expect((await row(data!.id)).status).toBe('scheduled');
  });
});

describe('GraphQL', () => {
  it('lists scheduled emails by status; an admin cancels and reschedules, a member may not', async () => {
    const { data } = await sdk(server, acme.full.token).emails.send({ ...email('from the dashboard'), scheduledAt: 'in 3 hours' });
    const list = await acme.admin.gql('{ emails(filter: { status: "scheduled" }) { edges { node { id status scheduledAt messageId } } } }');
    expect(list.errors).toBeUndefined();
    expect(list.data!.emails.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(data!.id);
    const cancel = 'mutation($id: ID!) { cancelEmail(id: $id) { id status } }';
    const byMember = await member.gql(cancel, { id: data!.id });
    expect(byMember.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const later = new Date(Date.now() + 5 * 3600_000).toISOString();
    const moved = await acme.admin.gql('mutation($id: ID!, $at: DateTimeISO!) { rescheduleEmail(id: $id, scheduledAt: $at) { scheduledAt status } }', {
      id: data!.id,
      at: later,
    });
    expect(moved.data!.rescheduleEmail).toEqual({ scheduledAt: later, status: 'scheduled' });
    const byAdmin = await acme.admin.gql(cancel, { id: data!.id });
    expect(byAdmin.data!.cancelEmail).toEqual({ id: data!.id, status: 'canceled' });
    const twice = await acme.admin.gql(cancel, { id: data!.id });
    expect(twice.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('message_id', () => {
  it('is fixed when the email is accepted, answered by GET, and is the Message-ID the SMTP server receives', async () => {
    const { data } = await sdk(server, acme.sending.token).emails.send(email('message id'));
    const read = await sdk(server, acme.full.token).emails.get(data!.id);
    expect((read.data as unknown as { message_id: string }).message_id).toBe(`<${data!.id}@acme.com>`);
    const mail = await smtp.waitFor((m) => m.subject === 'message id');
    expect(mail.raw).toMatch(new RegExp(`^Message-ID: <${data!.id}@acme\\.com>\\r?$`, 'im'));
    const list = await api(server, '/emails?limit=1', { token: acme.full.token });
    expect((list.body as { data: { message_id: string }[] }).data[0].message_id).toMatch(/^<[0-9a-f-]{36}@acme\.com>$/);
  });
});

describe('batch validation', () => {
  const batch = () => [email('ok 1'), { ...email('bad from'), from: 'not an address' }, { ...email('foreign'), from: 'a@unknown-domain.com' }, email('ok 2')];

  it('permissive (the SDK option batchValidation): accepts the valid emails and lists the others in errors[] by index', async () => {
    const before = await count(server, 'email');
    const { data, error } = await sdk(server, acme.sending.token).batch.send(batch(), { batchValidation: 'permissive' });
    expect(error).toBeNull();
    expect(data!.data).toHaveLength(2);
    expect(data!.errors.map((e) => e.index)).toEqual([1, 2]);
    expect(data!.errors[0].message).toContain('`from`');
    expect(data!.errors[1].message).toContain('unknown-domain.com');
    expect(await count(server, 'email')).toBe(before + 2);
    await smtp.waitFor((m) => m.subject === 'ok 2');
  });

  it('strict (the default): all or nothing', async () => {
    const before = await count(server, 'email');
    const { error } = await sdk(server, acme.sending.token).batch.send(batch());
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(await count(server, 'email')).toBe(before);
  });

  it('a permissive batch with an Idempotency-Key answers the same ids when repeated', async () => {
    const resend = sdk(server, acme.sending.token);
    const first = await resend.batch.send(batch(), { batchValidation: 'permissive', idempotencyKey: 'perm-1' });
    const second = await resend.batch.send(batch(), { batchValidation: 'permissive', idempotencyKey: 'perm-1' });
    expect(second.data!.data).toEqual(first.data!.data);
    expect(second.data!.errors.map((e) => e.index)).toEqual([1, 2]);
  });

  it('a permissive batch whose first email is refused for its domain replays too, with the same answer, errors included', async () => {
    const resend = sdk(server, acme.sending.token);
    const refusedFirst = [{ ...email('foreign first'), from: 'a@unknown-domain.com' }, email('ok after'), { ...email('bad'), from: 'nope' }];
    const first = await resend.batch.send(refusedFirst, { batchValidation: 'permissive', idempotencyKey: 'perm-refused-first' });
    expect(first.error).toBeNull();
    expect(first.data!.data).toHaveLength(1);
    // Every refusal names its email, the domain's as the validation's.
    expect(first.data!.errors.map((e) => e.message)).toEqual([
      'emails[0]: The unknown-domain.com domain is not registered in your team. Add it on the Domains page first.',
      expect.stringMatching(/^emails\[2\]: .*`from`/),
    ]);
    const before = await count(server, 'email');
    for (let i = 0; i < 2; i++) {
      const again = await resend.batch.send(refusedFirst, { batchValidation: 'permissive', idempotencyKey: 'perm-refused-first' });
      expect(again.error).toBeNull();
      expect(again.data).toEqual(first.data);
    }
    expect(await count(server, 'email')).toBe(before);
  });

  it('refuses another value of x-batch-validation, naming the header', async () => {
    const res = await api(server, '/emails/batch', {
      method: 'POST',
      token: acme.sending.token,
      body: JSON.stringify([email('x')]),
      headers: { 'x-batch-validation': 'lenient' },
    });
    expect(res.body).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringContaining('x-batch-validation') });
  });
});
