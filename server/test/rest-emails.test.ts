import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { Resend } from 'resend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, sql, startTestServer, type TestClient, type TestServer, waitFor } from './harness.js';
import { itRefusesQueries, type RefusedQuery } from './rest-harness.js';
import { type SmtpSink, startSmtpSink } from './smtp.js';

let smtp: SmtpSink;
let server: TestServer;
let admin: TestClient;
let fullToken: string;
let sendingToken: string;
let restrictedToken: string;
let restrictedKeyId: string;

async function createKey(input: Record<string, unknown>) {
  const res = await admin.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { id } } }`, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.createApiKey as { token: string; apiKey: { id: string } };
}

const sdk = (token: string) => new Resend(token, { baseUrl: `${server.url}/api` });

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startTestServer({ SMTP_URL: smtp.url, RATE_LIMIT_PER_SECOND: '0' });
  admin = (await signUpAdmin(server, 'Senders')).client;
  for (const name of ['acme.com', 'news.acme.com']) {
    const d = await admin.gql(`mutation($input: CreateDomainInput!) { createDomain(input: $input) { id } }`, { input: { name } });
    expect(d.errors).toBeUndefined();
  }
  const domains = (await admin.gql('{ domains { id name } }')).data!.domains as { id: string; name: string }[];
  fullToken = (await createKey({ name: 'Full', permission: 'FULL_ACCESS' })).token;
  sendingToken = (await createKey({ name: 'Sending', permission: 'SENDING_ACCESS' })).token;
  const restricted = await createKey({ name: 'News only', permission: 'SENDING_ACCESS', domainId: domains.find((d) => d.name === 'news.acme.com')!.id });
  restrictedToken = restricted.token;
  restrictedKeyId = restricted.apiKey.id;
});

afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

describe('POST /emails with the official SDK', () => {
  it('sends; the email arrives at the SMTP server and reads back as sent', async () => {
    const { data, error } = await sdk(sendingToken).emails.send({
      from: 'Acme <hello@acme.com>',
      to: ['ada@example.org'],
      cc: 'cc@example.org',
      subject: 'Hello from Keyring',
      html: '<p>It works</p>',
      text: 'It works',
      tags: [{ name: 'category', value: 'welcome' }],
    });
    expect(error).toBeNull();
    expect(data?.id).toMatch(/^[0-9a-f-]{36}$/);
    const mail = await smtp.waitFor((m) => m.to.includes('ada@example.org'));
    // The envelope sender is the domain's return path, where its MX and SPF records are.
    expect(mail.from).toBe('bounces@send.acme.com');
    expect(mail.to.sort()).toEqual(['ada@example.org', 'cc@example.org']);
    expect(mail.raw).toContain('Subject: Hello from Keyring');

    const got = await waitFor(async () => {
      const r = await sdk(fullToken).emails.get(data!.id);
      return r.data?.last_event === 'sent' ? r : undefined;
    });
    expect(got.data).toMatchObject({
      object: 'email',
      id: data!.id,
      from: 'Acme <hello@acme.com>',
      to: ['ada@example.org'],
      subject: 'Hello from Keyring',
      html: '<p>It works</p>',
      text: 'It works',
    });
  });

  it('sends a batch of emails in one request', async () => {
    const { data, error } = await sdk(sendingToken).batch.send(
      [1, 2, 3].map((i) => ({ from: 'hello@acme.com', to: `batch${i}@example.org`, subject: `Batch ${i}`, text: `n${i}` })),
    );
    expect(error).toBeNull();
    expect(data?.data).toHaveLength(3);
    for (const i of [1, 2, 3]) await smtp.waitFor((m) => m.to.includes(`batch${i}@example.org`));
  });

  it('lists emails newest first with cursors', async () => {
    const { data, error } = await sdk(fullToken).emails.list({ limit: 2 });
    expect(error).toBeNull();
    expect(data).toMatchObject({ object: 'list', has_more: true });
    expect(data!.data).toHaveLength(2);
    const next = await fetch(`${server.url}/api/emails?limit=2&after=${data!.data[1].id}`, { headers: { authorization: `Bearer ${fullToken}` } });
    const page2 = (await next.json()) as { data: { id: string }[] };
    expect(page2.data[0].id).not.toBe(data!.data[1].id);
    expect(page2.data.map((e) => e.id)).not.toContain(data!.data[0].id);
  });

  it('GraphQL emails: `filter: null` lists everything; a reversed range is BAD_USER_INPUT', async () => {
    const all = await admin.gql(`{ emails(filter: null, first: 100) { edges { node { id } } } }`);
    expect(all.errors).toBeUndefined();
    expect((all.data!.emails as { edges: unknown[] }).edges.length).toBeGreaterThanOrEqual(3);
    const reversed = await admin.gql(`{ emails(filter: { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { edges { node { id } } } }`);
    expect(reversed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
  });
});

describe('POST /emails — refused', () => {
  const count = async () => Number((await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from email'))[0].n);

  it('a domain-restricted key cannot send from another domain', async () => {
    const before = await count();
    const { error } = await sdk(restrictedToken).emails.send({ from: 'hello@acme.com', to: 'x@example.org', subject: 's', text: 't' });
    expect(error).toMatchObject({ statusCode: 403, name: 'invalid_from_address' });
    expect(await count()).toBe(before);
    const ok = await sdk(restrictedToken).emails.send({ from: 'News <n@news.acme.com>', to: 'x@example.org', subject: 's', text: 't' });
    expect(ok.error).toBeNull();
  });

  it('a domain-restricted key cannot put a second mailbox, a group or a header into an address field', async () => {
    const before = await count();
    for (const from of [
      'x@elsewhere.net, News <n@news.acme.com>',
      'x@elsewhere.net; News <n@news.acme.com>',
      'Group: News <n@news.acme.com>',
      'News\r\nBcc: x@elsewhere.net <n@news.acme.com>',
      `${' '.repeat(5000)}x`, // a pattern that backtracked held the server minutes over this
    ]) {
      const { error } = await sdk(restrictedToken).emails.send({ from, to: 'x@example.org', subject: 's', text: 't' });
      expect(error, from).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(/Invalid `from` field/) });
    }
    const { error } = await sdk(restrictedToken).emails.send({
      from: 'n@news.acme.com',
      to: 'Someone, x@elsewhere.net <x@example.org>',
      subject: 's',
      text: 't',
    });
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(/Invalid `to` field/) });
    expect(await count()).toBe(before);
    // A quoted name may hold what a bare one may not, and is sent as written.
    const ok = await sdk(restrictedToken).emails.send({ from: '"News, Acme" <n@news.acme.com>', to: 'x@example.org', subject: 's', text: 't' });
    expect(ok.error).toBeNull();
    const [row] = await sql<{ from: string }>(server.databaseUrl, 'select "from" from email where id = $1', [ok.data!.id]);
    expect(row.from).toBe('"News, Acme" <n@news.acme.com>');
  });

  it('refusals say what is wrong: recipients past 50 or of the wrong type, attachments without base64 content, a __proto__ header', async () => {
    const before = await count();
    const base = { from: 'hello@acme.com', subject: 's', text: 't' };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, to: Array.from({ length: 51 }, (_, i) => `r${i}@example.org`) }, /^`to` accepts at most 50 addresses\.$/],
      [{ ...base, to: 5 }, /^`to` must be an email address or a list of them\.$/],
      [{ ...base, to: 'x@example.org', cc: [] }, /^`cc` must not be empty\.$/],
      [{ ...base, to: 'x@example.org', attachments: [{ filename: 'a.txt', content: '!!!not base64###' }] }, /must be base64/],
      [{ ...base, to: 'x@example.org', attachments: [{ filename: 'a.txt', content: 'abc' }] }, /must be base64/],
      [{ ...base, to: 'x@example.org', attachments: [{ filename: 'a.txt' }] }, /^`attachments\[0\]\.content` is required: the file, in base64\.$/],
      [{ ...base, to: 'x@example.org', headers: JSON.parse('{"__proto__": "x"}') }, /`__proto__` is not a valid header name/],
    ];
    for (const [body, message] of cases) {
      const res = await fetch(`${server.url}/api/emails`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fullToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body).replace('"headers":{}', '"headers":{"__proto__":"x"}'),
      });
      const answer = (await res.json()) as { statusCode: number; name: string; message: string };
      expect(answer, JSON.stringify(body).slice(0, 80)).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(message) });
    }
    expect(await count()).toBe(before);
    // Base64 wrapped in lines, as MIME writes it, is base64.
    const wrapped = await sdk(fullToken).emails.send({ ...base, to: 'x@example.org', attachments: [{ filename: 'a.txt', content: 'aGVs\nbG8=' }] });
    expect(wrapped.error).toBeNull();
  });

  it('a domain the team has not added is refused as Resend refuses it (403 validation_error)', async () => {
    const { error } = await sdk(fullToken).emails.send({ from: 'me@elsewhere.net', to: 'x@example.org', subject: 's', text: 't' });
    expect(error).toMatchObject({ statusCode: 403, name: 'validation_error' });
  });

  it('missing and invalid fields are 422 and write nothing', async () => {
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [{ to: 'x@example.org', subject: 's', text: 't' }, 'missing_required_field'],
      [{ from: 'hello@acme.com', subject: 's', text: 't' }, 'missing_required_field'],
      [{ from: 'hello@acme.com', to: 'x@example.org', text: 't' }, 'missing_required_field'],
      [{ from: 'not an address', to: 'x@example.org', subject: 's', text: 't' }, 'validation_error'],
      [{ from: 'hello@acme.com', to: ['ok@example.org', 'nope'], subject: 's', text: 't' }, 'validation_error'],
      [{ from: 'hello@acme.com', to: 'x@example.org', subject: 's' }, 'validation_error'],
      [{ from: 'hello@acme.com', to: Array.from({ length: 51 }, (_, i) => `r${i}@example.org`), subject: 's', text: 't' }, 'validation_error'],
    ];
    for (const [body, name] of cases) {
      const res = await fetch(`${server.url}/api/emails`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sendingToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { statusCode: number; name: string; message: string };
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(json.name).toBe(name);
      expect(json.message.length).toBeGreaterThan(5);
    }
    expect(await count()).toBe(before);
  });

  it('a batch with one bad email writes none of them', async () => {
    const before = await count();
    const { error } = await sdk(sendingToken).batch.send([
      { from: 'hello@acme.com', to: 'a@example.org', subject: 'ok', text: 't' },
      { from: 'hello@acme.com', to: 'b@example.org', subject: '', text: 't' },
    ]);
    expect(error).toMatchObject({ statusCode: 422 });
    expect(error!.message).toContain('emails[1]');
    expect(await count()).toBe(before);
    const tooMany = await sdk(sendingToken).batch.send(
      Array.from({ length: 101 }, () => ({ from: 'hello@acme.com', to: 'a@example.org', subject: 's', text: 't' })),
    );
    expect(tooMany.error).toMatchObject({ statusCode: 422 });
    expect(await count()).toBe(before);
  });

  it('concurrent sends written together stay separate: each request gets its own answer', async () => {
    // Concurrent requests share one INSERT statement; a refused one must not take the others down.
    const before = await count();
    const marker = `concurrent-${Date.now()}`;
    const sends = Array.from({ length: 40 }, (_, i) => {
      const from = i % 4 === 3 ? `x${i}@unknown-${i}.example` : 'hello@acme.com';
      return sdk(sendingToken).emails.send({ from, to: `c${i}@example.org`, subject: marker, text: String(i) });
    });
    const batches = Array.from({ length: 5 }, (_, i) =>
      sdk(sendingToken).batch.send([
        { from: 'hello@acme.com', to: `b${i}@example.org`, subject: marker, text: 'a' },
        { from: i === 2 ? 'no@unknown-batch.example' : 'hello@news.acme.com', to: `b${i}@example.org`, subject: marker, text: 'b' },
      ]),
    );
    const results = await Promise.all(sends);
    const batchResults = await Promise.all(batches);
    for (const [i, r] of results.entries()) {
      if (i % 4 === 3) expect(r.error, `send ${i}`).toMatchObject({ statusCode: 403, name: 'validation_error' });
      else expect(r.error, `send ${i}`).toBeNull();
    }
    for (const [i, r] of batchResults.entries()) {
      if (i === 2) expect(r.error).toMatchObject({ statusCode: 403, name: 'validation_error' });
      else expect(r.data?.data).toHaveLength(2);
    }
    const stored = await sql(server.databaseUrl, `select id from email where subject = $1`, [marker]);
    const ids = [...results.map((r) => r.data?.id), ...batchResults.flatMap((r) => r.data?.data.map((d) => d.id) ?? [])].filter(Boolean);
    expect(stored.map((r) => r.id).sort()).toEqual(ids.sort());
    expect(stored).toHaveLength(30 + 8);
    expect(await count()).toBe(before + 38);
  });

  it('the same Idempotency-Key sent concurrently gives one email', async () => {
    const body = { from: 'hello@acme.com', to: 'race@example.org', subject: 'Race', text: 'once' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => sdk(sendingToken).emails.send(body, { idempotencyKey: 'race-1' })));
    const ok = answers.filter((a) => a.error === null);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const a of answers) if (a.error) expect(a.error).toMatchObject({ statusCode: 409, name: 'concurrent_idempotent_requests' });
    expect(new Set(ok.map((a) => a.data!.id)).size).toBe(1);
    expect(await sql(server.databaseUrl, `select id from email where "to"::text like '%race@example.org%'`)).toHaveLength(1);
  });

  it('a sending-access key cannot read emails', async () => {
    const { error } = await sdk(sendingToken).emails.list();
    expect(error).toMatchObject({ statusCode: 401, name: 'restricted_api_key' });
  });

  it('another team cannot read an email', async () => {
    const { data } = await sdk(sendingToken).emails.send({ from: 'hello@acme.com', to: 'x@example.org', subject: 's', text: 't' });
    const other = await signUpAdmin(server, 'Other');
    const key = await other.client.gql(`mutation { createApiKey(input: { name: "o", permission: FULL_ACCESS }) { token } }`);
    const theirs = await sdk(key.data!.createApiKey.token).emails.get(data!.id);
    const missing = await sdk(key.data!.createApiKey.token).emails.get('00000000-0000-4000-8000-000000000000');
    expect(theirs.error).toMatchObject({ statusCode: 404, name: 'not_found' });
    expect(theirs.error!.message).toBe(missing.error!.message);
  });
});

describe('Idempotency-Key', () => {
  it('the same key twice gives one email; another body with the same key is 409', async () => {
    const body = { from: 'hello@acme.com', to: 'idem@example.org', subject: 'Once', text: 'only once' };
    const a = await sdk(sendingToken).emails.send(body, { idempotencyKey: 'order-42' });
    const b = await sdk(sendingToken).emails.send(body, { idempotencyKey: 'order-42' });
    expect(a.error).toBeNull();
    expect(b.data?.id).toBe(a.data?.id);
    const rows = await sql(server.databaseUrl, `select id from email where "to"::text like '%idem@example.org%'`);
    expect(rows).toHaveLength(1);
    const c = await sdk(sendingToken).emails.send({ ...body, subject: 'Different' }, { idempotencyKey: 'order-42' });
    expect(c.error).toMatchObject({ statusCode: 409 });
    expect(await sql(server.databaseUrl, `select id from email where "to"::text like '%idem@example.org%'`)).toHaveLength(1);
  });

  it('an idempotency key over 256 characters is refused', async () => {
    const { error } = await sdk(sendingToken).emails.send(
      { from: 'hello@acme.com', to: 'x@example.org', subject: 's', text: 't' },
      { idempotencyKey: 'k'.repeat(257) },
    );
    expect(error).toMatchObject({ statusCode: 400, name: 'invalid_idempotency_key' });
  });

  it('the same email with its fields in another order is the same request', async () => {
    const a = await fetch(`${server.url}/api/emails`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sendingToken}`, 'content-type': 'application/json', 'idempotency-key': 'reordered-1' },
      body: JSON.stringify({ from: 'hello@acme.com', to: 'reorder@example.org', subject: 's', text: 't', headers: { 'X-A': '1', 'X-B': '2' } }),
    });
    const b = await fetch(`${server.url}/api/emails`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sendingToken}`, 'content-type': 'application/json', 'idempotency-key': 'reordered-1' },
      body: JSON.stringify({ headers: { 'X-B': '2', 'X-A': '1' }, text: 't', subject: 's', to: 'reorder@example.org', from: 'hello@acme.com' }),
    });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(((await b.json()) as { id: string }).id).toBe(((await a.json()) as { id: string }).id);
  });

  it('a batch takes a key of the full 256 characters too, whatever its size, and replays it', async () => {
    const key = 'b'.repeat(256);
    const emails = Array.from({ length: 12 }, (_, i) => ({ from: 'hello@acme.com', to: `long-key-${i}@example.org`, subject: 's', text: 't' }));
    const a = await sdk(sendingToken).batch.send(emails, { idempotencyKey: key });
    expect(a.error).toBeNull();
    const b = await sdk(sendingToken).batch.send(emails, { idempotencyKey: key });
    expect(b.data?.data.map((e) => e.id)).toEqual(a.data?.data.map((e) => e.id));
    expect(await sql(server.databaseUrl, `select id from email where "to"::text like '%long-key-%'`)).toHaveLength(12);
    const c = await sdk(sendingToken).batch.send([{ ...emails[0], subject: 'Different' }, ...emails.slice(1)], { idempotencyKey: key });
    expect(c.error).toMatchObject({ statusCode: 409 });
  });

  it("a single email's key and a batch's are different keys: `k#0` alone and a batch under `k` are two requests", async () => {
    const email = (to: string) => ({ from: 'hello@acme.com', to, subject: 's', text: 't' });
    const idsTo = async (pattern: string) =>
      (await sql<{ id: string }>(server.databaseUrl, `select id from email where "to"::text like $1 order by id`, [`%${pattern}%`])).map((r) => r.id);
    // The same email alone under `k#0`, then as a batch of one under `k`: two emails, not a replay.
    const single = await sdk(sendingToken).emails.send(email('slot-a@example.org'), { idempotencyKey: 'slot-a#0' });
    expect(single.error).toBeNull();
    const batch = await sdk(sendingToken).batch.send([email('slot-a@example.org')], { idempotencyKey: 'slot-a' });
    expect(batch.error).toBeNull();
    expect(batch.data?.data[0].id).not.toBe(single.data?.id);
    expect(await idsTo('slot-a@')).toHaveLength(2);
    // A batch first, then another email alone under `k#1`: accepted, not a 409.
    const first = await sdk(sendingToken).batch.send([email('slot-b0@example.org'), email('slot-b1@example.org')], { idempotencyKey: 'slot-b' });
    expect(first.error).toBeNull();
    const alone = await sdk(sendingToken).emails.send(email('slot-b2@example.org'), { idempotencyKey: 'slot-b#1' });
    expect(alone.error).toBeNull();
    expect(await idsTo('slot-b')).toHaveLength(3);
    // A key too long to be suffixed: its stored hash form is no single email's key either.
    const long = 'l'.repeat(256);
    const hashed = `sha256:${createHash('sha256').update(long).digest('hex')}#0`;
    const c = await sdk(sendingToken).emails.send(email('slot-c@example.org'), { idempotencyKey: hashed });
    expect(c.error).toBeNull();
    const d = await sdk(sendingToken).batch.send([email('slot-c@example.org')], { idempotencyKey: long });
    expect(d.error).toBeNull();
    expect(d.data?.data[0].id).not.toBe(c.data?.id);
    // Each still replays as itself.
    expect((await sdk(sendingToken).emails.send(email('slot-a@example.org'), { idempotencyKey: 'slot-a#0' })).data?.id).toBe(single.data?.id);
    expect((await sdk(sendingToken).batch.send([email('slot-a@example.org')], { idempotencyKey: 'slot-a' })).data?.data[0].id).toBe(batch.data?.data[0].id);
    expect(await idsTo('slot-')).toHaveLength(7);
  });

  it('a batch or an email stored in the old form (`k#i`, before the upgrade) still replays', async () => {
    const email = (to: string) => ({ from: 'hello@acme.com', subject: 's', text: 't', to }); // keys sorted, as hashed
    const batch = [email('old-form-0@example.org'), email('old-form-1@example.org')];
    const long = 'o'.repeat(256);
    const a = await sdk(sendingToken).batch.send(batch, { idempotencyKey: 'old-form' });
    const b = await sdk(sendingToken).batch.send([email('old-form-long@example.org')], { idempotencyKey: long });
    const c = await sdk(sendingToken).emails.send(email('old-form-single@example.org'), { idempotencyKey: 'old-form-single' });
    expect([a.error, b.error, c.error]).toEqual([null, null, null]);
    // As the code before the upgrade stored them: `key#i` or `sha256:<hex>#i`, a single email's hash of [email].
    await sql(
      server.databaseUrl,
      `update email set idempotency_key = regexp_replace(regexp_replace(idempotency_key, '^\x1f(sha256:[0-9a-f]+)\x1f', '\\1#'), '\x1f', '#')
       where "to"::text like '%old-form-%' and idempotency_key like '%' || chr(31) || '%'`,
    );
    await sql(server.databaseUrl, `update email set request_hash = $1 where idempotency_key = 'old-form-single'`, [
      createHash('sha256')
        .update(JSON.stringify([email('old-form-single@example.org')]))
        .digest('hex'),
    ]);
    const keys = await sql<{ k: string }>(server.databaseUrl, `select idempotency_key as k from email where "to"::text like '%old-form-%' order by 1`);
    expect(keys.map((r) => r.k)).toEqual(['old-form#0', 'old-form#1', 'old-form-single', `sha256:${createHash('sha256').update(long).digest('hex')}#0`]);
    const a2 = await sdk(sendingToken).batch.send(batch, { idempotencyKey: 'old-form' });
    const b2 = await sdk(sendingToken).batch.send([email('old-form-long@example.org')], { idempotencyKey: long });
    const c2 = await sdk(sendingToken).emails.send(email('old-form-single@example.org'), { idempotencyKey: 'old-form-single' });
    expect(a2.data?.data).toEqual(a.data?.data);
    expect(b2.data?.data).toEqual(b.data?.data);
    expect(c2.data?.id).toBe(c.data?.id);
    expect(await sql(server.databaseUrl, `select id from email where "to"::text like '%old-form-%'`)).toHaveLength(4);
  });
});

describe('usage logs follow every request', () => {
  it('counts every request with a key, refused ones included, and never stores the token', async () => {
    const { token, apiKey } = await createKey({ name: 'Counted', permission: 'SENDING_ACCESS' });
    const client = sdk(token);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${server.url}/api/emails`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'user-agent': 'counter-test/1.0' },
        body: JSON.stringify({ from: 'hello@acme.com', to: 'c@example.org', subject: `n${i}`, text: 't' }),
      });
      statuses.push(r.status);
    }
    statuses.push(((await client.emails.send({ from: 'bad', to: 'c@example.org', subject: 's', text: 't' })).error as { statusCode: number }).statusCode);
    statuses.push(((await client.emails.list()).error as { statusCode: number }).statusCode);
    expect(statuses).toEqual([200, 200, 200, 422, 401]);
    await server.app.services.usageRecorder.flush();

    const q = await admin.gql(
      `query($id: ID!) { apiKey(id: $id) { requestCount lastUsedAt usageStatus } usageLogs(filter: { apiKeyId: $id }, first: 100) { edges { node { statusCode method endpoint userAgent durationMs apiKey { id } } } } }`,
      { id: apiKey.id },
    );
    expect(q.errors).toBeUndefined();
    expect(q.data!.apiKey).toMatchObject({ requestCount: 5, usageStatus: 'ACTIVE' });
    expect(Date.now() - Date.parse(q.data!.apiKey.lastUsedAt)).toBeLessThan(60_000);
    const logs = q.data!.usageLogs.edges.map((e: any) => e.node);
    expect(logs.map((l: any) => l.statusCode).sort()).toEqual([200, 200, 200, 401, 422]);
    expect(logs.filter((l: any) => l.userAgent === 'counter-test/1.0')).toHaveLength(3);
    expect(logs.every((l: any) => l.apiKey.id === apiKey.id && l.method && l.endpoint)).toBe(true);
    const dump = await sql<{ row: string }>(server.databaseUrl, 'select usage_log::text as row from usage_log');
    for (const r of dump) expect(r.row).not.toContain(token.slice(3));

    const filtered = await admin.gql(`query($id: ID!) { usageLogs(filter: { apiKeyId: $id, statusClass: 4 }) { edges { node { statusCode } } } }`, {
      id: apiKey.id,
    });
    expect(filtered.data!.usageLogs.edges.map((e: any) => e.node.statusCode).sort()).toEqual([401, 422]);

    const usage = await admin.gql(`query($id: ID!) { apiKey(id: $id) { usage(days: 7) { date requests errors } } }`, { id: apiKey.id });
    const days = usage.data!.apiKey.usage;
    expect(days).toHaveLength(7);
    expect(days[6]).toMatchObject({ date: new Date().toISOString().slice(0, 10), requests: 5, errors: 2 });
    expect(days.slice(0, 6).every((d: any) => d.requests === 0)).toBe(true);
  });

  it('GraphQL requests made with a key are logged too', async () => {
    const { token, apiKey } = await createKey({ name: 'GraphQL tool', permission: 'FULL_ACCESS' });
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query Keys { apiKeys { id } }' }),
    });
    expect(res.status).toBe(200);
    await server.app.services.usageRecorder.flush();
    const q = await admin.gql(
      `query($id: ID!) { apiKey(id: $id) { requestCount } usageLogs(filter: { apiKeyId: $id }) { edges { node { endpoint statusCode } } } }`,
      { id: apiKey.id },
    );
    expect(q.data!.apiKey.requestCount).toBe(1);
    expect(q.data!.usageLogs.edges[0].node).toEqual({ endpoint: '/graphql Keys', statusCode: 200 });
  });

  it('a restricted key used on the wrong domain is logged with its 403', async () => {
    await sdk(restrictedToken).emails.send({ from: 'hello@acme.com', to: 'x@example.org', subject: 's', text: 't' });
    await server.app.services.usageRecorder.flush();
    const rows = await sql<{ status_code: number }>(server.databaseUrl, 'select status_code from usage_log where api_key_id = $1', [restrictedKeyId]);
    expect(rows.map((r) => r.status_code)).toContain(403);
  });
});

/** A team on `s` with a sending domain, and the SDK with its sending-access key. */
async function sendingClient(s: TestServer, team: string, domain: string): Promise<Resend> {
  const a = await signUpAdmin(s, team);
  await a.client.gql(`mutation { createDomain(input: { name: "${domain}" }) { id } }`);
  const key = await a.client.gql(`mutation { createApiKey(input: { name: "sender", permission: SENDING_ACCESS }) { token } }`);
  return new Resend(key.data!.createApiKey.token, { baseUrl: `${s.url}/api` });
}

describe('without SMTP_URL', () => {
  it('delivers into the outbox table', async () => {
    const s = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
    try {
      const client = await sendingClient(s, 'Outbox', 'outbox.test');
      const { data } = await client.batch.send(
        [1, 2].map((i) => ({ from: 'Out <o@outbox.test>', to: [`r${i}@example.org`], subject: `Outbox ${i}`, text: 'kept' })),
      );
      expect(data?.data).toHaveLength(2);
      const rows = await waitFor(async () => {
        const r = await sql<{ to: string; subject: string; from: string }>(
          s.databaseUrl,
          `select "to", subject, "from" from outbox_message where subject like 'Outbox %' order by subject`,
        );
        return r.length === 2 ? r : undefined;
      });
      expect(rows).toEqual([
        { to: 'r1@example.org', subject: 'Outbox 1', from: 'Out <o@outbox.test>' },
        { to: 'r2@example.org', subject: 'Outbox 2', from: 'Out <o@outbox.test>' },
      ]);
      const status = await sql<{ status: string }>(s.databaseUrl, `select distinct status from email`);
      expect(status).toEqual([{ status: 'sent' }]);
    } finally {
      await s.stop();
    }
  });
});

describe('delivery under a steady stream of sends', () => {
  it('goes out in a few batches rather than one delivery per handful of requests, and delivers every email', async () => {
    const s = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
    try {
      const resend = await sendingClient(s, 'Stream', 'stream.test');
      // Eight clients, each sending one email after another for about a second.
      const ids = (
        await Promise.all(
          Array.from({ length: 8 }, async (_, client) => {
            const mine: string[] = [];
            for (let i = 0; i < 12; i++) {
              const { data, error } = await resend.emails.send({ from: 'a@stream.test', to: 'r@example.org', subject: `Stream ${client}.${i}`, text: 'x' });
              expect(error).toBeNull();
              mine.push(data!.id);
              await new Promise((r) => setTimeout(r, 40));
            }
            return mine;
          }),
        )
      ).flat();
      const rows = await waitFor(async () => {
        const r = await sql<{ status: string; sent_at: Date }>(s.databaseUrl, 'select status, sent_at from email where id = any($1)', [ids]);
        return r.every((e) => e.status === 'sent') ? r : undefined;
      });
      expect(rows).toHaveLength(96);
      expect(await sql(s.databaseUrl, `select 1 from outbox_message where subject like 'Stream %'`)).toHaveLength(96);
      // Emails recorded in one statement share its sent_at. With 100 ms between deliveries while
      // emails keep coming, a second or so of sending is about ten deliveries, not one per request.
      const batches = new Set(rows.map((e) => e.sent_at.getTime())).size;
      expect(batches).toBeLessThanOrEqual(20);
    } finally {
      await s.stop();
    }
  });
});

describe('delivery from the floor', () => {
  it('still delivers an email stamped before emails already sent (a write committed late, or another clock), through the sweep', async () => {
    const s = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
    try {
      const resend = await sendingClient(s, 'Floor', 'floor.test');
      const send = async (subject: string) => {
        const { data, error } = await resend.emails.send({ from: 'a@floor.test', to: 'r@example.org', subject, text: 'x' });
        expect(error).toBeNull();
        return data!.id;
      };
      const sent = (ids: string[]) =>
        waitFor(async () => {
          const r = await sql<{ status: string }>(s.databaseUrl, 'select status from email where id = any($1)', [ids]);
          return r.length === ids.length && r.every((e) => e.status === 'sent') ? r : undefined;
        });
      // Emails sent and delivered: claims after new sends now start from just before the newest.
      await sent(await Promise.all([1, 2, 3].map((i) => send(`Floor ${i}`))));
      // An email queued a minute before them, as a write committed late (or an instance whose
      // clock is behind) leaves one, then a new send: both go out.
      const [late] = await sql<{ id: string }>(
        s.databaseUrl,
        `insert into email select (json_populate_record(e, json_build_object('id', gen_random_uuid(), 'status', 'queued', 'subject', 'Floor late',
                  'created_at', now() - interval '1 minute', 'sent_at', null, 'claimed_at', null, 'idempotency_key', null))).*
           from email e where e.subject = 'Floor 1' returning id`,
      );
      const fresh = await send('Floor 4');
      await sent([fresh, late.id]);
      expect(await sql(s.databaseUrl, `select subject from outbox_message where subject in ('Floor late', 'Floor 4') order by subject`)).toEqual([
        { subject: 'Floor 4' },
        { subject: 'Floor late' },
      ]);
    } finally {
      await s.stop();
    }
  });
});

describe('graceful shutdown', () => {
  it('does not run a request whose headers were still arriving when shutdown ended its connection: nothing sent, nothing logged', async () => {
    const s = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
    const a = await signUpAdmin(s, 'Half open');
    await a.client.gql(`mutation { createDomain(input: { name: "half.test" }) { id } }`);
    const key = await a.client.gql(`mutation { createApiKey(input: { name: "half", permission: SENDING_ACCESS }) { token } }`);
    const token = key.data!.createApiKey.token as string;
    const { port } = new URL(s.url);
    // Half-open allowed: the client may still send once the server has ended its side.
    const socket = connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: true });
    let received = '';
    socket.on('data', (d) => {
      received += d.toString();
    });
    const ended = new Promise<void>((r) => socket.once('end', r));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    await new Promise<void>((r) => socket.once('connect', () => r()));
    // The request has begun (so the connection is not idle), its headers not all there yet.
    socket.write('POST /api/emails HTTP/1.1\r\nHost: x\r\n');
    await new Promise((r) => setTimeout(r, 200));
    const databaseUrl = s.databaseUrl;
    const stopping = s.stop();
    // Shutdown ends the connection (its side only), counting no request on it yet.
    await ended;
    const body = JSON.stringify({ from: 'a@half.test', to: 'b@example.org', subject: 'late', text: 't' });
    // Sent, not ended: the client waits for its answer, as a fetch does.
    socket.write(`Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    // Shutdown is done once the server has closed its connections, this one included.
    await stopping;
    socket.destroy();
    await closed;
    // Not run: no email stored, sent or logged that its client could not be told of (it would send it again).
    expect(received).toBe('');
    const [emails] = await sql<{ n: string }>(databaseUrl, `select count(*) as n from email where subject = 'late'`);
    const [logs] = await sql<{ n: string }>(databaseUrl, `select count(*) as n from usage_log where endpoint = '/emails'`);
    expect(Number(emails.n)).toBe(0);
    expect(Number(logs.n)).toBe(0);
  });

  it('loses no usage log under load', async () => {
    const s = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
    const a = await signUpAdmin(s, 'Load');
    await a.client.gql(`mutation { createDomain(input: { name: "load.test" }) { id } }`);
    const key = await a.client.gql(`mutation { createApiKey(input: { name: "load", permission: SENDING_ACCESS }) { token apiKey { id } } }`);
    const token = key.data!.createApiKey.token;
    let answered = 0;
    const fire = async () => {
      try {
        const r = await fetch(`${s.url}/api/emails`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ from: 'a@load.test', to: 'b@example.org', subject: 's', text: 't' }),
        });
        await r.json();
        answered++;
      } catch {
        // Refused connections after shutdown began are not answered requests.
      }
    };
    const load = Array.from({ length: 150 }, fire);
    await new Promise((r) => setTimeout(r, 30));
    const databaseUrl = s.databaseUrl;
    await s.stop();
    await Promise.all(load);
    expect(answered).toBeGreaterThan(0);
    const [logs] = await sql<{ n: string }>(databaseUrl, 'select count(*) as n from usage_log');
    const [k] = await sql<{ request_count: number }>(databaseUrl, 'select request_count from api_key where id = $1', [key.data!.createApiKey.apiKey.id]);
    expect(Number(logs.n)).toBe(answered);
    expect(k.request_count).toBe(answered);
  });
});

describe('GET /emails filters', () => {
  type Listed = { status: number; body: { object: string; has_more: boolean; data: { id: string; subject: string }[]; name?: string; message?: string } };
  const list = async (query: string, token = fullToken) => {
    const res = await fetch(`${server.url}/api/emails?${query}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() } as Listed;
  };
  const subjects = async (query: string) => {
    const res = await list(query);
    expect(res.status, query).toBe(200);
    return res.body.data.map((e) => e.subject).filter((s) => s.startsWith('Filter '));
  };

  beforeAll(async () => {
    // Oldest first: [subject, token, status, created_at].
    const made: [string, string, 'sent' | 'failed', string][] = [
      ['Filter Jan 5', fullToken, 'sent', '2026-01-05T10:00:00Z'],
      ['Filter Jan 15', restrictedToken, 'failed', '2026-01-15T10:00:00Z'],
      ['Filter Jan 31', fullToken, 'failed', '2026-01-31T23:30:00Z'],
      ['Filter Feb 10', restrictedToken, 'sent', '2026-02-10T10:00:00Z'],
    ];
    const ids: string[] = [];
    for (const [subject, token] of made) {
      const { data, error } = await sdk(token).emails.send({ from: 'a@news.acme.com', to: 'b@example.com', subject, text: 'x' });
      expect(error).toBeNull();
      ids.push(data!.id);
    }
    // Let delivery finish first, so that it does not overwrite the statuses set below.
    await waitFor(async () => {
      const rows = await sql<{ n: string }>(server.databaseUrl, `select count(*) as n from email where id = any($1) and status in ('queued', 'sending')`, [
        ids,
      ]);
      return Number(rows[0].n) === 0 || undefined;
    });
    for (const [i, [, , status, createdAt]] of made.entries()) {
      await sql(server.databaseUrl, 'update email set status = $2, created_at = $3 where id = $1', [ids[i], status, createdAt]);
    }
  });

  it('narrows to a status', async () => {
    expect(await subjects('status=sent&to=2026-02-28')).toEqual(['Filter Feb 10', 'Filter Jan 5']);
    expect(await subjects('status=failed')).toEqual(['Filter Jan 31', 'Filter Jan 15']);
  });

  it('narrows to the key that sent them', async () => {
    expect(await subjects(`api_key_id=${restrictedKeyId}`)).toEqual(['Filter Feb 10', 'Filter Jan 15']);
    expect(await subjects(`api_key_id=${restrictedKeyId}&status=sent`)).toEqual(['Filter Feb 10']);
  });

  it('narrows to a date range, by instant or by day, both ends included, and pages within it', async () => {
    expect(await subjects('from=2026-01-15T10:00:00Z&to=2026-02-10T10:00:00Z')).toEqual(['Filter Feb 10', 'Filter Jan 31', 'Filter Jan 15']);
    expect(await subjects('from=2026-01-06&to=2026-01-31')).toEqual(['Filter Jan 31', 'Filter Jan 15']);
    const page1 = await list('from=2026-01-01&to=2026-01-31&limit=2');
    expect(page1.body.data.map((e) => e.subject)).toEqual(['Filter Jan 31', 'Filter Jan 15']);
    expect(page1.body.has_more).toBe(true);
    const page2 = await list(`from=2026-01-01&to=2026-01-31&limit=2&after=${page1.body.data[1].id}`);
    expect(page2.body.data.map((e) => e.subject)).toEqual(['Filter Jan 5']);
    expect(page2.body.has_more).toBe(false);
  });

  const refused: RefusedQuery[] = [
    ['an unknown status', 'status=bounced', /Status must be scheduled, queued, sent, failed or canceled/],
    ['a key id that is not a UUID', 'api_key_id=abc', /`api_key_id` must be a valid UUID/],
    ['a from that is not a date', 'from=yesterday', /`from` must be an ISO-8601 date/],
    ['a reversed range', 'from=2026-02-01&to=2026-01-31', /`from` must be before `to`/],
  ];
  itRefusesQueries((query) => list(query), refused);
});

describe('GraphQL Email.apiKey', () => {
  type Node = { subject: string; apiKeyId: string | null; apiKey: { id: string; name: string } | null };
  const EMAILS = `query($filter: EmailFilter) { emails(filter: $filter, first: 100) { edges { node { subject apiKeyId apiKey { id name } } } } }`;
  const nodes = async (filter: Record<string, unknown> | null = null) => {
    const res = await admin.gql(EMAILS, { filter });
    expect(res.errors).toBeUndefined();
    return (res.data!.emails as { edges: { node: Node }[] }).edges.map((e) => e.node).filter((n) => n.subject.startsWith('Sent by '));
  };
  let kept: { token: string; apiKey: { id: string } };
  let doomed: { token: string; apiKey: { id: string } };

  beforeAll(async () => {
    kept = await createKey({ name: 'Kept key', permission: 'SENDING_ACCESS' });
    doomed = await createKey({ name: 'Doomed key', permission: 'SENDING_ACCESS' });
    for (const [subject, key] of [
      ['Sent by kept', kept],
      ['Sent by doomed', doomed],
    ] as const) {
      const { error } = await sdk(key.token).emails.send({ from: 'a@acme.com', to: 'b@example.com', subject, text: 'x' });
      expect(error).toBeNull();
    }
  });

  it('names the key that sent each email', async () => {
    const all = await nodes();
    expect(all).toEqual(
      expect.arrayContaining([
        { subject: 'Sent by kept', apiKeyId: kept.apiKey.id, apiKey: { id: kept.apiKey.id, name: 'Kept key' } },
        { subject: 'Sent by doomed', apiKeyId: doomed.apiKey.id, apiKey: { id: doomed.apiKey.id, name: 'Doomed key' } },
      ]),
    );
    expect(all).toHaveLength(2);
  });

  it('`filter: { apiKeyId }` narrows to the emails that key sent', async () => {
    expect((await nodes({ apiKeyId: kept.apiKey.id })).map((n) => n.subject)).toEqual(['Sent by kept']);
    expect((await nodes({ apiKeyId: doomed.apiKey.id })).map((n) => n.subject)).toEqual(['Sent by doomed']);
  });

  it('a deleted key reads as `apiKey: null`; `apiKeyId` stays, and still filters', async () => {
    const del = await admin.gql(`mutation($id: ID!) { deleteApiKey(id: $id) }`, { id: doomed.apiKey.id });
    expect(del.errors).toBeUndefined();
    expect(await nodes({ apiKeyId: doomed.apiKey.id })).toEqual([{ subject: 'Sent by doomed', apiKeyId: doomed.apiKey.id, apiKey: null }]);
    expect(await nodes({ apiKeyId: kept.apiKey.id })).toEqual([
      { subject: 'Sent by kept', apiKeyId: kept.apiKey.id, apiKey: { id: kept.apiKey.id, name: 'Kept key' } },
    ]);
  });
});

describe('GraphQL emails(filter: { search })', () => {
  const EMAILS = `query($filter: EmailFilter) { emails(filter: $filter, first: 100) { edges { node { subject } } } }`;
  const subjects = async (search: string, extra: Record<string, unknown> = {}) => {
    const res = await admin.gql(EMAILS, { filter: { search, ...extra } });
    expect(res.errors).toBeUndefined();
    return (res.data!.emails as { edges: { node: { subject: string } }[] }).edges.map((e) => e.node.subject).filter((s) => s.startsWith('Searchable '));
  };

  beforeAll(async () => {
    for (const [subject, to] of [
      ['Searchable invoice 1001', 'ada@lovelace.org'],
      ['Searchable welcome', ['grace@hopper.org', 'cc-me@example.org']],
      ['Searchable 100% off', 'x@example.org'],
    ] as const) {
      const { error } = await sdk(fullToken).emails.send({ from: 'news@news.acme.com', to: [...(Array.isArray(to) ? to : [to])], subject, text: 'x' });
      expect(error).toBeNull();
    }
  });

  it('finds emails by part of the subject or of any recipient, in any case', async () => {
    expect(await subjects('INVOICE')).toEqual(['Searchable invoice 1001']);
    expect(await subjects('hopper')).toEqual(['Searchable welcome']);
    expect(await subjects('cc-me@')).toEqual(['Searchable welcome']);
    expect(await subjects('  lovelace  ')).toEqual(['Searchable invoice 1001']);
    expect(await subjects('nothing like it')).toEqual([]);
  });

  it('takes wildcards literally, combines with the other filters, and exports the same rows', async () => {
    expect(await subjects('100%')).toEqual(['Searchable 100% off']);
    expect(await subjects('_')).toEqual([]);
    expect(await subjects('searchable', { status: 'failed' })).toEqual([]);
    const exported = await admin.gql(`mutation($input: CreateExportInput!) { createExport(input: $input) { rowCount } }`, {
      input: { resource: 'EMAILS', filters: { search: '100%' } },
    });
    expect(exported.data!.createExport.rowCount).toBe(1);
  });

  it('pages through the matches', async () => {
    const PAGE = `query($filter: EmailFilter, $after: String) { emails(filter: $filter, first: 2, after: $after) { edges { node { subject } } pageInfo { hasNextPage endCursor } } }`;
    const first = await admin.gql(PAGE, { filter: { search: 'searchable' } });
    expect(first.errors).toBeUndefined();
    expect(first.data!.emails.edges.map((e: { node: { subject: string } }) => e.node.subject)).toEqual(['Searchable 100% off', 'Searchable welcome']);
    const second = await admin.gql(PAGE, { filter: { search: 'searchable' }, after: first.data!.emails.pageInfo.endCursor });
    expect(second.errors).toBeUndefined();
    expect(second.data!.emails.edges.map((e: { node: { subject: string } }) => e.node.subject)).toEqual(['Searchable invoice 1001']);
    expect(second.data!.emails.pageInfo.hasNextPage).toBe(false);
  });

  it('is GET /emails?search= too, paging within the matches', async () => {
    const get = async (query: string) => {
      const res = await fetch(`${server.url}/api/emails?${query}`, { headers: { authorization: `Bearer ${fullToken}` } });
      return { status: res.status, body: (await res.json()) as { has_more: boolean; data: { id: string; subject: string }[] } };
    };
    const page1 = await get('search=searchable&limit=2');
    expect(page1.body.data.map((e) => e.subject)).toEqual(['Searchable 100% off', 'Searchable welcome']);
    expect(page1.body.has_more).toBe(true);
    const page2 = await get(`search=searchable&limit=2&after=${page1.body.data[1].id}`);
    expect(page2.body.data.map((e) => e.subject)).toEqual(['Searchable invoice 1001']);
    expect((await get(`search=${'x'.repeat(101)}`)).status).toBe(422);
  });

  it('refuses a search over 100 characters', async () => {
    const res = await admin.gql(EMAILS, { filter: { search: 'x'.repeat(101) } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
  });
});
