import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer, waitFor } from './harness.js';
import { api, count, createDomain, setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let acme: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
});
afterAll(() => server?.stop());

const send = async (body: Record<string, unknown>) => {
  const res = await api(server, '/emails', { method: 'POST', token: acme.full.token, body: JSON.stringify({ from: 'a@acme.com', text: 'x', ...body }) });
  expect(res.status).toBe(200);
  return (res.body as { id: string }).id;
};
const search = async (q: string) => {
  const res = await api(server, `/emails?search=${encodeURIComponent(q)}`, { token: acme.full.token });
  expect(res.status).toBe(200);
  return (res.body as { data: { id: string }[] }).data.map((e) => e.id);
};

describe('GET /emails?search= over the recipients', () => {
  it('finds a recipient by what was sent, not by the JSON the list of recipients is stored as', async () => {
    const quoted = await send({ to: ['"Bob, Jr." <bob@x.com>', 'carol@x.com'], subject: 'alpha' });
    const plain = await send({ to: 'dave@x.com', subject: 'beta' });
    // The display name as written: stored as JSON it read `\"Bob, Jr.\"`, and was not found.
    expect(await search('"Bob, Jr."')).toEqual([quoted]);
    expect(await search('"bob')).toEqual([quoted]);
    // JSON's own brackets, quotes and separators are in no recipient: they matched every email.
    expect(await search('[')).toEqual([]);
    expect(await search('"]')).toEqual([]);
    expect(await search('", "')).toEqual([]);
    expect(await search('dave@x.com')).toEqual([plain]);
    expect(await search('CAROL@')).toEqual([quoted]);
  });
});

describe('an Idempotency-Key of a permissive batch, retried strict', () => {
  it('is a 409, not a strict batch answered 200 with some of its emails', async () => {
    const batch = [
      { from: 'a@nowhere.com', to: 'b@x.com', subject: 'refused', text: 'x' },
      { from: 'a@acme.com', to: 'b@x.com', subject: 'accepted', text: 'x' },
    ];
    const post = (headers: Record<string, string>) =>
      api(server, '/emails/batch', {
        method: 'POST',
        token: acme.sending.token,
        body: JSON.stringify(batch),
        headers: { 'idempotency-key': 'permissive-then-strict', ...headers },
      });
    const first = await post({ 'x-batch-validation': 'permissive' });
    expect(first.status).toBe(200);
    const { data, errors } = first.body as { data: { id: string }[]; errors: { index: number }[] };
    expect(data).toHaveLength(1);
    expect(errors.map((e) => e.index)).toEqual([0]);
    // Strict is all or nothing: `{ data: [one id] }` for two emails said both were accepted.
    const strict = await post({});
    expect(strict.status).toBe(409);
    expect(strict.body).toEqual({ statusCode: 409, name: 'invalid_idempotent_request', message: expect.stringMatching(/permissive/) });
    // Asked as it was sent, the answer is the first one, and nothing more was sent.
    expect(await post({ 'x-batch-validation': 'permissive' })).toMatchObject({ status: 200, body: first.body });
    expect(await count(server, 'email', 'team_id = $1 and subject = $2', [acme.teamId, 'accepted'])).toBe(1);
  });
});

describe('GET /emails?status=queued', () => {
  it('lists an email being delivered, which GET /emails/:id shows as queued', async () => {
    const id = await send({ to: 'in-flight@x.com', subject: 'in flight' });
    // Claimed by a delivery that has not finished (a slow relay, or an instance that died with it).
    await waitFor(async () =>
      (await sql<{ status: string }>(server.databaseUrl, 'select status from email where id = $1', [id]))[0].status === 'sent' ? true : undefined,
    );
    await sql(server.databaseUrl, `update email set status = 'sending', claimed_at = now() where id = $1`, [id]);
    const one = await api(server, `/emails/${id}`, { token: acme.full.token });
    expect(one.body).toMatchObject({ id, last_event: 'queued' });
    const list = await api(server, '/emails?status=queued', { token: acme.full.token });
    expect(list.status).toBe(200);
    expect((list.body as { data: { id: string; last_event: string }[] }).data).toContainEqual(expect.objectContaining({ id, last_event: 'queued' }));
    // And it is no longer among the emails of another status.
    const sent = await api(server, '/emails?status=sent', { token: acme.full.token });
    expect((sent.body as { data: { id: string }[] }).data.map((e) => e.id)).not.toContain(id);
    // The export's last_event column says what the API says: queued, not the internal `sending`.
    const created = await acme.admin.gql(`mutation($input: CreateExportInput!) { createExport(input: $input) { status downloadUrl } }`, {
      input: { resource: 'EMAILS', filters: { status: 'queued' } },
    });
    expect(created.data!.createExport).toMatchObject({ status: 'READY' });
    const csv = await fetch((created.data!.createExport.downloadUrl as string).replace(server.config.PUBLIC_URL, server.url), {
      headers: { cookie: acme.admin.cookie! },
    });
    const [header, ...rows] = (await csv.text()).trim().split('\n');
    const column = header.split(',').indexOf('last_event');
    const row = rows.find((r) => r.startsWith(id));
    expect(row?.split(',')[column]).toBe('queued');
  });
});

describe('permissive batches under one Idempotency-Key at the same moment', () => {
  it('store only the emails that some answer reports: a 409 leaves nothing of its batch behind', async () => {
    // Each request's email 0 is refused or not by turns, so the requests claim different slots first.
    const batch = (i: number) => [
      { from: i % 2 ? 'a@nowhere.com' : 'a@acme.com', to: 'b@x.com', subject: 'race', text: `v${i}`, scheduled_at: 'in 1 hour' },
      { from: 'a@acme.com', to: 'b@x.com', subject: 'race', text: 'x', scheduled_at: 'in 1 hour' },
    ];
    for (let round = 0; round < 6; round++) {
      const subject = `race ${round}`;
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          api(server, '/emails/batch', {
            method: 'POST',
            token: acme.sending.token,
            body: JSON.stringify(batch(i).map((e) => ({ ...e, subject }))),
            headers: { 'idempotency-key': subject, 'x-batch-validation': 'permissive' },
          }),
        ),
      );
      for (const a of answers) expect([200, 409]).toContain(a.status);
      const reported = new Set(answers.flatMap((a) => (a.status === 200 ? (a.body as { data: { id: string }[] }).data.map((d) => d.id) : [])));
      const stored = await sql<{ id: string }>(server.databaseUrl, 'select id from email where team_id = $1 and subject = $2', [acme.teamId, subject]);
      // Before, every request could be answered 409 (retry) while emails of theirs were stored, to be sent.
      expect(new Set(stored.map((r) => r.id))).toEqual(reported);
    }
  });
});

describe('a permissive batch replayed after its refused domain was added', () => {
  it('does not say the domain is unverified when verification is not required', async () => {
    const batch = [
      { from: 'a@later.acme-two.com', to: 'b@x.com', subject: 'later', text: 'x' },
      { from: 'a@acme.com', to: 'b@x.com', subject: 'now', text: 'x' },
    ];
    const post = () =>
      api(server, '/emails/batch', {
        method: 'POST',
        token: acme.sending.token,
        body: JSON.stringify(batch),
        headers: { 'idempotency-key': 'replay-after-domain', 'x-batch-validation': 'permissive' },
      });
    const first = await post();
    expect((first.body as { errors: { message: string }[] }).errors[0].message).toMatch(/not registered/);
    await createDomain(acme.admin, 'later.acme-two.com');
    const again = await post();
    expect(again.status).toBe(200);
    expect((again.body as { data: unknown[] }).data).toEqual((first.body as { data: unknown[] }).data);
    // This server sends from unverified domains: "not verified" was not why, then or now.
    const [error] = (again.body as { errors: { index: number; message: string }[] }).errors;
    expect(error.index).toBe(0);
    expect(error.message).not.toMatch(/not verified/);
    expect(error.message).toMatch(/first sent/);
  });
});

describe('an attachment filename with a control character', () => {
  it('is refused naming the field, as a header value with a line break is (it was sent as a name on several lines)', async () => {
    for (const filename of ['report\r\nBcc: x@y.com.pdf', 'tab\there.txt', 'bell\u0007.txt']) {
      const res = await api(server, '/emails', {
        method: 'POST',
        token: acme.sending.token,
        body: JSON.stringify({ from: 'a@acme.com', to: 'b@x.com', subject: 'file', text: 'x', attachments: [{ filename, content: 'aGk=' }] }),
      });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ statusCode: 422, name: 'validation_error', message: expect.stringContaining('attachments[0].filename') });
    }
    expect(await count(server, 'email', "team_id = $1 and subject = 'file'", [acme.teamId])).toBe(0);
  });
});
