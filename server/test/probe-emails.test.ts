import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDkim } from './dkim.js';
import { killLeftovers, type Proc, sleep, spawnServer, stopProc } from './faults-harness.js';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, count, sdk, setUpTeam, type Team } from './rest-harness.js';

/**
 * The email-sending path as an outside reviewer attacks it: what a real SMTP relay receives from
 * `POST /api/emails`, and what is refused before anything is stored. The relay here offers no
 * SMTPUTF8, as many relays (Postfix before 3.0, most corporate smarthosts) do not.
 */
type Received = { from: string; to: string[]; raw: string };
let relay: SMTPServer;
let relayUrl: string;
const mailbox: Received[] = [];
/** What the server said to the relay (SMTP commands, messages), as bytes on the wire: smtp-server hands its callbacks a punycode domain decoded. */
let wire = '';
let tap: net.Server;
let server: TestServer;
let acme: Team;

beforeAll(async () => {
  relay = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    hideSMTPUTF8: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mailbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const relayPort = (relay.server.address() as AddressInfo).port;
  tap = net.createServer((client) => {
    const upstream = net.connect(relayPort, '127.0.0.1');
    client.on('data', (d: Buffer) => {
      wire += d.toString('latin1');
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => client.write(d));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => tap.listen(0, '127.0.0.1', resolve));
  relayUrl = `smtp://127.0.0.1:${(tap.address() as AddressInfo).port}`;
  server = await startTestServer({ SMTP_URL: relayUrl, RATE_LIMIT_PER_SECOND: '0', MAIL_RETRY_SECONDS: '1' });
  acme = await setUpTeam(server, 'Acme');
});
afterAll(async () => {
  await server?.stop();
  await new Promise<void>((resolve) => (tap ? tap.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
});

const base = { from: 'Acme <hello@acme.com>', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };

const send = (body: unknown, headers: Record<string, string> = {}) =>
  api(server, '/emails', { method: 'POST', token: acme.full.token, body: JSON.stringify(body), headers });

/** The message whose Message-ID is this email's, once the relay has it. */
async function received(id: string, ms = 10_000): Promise<Received & { head: string; body: string }> {
  const until = Date.now() + ms;
  for (;;) {
    const mail = mailbox.find((m) => m.raw.includes(`<${id}@`));
    if (mail) {
      const split = mail.raw.indexOf('\r\n\r\n');
      return { ...mail, head: mail.raw.slice(0, split), body: mail.raw.slice(split + 4) };
    }
    if (Date.now() > until) {
      const [row] = await sql(server.databaseUrl, 'select status, error, attempts from email where id = $1', [id]);
      throw new Error(`email ${id} did not arrive: ${JSON.stringify(row)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A header section's fields, unfolded, as [name, value]. */
const fields = (head: string) =>
  head
    .replace(/\r\n[ \t]/g, ' ')
    .split('\r\n')
    .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as const);

/** Nothing written for a refused request: no email with this subject. */
const stored = (subject: string) => count(server, 'email', 'subject = $1', [subject]);

describe('what reaches the relay', () => {
  it('a subject, a display name or a header value with line breaks, U+2028 or other controls adds no header; Bcc is only in the envelope', async () => {
    const res = await send({
      ...base,
      from: '"Ädä Lövelace, Acme" <hello@acme.com>',
      to: 'Ada <ada@example.org>',
      cc: 'cc@example.org',
      bcc: ['hidden@example.org'],
      subject: 'Hello\r\nBcc: evil1@evil.com\u2028X-Evil: 1\u0085',
      headers: { 'X-Note': 'a\u2028X-Evil: 2\u0001', 'X-Long': 'word '.repeat(150).trim() },
      attachments: [{ filename: 'ä note.txt', content: Buffer.from('file').toString('base64'), content_type: 'text/plain; charset="utf-8"' }],
    });
    expect(res.status).toBe(200);
    const id = (res.body as { id: string }).id;
    const mail = await received(id);
    expect(mail.to.sort()).toEqual(['ada@example.org', 'cc@example.org', 'hidden@example.org']);
    expect(mail.from).toBe('bounces@send.acme.com');
    const names = fields(mail.head).map(([n]) => n.toLowerCase());
    // One of each header Keyring sets, no Bcc, nothing the values tried to add.
    for (const name of ['from', 'to', 'cc', 'subject', 'message-id', 'date', 'dkim-signature', 'x-note', 'x-long']) {
      expect(
        names.filter((n) => n === name),
        name,
      ).toHaveLength(1);
    }
    expect(names).not.toContain('bcc');
    expect(names).not.toContain('x-evil');
    expect(mail.raw).not.toMatch(/^(bcc|x-evil):/im);
    expect(mail.raw).not.toContain('hidden@example.org');
    // Every line of the message, folded, within SMTP's limit.
    for (const line of mail.raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    const header = Object.fromEntries(fields(mail.head).map(([n, v]) => [n.toLowerCase(), v]));
    expect(header['message-id']).toBe(`<${id}@acme.com>`);
    // Non-ASCII goes out as encoded words, never raw 8-bit in a header.
    expect(mail.head).not.toMatch(/[\u0080-\uffff]/);
    expect(header.from).toMatch(/^=\?UTF-8\?[BQ]\?.*\?= <hello@acme\.com>$/);
    // The file name is a parameter, encoded (one with a line break or another control is refused: rest-probe-3).
    expect(mail.body).toMatch(/filename\*0\*=utf-8''%C3%A4%20note\.txt/);
  });

  it('a subject with line breaks is stored as it is sent, each break a space: the Emails page and GET /emails/:id show what recipients saw', async () => {
    const res = await send({ ...base, subject: 'Quarterly\r\nreport\nfor\rQ3  ' });
    expect(res.status).toBe(200);
    const id = (res.body as { id: string }).id;
    const mail = await received(id);
    expect(fields(mail.head).find(([n]) => n === 'Subject')?.[1]).toBe('Quarterly report for Q3');
    const got = await api(server, `/emails/${id}`, { token: acme.full.token });
    expect((got.body as { subject: string }).subject).toBe('Quarterly report for Q3');
    // Nothing but line breaks is no subject.
    const empty = await send({ ...base, subject: '\r\n\n' });
    expect(empty.status).toBe(422);
    expect(empty.body).toMatchObject({ name: 'validation_error', message: expect.stringContaining('`subject` must not be empty.') });
  });

  it('a header value or a subject with nowhere to fold, at their longest (997), goes out on lines of at most 998: no relay breaks them (and their DKIM signature)', async () => {
    const res = await send({ ...base, subject: 's'.repeat(997), headers: { 'X-Data': 'v'.repeat(997) } });
    expect(res.status).toBe(200);
    const mail = await received((res.body as { id: string }).id);
    expect(fields(mail.head).find(([n]) => n === 'X-Data')?.[1]).toBe('v'.repeat(997));
    expect(fields(mail.head).find(([n]) => n === 'Subject')?.[1]).toBe('s'.repeat(997));
    for (const line of mail.raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    for (const refused of [{ subject: 's'.repeat(998) }, { headers: { 'X-Data': 'v'.repeat(998) } }]) {
      const again = await send({ ...base, ...refused });
      expect(again.status).toBe(422);
      expect(again.body).toMatchObject({ name: 'validation_error', message: expect.stringContaining('at most 997 characters') });
    }
  });

  it('an internationalised recipient domain is accepted and goes into RCPT TO as punycode, so a relay without SMTPUTF8 takes it', async () => {
    const res = await send({ ...base, to: 'Jörg <joerg@bücher.example>', cc: 'x@BÜCHER.example' });
    expect(res.status).toBe(200);
    const mail = await received((res.body as { id: string }).id);
    expect(mail.to.sort()).toEqual(['joerg@bücher.example', 'x@bücher.example']); // as smtp-server decodes them
    // On the wire: ASCII, no SMTPUTF8 asked for.
    expect(wire).toContain('RCPT TO:<joerg@xn--bcher-kva.example>');
    expect(wire).toContain('RCPT TO:<x@xn--bcher-kva.example>');
    expect(wire).not.toMatch(/RCPT TO:<[^>]*[\u0080-\uffff]/);
    expect(mail.head).toMatch(/^To: =\?UTF-8\?[BQ]\?.*\?= <joerg@xn--bcher-kva\.example>$/m);
  });
});

describe('SMTP smuggling', () => {
  it('a text or html with bare LF or CR around a dot goes out with CRLF line ends only and its dots stuffed: no relay can read an end of data in it', async () => {
    const smuggled = 'a\n.\r\nMAIL FROM:<ceo@bank.com>\r\nRCPT TO:<x@example.org>\r\nDATA\r\nFrom: ceo@bank.com\r\n\r\nhi\r\n.\n\r.\rQUIT\r\n';
    const start = wire.length;
    const res = await send({ ...base, subject: 'smuggle', text: smuggled, html: `<p>${smuggled}</p>` });
    expect(res.status).toBe(200);
    const mail = await received((res.body as { id: string }).id);
    const data = wire.slice(start);
    expect(data).not.toMatch(/[^\r]\n|\r[^\n]/);
    // The message itself ends once, where the relay ended it: one message arrived, from the domain's return path.
    expect(data.match(/\r\n\.\r\n/g)).toHaveLength(1);
    expect(mail.from).toBe('bounces@send.acme.com');
    expect(mailbox.filter((m) => m.from !== 'bounces@send.acme.com')).toEqual([]);
  });
});

describe('SMTP smuggling through an attachment', () => {
  for (const type of ['message/rfc822', 'message/global', 'text/plain', 'application/octet-stream']) {
    it(`an attachment of ${type} whose bytes hold bare LF, CR and a dot goes out with CRLF line ends only`, async () => {
      const smuggled =
        'Subject: x\n\nhi\n.\r\nMAIL FROM:<ceo@bank.com>\r\nRCPT TO:<x@example.org>\r\nDATA\r\nFrom: ceo@bank.com\r\n\r\nhi\r\n.\n\r.\rQUIT\r\n\u0000';
      const start = wire.length;
      const res = await send({
        ...base,
        subject: `smuggle ${type}`,
        attachments: [{ filename: 'a.eml', content: Buffer.from(smuggled).toString('base64'), content_type: type }],
      });
      expect(res.status).toBe(200);
      await received((res.body as { id: string }).id);
      const data = wire.slice(start);
      expect(data).not.toMatch(/[^\r]\n|\r[^\n]/);
      expect(data.match(/\r\n\.\r\n/g)).toHaveLength(1);
      expect(mailbox.filter((m) => m.from !== 'bounces@send.acme.com')).toEqual([]);
    });
  }
});

describe('DKIM', () => {
  it('the signature verifies on what the relay received, whatever the message holds: encoded words, folded lines, custom headers, cc, reply-to, attachments', async () => {
    const domain = await sdk(server, acme.full.token).domains.get(acme.domainId);
    const record = (domain.data as unknown as { records: { record: string; value: string }[] }).records.find((r) => r.record === 'DKIM')!;
    const publicKey = record.value.split('p=')[1];
    const bodies = [
      { ...base, subject: 'dkim plain' },
      {
        ...base,
        from: '"Ädä Lövelace, Acme" <hello@acme.com>',
        to: ['Jörg <joerg@bücher.example>', 'b@example.org'],
        cc: 'c@example.org',
        bcc: 'hidden@example.org',
        reply_to: ['Support <support@acme.com>'],
        subject: `dkim ${'Grüße ☃ '.repeat(40)}`,
        html: `<p>${'x'.repeat(5000)}</p>\n.\n`,
        text: 'line\r\n.\r\nmore  \t \n\n\n',
        headers: {
          'X-Note': 'a\u2028b',
          'X-Long': 'word '.repeat(150).trim(),
          'X-Data': 'v'.repeat(997),
          'List-Unsubscribe': '<https://acme.com/u>',
          References: '<a@b.c> <d@e.f>',
        },
        tags: [{ name: 'k', value: 'v' }],
        attachments: [{ filename: 'Grüße.txt', content: Buffer.from('file\r\n').toString('base64') }],
      },
    ];
    for (const body of bodies) {
      const res = await send(body);
      expect(res.status).toBe(200);
      const mail = await received((res.body as { id: string }).id);
      expect(verifyDkim(mail.raw, publicKey), body.subject.slice(0, 20)).toBe(true);
      // and the check can fail: a recipient changed on the way does not verify.
      expect(verifyDkim(mail.raw.replace(/^To: /m, 'To: x'), publicKey)).toBe(false);
    }
  });
});

describe('refused before anything is stored', () => {
  it('an empty (or blank) header value, which the mailer would leave out: 422 naming it', async () => {
    for (const value of ['', '   ']) {
      const subject = `empty header ${JSON.stringify(value)}`;
      const res = await send({ ...base, subject, headers: { 'X-Empty': value } });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ statusCode: 422, name: 'validation_error', message: '`headers.X-Empty` must not be empty.' });
      expect(await stored(subject)).toBe(0);
    }
  });

  it('a recipient whose domain is no host name: 422 naming the field', async () => {
    const domains = [
      'example..org',
      '.example.org',
      'example.org.',
      '-example.org',
      'example-.org',
      'exa_mple.org',
      'ex!ample.org',
      "ex'ample.org",
      'ex*ample.org',
      'ex%41mple.org', // the URL parser decodes it to example.org
      'ex$ample.org',
      'example.123',
      'example.org\u200b', // a zero-width space: a look-alike of example.org
      '\uff45xample.org', // a fullwidth e
      `${'a'.repeat(64)}.org`,
    ];
    for (const [i, domain] of domains.entries()) {
      for (const field of ['to', 'cc', 'bcc', 'reply_to'] as const) {
        const subject = `bad domain ${i} ${field}`;
        const res = await send({ ...base, subject, [field]: `someone@${domain}` });
        expect(res.status, `${field} someone@${domain}`).toBe(422);
        expect(res.body).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringContaining(`Invalid \`${field}\` field`) });
        expect(await stored(subject)).toBe(0);
      }
    }
    // What stays accepted: letters, digits, inner hyphens, an internationalised name, its punycode.
    for (const to of ['a@mail-1.example.org', 'a@bücher.example', 'a@xn--bcher-kva.example', 'a@EXAMPLE.ORG', `a@${'a'.repeat(63)}.org`]) {
      const res = await send({ ...base, subject: `good domain ${to}`, to });
      expect(res.status, to).toBe(200);
    }
  });

  it('an attachment of a multipart type, which went out as the preamble of an empty multipart: 422 naming it', async () => {
    const subject = 'multipart attachment';
    const res = await send({
      ...base,
      subject,
      attachments: [{ filename: 'a.txt', content: Buffer.from('hello').toString('base64'), content_type: 'multipart/mixed; boundary="x"' }],
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      statusCode: 422,
      name: 'validation_error',
      message: expect.stringContaining('`attachments[0].content_type` may not be a `multipart/*` type'),
    });
    expect(await stored(subject)).toBe(0);
  });

  it('an attachment `path` is refused and never fetched by the server (no SSRF)', async () => {
    let hits = 0;
    const target: Server = createServer((_req, res) => {
      hits++;
      res.end('secret');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/latest/meta-data`;
      const subject = 'attachment path';
      const { error } = await sdk(server, acme.full.token).emails.send({ ...base, subject, attachments: [{ filename: 'a.txt', path: url }] });
      expect(error).toMatchObject({ name: 'validation_error', message: expect.stringContaining('attachments[0].path') });
      const batch = await api(server, '/emails/batch', {
        method: 'POST',
        token: acme.full.token,
        headers: { 'x-batch-validation': 'permissive' },
        body: JSON.stringify([{ ...base, subject, attachments: [{ filename: 'a.txt', path: url }] }]),
      });
      expect(batch.body).toMatchObject({ data: [], errors: [{ index: 0, message: expect.stringContaining('attachments[0].path') }] });
      await new Promise((r) => setTimeout(r, 300));
      expect(hits).toBe(0);
      expect(await stored(subject)).toBe(0);
    } finally {
      await new Promise<void>((resolve) => target.close(() => resolve()));
    }
  });

  it('a custom header may not override From, To, Bcc, Message-ID, DKIM-Signature or Return-Path, in any case', async () => {
    for (const name of ['From', 'to', 'BCC', 'Message-Id', 'dkim-signature', 'Return-Path', 'Sender', 'Content-Type', 'Subject']) {
      const subject = `override ${name}`;
      const res = await send({ ...base, subject, headers: { [name]: 'x@evil.com' } });
      expect(res.status, name).toBe(422);
      expect(res.body).toMatchObject({ name: 'validation_error', message: expect.stringContaining(`may not set \`${name}\``) });
      expect(await stored(subject)).toBe(0);
    }
  });

  it('after refusals, no email of them is stored or delivered', async () => {
    const before = Number((await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from email')).at(0)!.n);
    const delivered = mailbox.length;
    for (const body of [
      { ...base, to: 'a@example..org' },
      { ...base, headers: { 'X-A': '' } },
      { ...base, attachments: [{ filename: 'a', content: 'aGVsbG8=', content_type: 'multipart/related' }] },
    ]) {
      const res = await send(body);
      expect(res.status).toBe(422);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(Number((await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from email')).at(0)!.n)).toBe(before);
    expect(mailbox.length).toBe(delivered);
  });
});

describe('large emails', () => {
  let proc: Proc | undefined;
  let counting: SMTPServer | undefined;
  afterAll(async () => {
    if (proc) await stopProc(proc);
    killLeftovers();
    await new Promise<void>((resolve) => (counting ? counting.close(() => resolve()) : resolve()));
  });

  it('40 queued emails of 10 MB each go out from a server with a 256 MB heap: a claim no longer reads every email whole (it died of the heap, and so would each instance that took them next)', async () => {
    let delivered = 0;
    counting = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => {
          delivered++;
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => counting!.listen(0, '127.0.0.1', resolve));
    const smtpUrl = `smtp://127.0.0.1:${(counting.server.address() as AddressInfo).port}`;
    // One email of 10 MB sent through the API (held for later), then 39 copies queued beside it in SQL.
    const setup = await startTestServer({ SMTP_URL: smtpUrl, RATE_LIMIT_PER_SECOND: '0' });
    const team = await setUpTeam(setup, 'Heavy');
    const res = await api(setup, '/emails', {
      method: 'POST',
      token: team.sending.token,
      body: JSON.stringify({
        from: 'hello@heavy.com',
        to: 'a@example.org',
        subject: 'heavy',
        text: 'x',
        scheduled_at: 'in 1 hour',
        attachments: [{ filename: 'big.bin', content: randomBytes(10 * 1024 * 1024).toString('base64') }],
      }),
    });
    expect(res.status).toBe(200);
    await setup.stop();
    const n = 40;
    await sql(
      setup.databaseUrl,
      `insert into email (id, team_id, api_key_id, "from", "to", cc, bcc, reply_to, subject, html, text, headers, tags, attachments, status, message_id, created_at, attempts)
       select gen_random_uuid(), team_id, api_key_id, "from", "to", cc, bcc, reply_to, subject, html, text, headers, tags, attachments, 'queued', message_id, now(), 0
         from email, generate_series(1, $2 - 1) where id = $1`,
      [(res.body as { id: string }).id, n],
    );
    await sql(setup.databaseUrl, `update email set status = 'queued', scheduled_at = null where id = $1`, [(res.body as { id: string }).id]);
    proc = await spawnServer({ DATABASE_URL: setup.databaseUrl, SMTP_URL: smtpUrl, NODE_OPTIONS: '--max-old-space-size=256', LOG_LEVEL: 'warn' });
    let exited = false;
    void proc.exited.then(() => {
      exited = true;
    });
    const until = Date.now() + 120_000;
    let sent = 0;
    while (!exited && sent < n && Date.now() < until) {
      await sleep(500);
      sent = Number((await sql<{ n: string }>(setup.databaseUrl, `select count(*) as n from email where status = 'sent'`))[0].n);
    }
    expect(exited, proc.output().slice(-2000)).toBe(false);
    expect(sent).toBe(n);
    expect(delivered).toBe(n);
  }, 240_000);
});
