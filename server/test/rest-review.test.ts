import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, count, createDomain, sdk, setUpTeam, type Team } from './rest-harness.js';

// Defects found by attacking a running server over REST: each answered a 500 or took input it
// could not keep. Every test here failed on the code before its fix.

let server: TestServer;
let team: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  team = await setUpTeam(server, 'Review');
});
afterAll(() => server?.stop());

const email = { from: 'hello@review.com', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };
const post = (path: string, body: unknown, token = team.sending.token) => api(server, path, { method: 'POST', token, body: JSON.stringify(body) });
const emailsFrom = (from: string) => count(server, 'email', '"from" = $1', [from]);

describe('`from` longer than the column that keeps it', () => {
  // The address field may be 998 characters (a header line); `email.from` is varchar(320).
  const longFrom = `${'A'.repeat(400)} <hello@review.com>`;

  it('POST /emails: a 419-character `from` is 422 naming `from`, not a 500, and stores nothing', async () => {
    const res = await post('/emails', { ...email, from: longFrom });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body).toEqual({ statusCode: 422, name: 'validation_error', message: expect.stringContaining('`from`') });
    expect(await emailsFrom(longFrom)).toBe(0);
  });

  it('POST /emails/batch: refused the same way, naming the email', async () => {
    const res = await post('/emails/batch', [email, { ...email, from: longFrom }]);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body).toEqual({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(/^emails\[1\]: .*`from`/) });
    expect(await emailsFrom(longFrom)).toBe(0);
  });

  it('the SDK gets the error, not a 500', async () => {
    const { data, error } = await sdk(server, team.sending.token).emails.send({ ...email, from: longFrom });
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error' });
  });

  it('320 characters fit, counted as PostgreSQL counts them (code points: an emoji is one)', async () => {
    const address = ' <hello@review.com>';
    for (const from of [`${'A'.repeat(320 - address.length)}${address}`, `${'😀'.repeat(320 - address.length)}${address}`]) {
      const res = await post('/emails', { ...email, from });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(await emailsFrom(from)).toBe(1);
    }
    const res = await post('/emails', { ...email, from: `${'A'.repeat(321 - address.length)}${address}` });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
  });
});

describe('a request Node refuses before any route (too large a URL or headers, not HTTP)', () => {
  it('a 20 KB query string is 431 in the REST error shape, not an empty body', async () => {
    const res = await fetch(`${server.url}/api/emails?search=${'a'.repeat(20_000)}`, { headers: { authorization: `Bearer ${team.full.token}` } });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ statusCode: 431, name: 'request_header_fields_too_large', message: expect.stringMatching(/too large/) });
  });

  it('a request line that is not HTTP is 400 in the REST error shape', async () => {
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('FOO /api/emails HTTP/1.1\r\nHost: x\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/\r\ncontent-type: application\/json/i);
    const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
    expect(JSON.parse(body)).toEqual({ statusCode: 400, name: 'validation_error', message: expect.any(String) });
  });
});

describe('a contact’s address is one an email could be sent to', () => {
  const contacts = (email: string) => count(server, 'contact', 'email = $1', [email]);

  for (const email of [
    'x\u0001@review-contacts.com',
    '<x>@review-contacts.com',
    'a,b@review-contacts.com',
    'a;b@review-contacts.com',
    'a"b@review-contacts.com',
    'Ada <ada@review-contacts.com>',
  ]) {
    it(`POST /contacts refuses ${JSON.stringify(email)} with 422 naming email, and stores nothing`, async () => {
      const res = await post('/contacts', { email }, team.full.token);
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, name: 'validation_error' });
      expect(await contacts(email.toLowerCase())).toBe(0);
    });
  }

  it('an ordinary address (any case, with + and dots) is still taken', async () => {
    const res = await post('/contacts', { email: ' Ada.Lovelace+news@Review-Contacts.com ' }, team.full.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await contacts('ada.lovelace+news@review-contacts.com')).toBe(1);
  });
});

describe('addresses that a mail header cannot carry as given are refused, not mangled on delivery', () => {
  // What the mailer (nodemailer) made of each when it was accepted: `x(y@…` opens a comment that
  // never closes, so the message went out with no From header at all; `a(b@…` among recipients was
  // dropped without a word; `y:z@…` is a group named y holding z@example.org, another mailbox.
  const refused: [field: string, value: unknown][] = [
    ['from', 'x(y@review.com'],
    ['from', 'x)y@review.com'],
    ['from', 'x\\y@review.com'],
    ['from', 'evil.com:x@review.com'],
    ['from', 'Ada( <hello@review.com>'],
    ['from', 'Ada (Evil) <hello@review.com>'],
    ['to', 'y:z@example.org'],
    ['to', ['ok@example.org', 'a(b@example.org']],
    ['to', 'x@[127.0.0.1]'],
    ['cc', 'a[b]@example.org'],
    ['bcc', 'a)b@example.org'],
    ['reply_to', 'a(b@example.org'],
  ];
  for (const [field, value] of refused) {
    it(`POST /emails refuses ${field}: ${JSON.stringify(value)} with 422 naming ${field}`, async () => {
      const before = await count(server, 'email');
      const res = await post('/emails', { ...email, [field]: value });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body).toEqual({ statusCode: 422, name: 'validation_error', message: expect.stringContaining(`\`${field}\``) });
      expect(await count(server, 'email')).toBe(before);
    });
  }

  it('ordinary addresses, display names (quoted ones may hold anything but " and \\) and RFC 5322 atom characters still send', async () => {
    for (const fields of [
      { from: 'Ada Lovelace <hello@review.com>' },
      { from: 'José Q. Public <hello@review.com>' },
      { from: '"Ada (Review) [1]: x@evil.com" <hello@review.com>' },
      { from: "o'neil+tag.x@review.com" },
      { to: ['a!#$%&*+/=?^_`{|}~-@example.org', 'josé@example.org', '[Team] <t@example.org>'] },
    ]) {
      const res = await post('/emails', { ...email, ...fields });
      expect(res.status, `${JSON.stringify(fields)}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });
});

describe('a contact address is one contact however its accents are encoded (Unicode NFC)', () => {
  const nfc = 'jos\u00e9@review-nfc.com'; // é as one code point
  const nfd = 'jose\u0301@review-nfc.com'; // e + combining acute: the same address on screen

  it('POST /contacts with the NFD form of an existing address is the duplicate it is; GET finds it by either form', async () => {
    const first = await post('/contacts', { email: nfc }, team.full.token);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const again = await post('/contacts', { email: nfd }, team.full.token);
    expect(again.status, JSON.stringify(again.body)).toBe(422);
    expect(again.body).toMatchObject({ name: 'validation_error', message: expect.stringMatching(/already exists/) });
    expect(await count(server, 'contact', 'email like $1', ['%@review-nfc.com'])).toBe(1);
    for (const form of [nfc, nfd]) {
      const got = await api(server, `/contacts/${encodeURIComponent(form)}`, { token: team.full.token });
      expect(got.status, form).toBe(200);
      expect(got.body).toMatchObject({ id: (first.body as { id: string }).id, email: nfc });
    }
  });

  it('an address given in NFD is kept in NFC', async () => {
    const res = await post('/contacts', { email: 'rene\u0301@review-nfc2.com' }, team.full.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await count(server, 'contact', 'email = $1', ['ren\u00e9@review-nfc2.com'])).toBe(1);
  });
});

describe('deleting a domain stops the emails from it that have not gone out', () => {
  const status = async (id: string) => (await sql<{ status: string }>(server.databaseUrl, 'select status from email where id = $1', [id]))[0].status;

  it('DELETE /domains/:id cancels its scheduled emails (they were sent when due, from a domain the team no longer has)', async () => {
    const gone = await createDomain(team.admin, 'review-gone.com');
    await createDomain(team.admin, 'review-kept.com');
    const ids: string[] = [];
    for (const from of ['a@review-gone.com', 'News <b@Review-Gone.COM>', 'c@review-kept.com']) {
      const res = await post('/emails', { ...email, from, scheduled_at: 'in 1 hour' }, team.full.token);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      ids.push((res.body as { id: string }).id);
    }
    const del = await api(server, `/domains/${gone}`, { method: 'DELETE', token: team.full.token });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(await status(ids[0])).toBe('canceled');
    expect(await status(ids[1])).toBe('canceled');
    expect(await status(ids[2])).toBe('scheduled'); // another domain's email is left alone
    const got = await api(server, `/emails/${ids[0]}`, { token: team.full.token });
    expect(got.body).toMatchObject({ last_event: 'canceled' });
  });

  it('…and fails its queued emails waiting for a retry, saying why', async () => {
    const gone = await createDomain(team.admin, 'review-gone2.com');
    const res = await post('/emails', { ...email, from: 'a@review-gone2.com', scheduled_at: 'in 1 hour' }, team.full.token);
    const id = (res.body as { id: string }).id;
    // As a relay's temporary refusal leaves it: queued, its next attempt later.
    await sql(server.databaseUrl, `update email set status = 'queued', next_attempt_at = now() + interval '1 hour' where id = $1`, [id]);
    const del = await api(server, `/domains/${gone}`, { method: 'DELETE', token: team.full.token });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    const row = (await sql<{ status: string; error: string | null }>(server.databaseUrl, 'select status, error from email where id = $1', [id]))[0];
    expect(row).toEqual({ status: 'failed', error: expect.stringMatching(/domain .*deleted/i) });
  });
});

describe('contact names: what a name can hold, counted as it is stored', () => {
  it('a first or last name with a line break or another control character is 422, on create and update', async () => {
    for (const [field, value] of [
      ['first_name', 'Ada\nBcc: x@evil.com'],
      ['last_name', 'Love\u0007lace'],
    ] as const) {
      const res = await post('/contacts', { email: `ctl-${field}@review-names.com`, [field]: value }, team.full.token);
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body).toMatchObject({ name: 'validation_error', message: expect.stringMatching(/control characters/) });
    }
    expect(await count(server, 'contact', 'email like $1', ['%@review-names.com'])).toBe(0);
    const created = await post('/contacts', { email: 'ok@review-names.com', first_name: 'Ada' }, team.full.token);
    const patched = await api(server, '/contacts/ok@review-names.com', {
      method: 'PATCH',
      token: team.full.token,
      body: JSON.stringify({ last_name: 'a\rb' }),
    });
    expect(created.status).toBe(200);
    expect(patched.status, JSON.stringify(patched.body)).toBe(422);
  });

  it('100 characters fit however many UTF-16 units they take (the column counts code points): 60 emoji are a name', async () => {
    const name = '😀'.repeat(60);
    const res = await post('/contacts', { email: 'emoji@review-names2.com', first_name: name }, team.full.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await count(server, 'contact', 'first_name = $1', [name])).toBe(1);
    const tooLong = await post('/contacts', { email: 'emoji2@review-names2.com', last_name: '😀'.repeat(101) }, team.full.token);
    expect(tooLong.status).toBe(422);
  });
});

describe('deleting a domain while keys are tied to it at the same moment', () => {
  // Each round: the domain's DELETE races keys created and edited to be tied to it. It deadlocked
  // (the key's insert held the team's row and waited on the domain's; the delete held the
  // domain's and waited on the team's for its audit row) or broke the foreign key: 500s.
  it('answers 200, 404 or 422, never a 500, and never leaves a key tied to a deleted domain', async () => {
    const spareIds: string[] = [];
    for (const name of ['spare-1', 'spare-2']) {
      const spare = await api(server, '/api-keys', { method: 'POST', token: team.full.token, body: JSON.stringify({ name, permission: 'sending_access' }) });
      spareIds.push((spare.body as { id: string }).id);
    }
    const edit = (id: string, domainId: string | null) =>
      api(server, `/api-keys/${id}`, { method: 'PATCH', token: team.full.token, body: JSON.stringify({ domain_id: domainId }) });
    const remove = (domainId: string) => api(server, `/domains/${domainId}`, { method: 'DELETE', token: team.full.token });
    for (let round = 0; round < 10; round++) {
      const domainId = await createDomain(team.admin, `race${round}.review-race.com`);
      const tie = (name: string) =>
        api(server, '/api-keys', { method: 'POST', token: team.full.token, body: JSON.stringify({ name, permission: 'sending_access', domain_id: domainId }) });
      const results = await Promise.all([
        remove(domainId),
        tie(`tie-a-${round}`),
        remove(domainId),
        tie(`tie-b-${round}`),
        edit(spareIds[0], domainId),
        remove(domainId),
        edit(spareIds[1], domainId),
      ]);
      for (const [i, r] of results.entries()) expect([200, 404, 422], `${i}: ${JSON.stringify(r.body)}`).toContain(r.status);
      const deleted = [0, 2, 5].some((i) => results[i].status === 200);
      expect(await count(server, 'domain', 'id = $1', [domainId])).toBe(deleted ? 0 : 1);
      if (deleted) expect(await count(server, 'api_key', 'domain_id = $1', [domainId])).toBe(0);
      // The keys are free for the next round.
      for (const id of spareIds) await edit(id, null);
      await sql(server.databaseUrl, 'delete from api_key where domain_id = $1', [domainId]);
    }
  });
});

describe('`headers` on POST /emails is bounded', () => {
  const subjects = (subject: string) => count(server, 'email', 'subject = $1', [subject]);
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`X-H${i}`, 'v']));

  it('20,000 headers are 422, not stored (they were accepted: 18 MB): over the body’s 10,000 fields, refused before it is parsed', async () => {
    const headers = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`X-Header-${i}`, 'v'.repeat(900)]));
    const res = await post('/emails', { ...email, subject: 'headers 20000', headers });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ statusCode: 422, name: 'validation_error', message: 'The body holds more than 10,000 fields: no request needs that many.' });
    // Fewer than that, the headers' own bound names them.
    const some = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`X-Header-${i}`, 'v']));
    const bounded = await post('/emails', { ...email, subject: 'headers 2000', headers: some });
    expect(bounded.body).toEqual({ statusCode: 422, name: 'validation_error', message: '`headers` accepts at most 100 headers.' });
    expect(await subjects('headers 20000')).toBe(0);
  });

  it('101 headers are refused through the SDK, in a batch naming the email; 100 are taken', async () => {
    const { error } = await sdk(server, team.sending.token).emails.send({ ...email, subject: 'headers 101', headers: many(101) });
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error', message: '`headers` accepts at most 100 headers.' });
    const batch = await post('/emails/batch', [email, { ...email, subject: 'headers 101', headers: many(101) }]);
    expect(batch.status).toBe(422);
    expect(batch.body).toMatchObject({ name: 'validation_error', message: 'emails[1]: `headers` accepts at most 100 headers.' });
    expect(await subjects('headers 101')).toBe(0);
    const ok = await sdk(server, team.sending.token).emails.send({ ...email, subject: 'headers 100', headers: many(100) });
    expect(ok.error).toBeNull();
    expect(await subjects('headers 100')).toBe(1);
  });

  it('a value over 997 characters (a header line, less the space of a folded line) is 422 naming `headers.<name>`; 997 are taken', async () => {
    const res = await post('/emails', { ...email, subject: 'long header', headers: { 'X-Long': 'v'.repeat(998) } });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      statusCode: 422,
      name: 'validation_error',
      message: expect.stringMatching(/^`headers\.X-Long` must be at most 997 characters/),
    });
    expect(await subjects('long header')).toBe(0);
    const ok = await post('/emails', { ...email, subject: 'long header', headers: { 'X-Long': 'v'.repeat(997) } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });
});
