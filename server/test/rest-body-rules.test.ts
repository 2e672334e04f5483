import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScheduledAt } from '../src/modules/email/email.validation.js';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, count, sdk, setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let acme: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Rules');
});
afterAll(() => server?.stop());

const email = { from: 'Rules <hello@rules.com>', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };
const post = (path: string, body: unknown, token = acme.full.token) => api(server, path, { method: 'POST', token, body: JSON.stringify(body) });
const emailRow = async (id: string) =>
  (
    await sql<{
      cc: unknown;
      bcc: unknown;
      reply_to: unknown;
      html: string | null;
      text: string | null;
      headers: unknown;
      tags: unknown;
      attachments: unknown;
      scheduled_at: Date | null;
    }>(server.databaseUrl, 'select cc, bcc, reply_to, html, text, headers, tags, attachments, scheduled_at from email where id = $1', [id])
  )[0];

describe('null is an absent optional field, on every route', () => {
  it('POST /emails: every optional field as null is accepted and stored as not given', async () => {
    const res = await post('/emails', {
      ...email,
      html: '<p>Hello</p>',
      text: null,
      cc: null,
      bcc: null,
      reply_to: null,
      headers: null,
      tags: null,
      attachments: null,
      scheduled_at: null,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const row = await emailRow((res.body as { id: string }).id);
    expect(row).toMatchObject({
      cc: [],
      bcc: [],
      reply_to: [],
      html: '<p>Hello</p>',
      text: null,
      headers: null,
      tags: null,
      attachments: null,
      scheduled_at: null,
    });
  });

  it("POST /emails: an attachment's content_type as null is a file of no given type", async () => {
    const res = await post('/emails', { ...email, attachments: [{ filename: 'a.txt', content: 'aGk=', content_type: null }] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('the SDK passing replyTo: null, cc: null sends', async () => {
    const { error } = await sdk(server, acme.sending.token).emails.send({ ...email, replyTo: null, cc: null, bcc: null } as never);
    expect(error).toBeNull();
  });

  it('POST /emails/batch: null optional fields are accepted in each email', async () => {
    const res = await post('/emails/batch', [
      { ...email, reply_to: null },
      { ...email, cc: null, text: null, html: 'h' },
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('a required field as null is missing, as absent is', async () => {
    for (const field of ['from', 'to', 'subject'] as const) {
      const res = await post('/emails', { ...email, [field]: null });
      expect(res.body).toEqual({ statusCode: 422, name: 'missing_required_field', message: `Missing \`${field}\` field.` });
    }
    const neither = await post('/emails', { ...email, text: null, html: null });
    expect(neither.body).toEqual({ statusCode: 422, name: 'validation_error', message: 'Missing `html` or `text` field.' });
  });

  it('POST /domains: region null', async () => {
    const res = await post('/domains', { name: 'null-region.example.com', region: null });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ name: 'null-region.example.com' });
  });

  it('POST /api-keys: domain_id and permission null; PATCH /api-keys/:id: name and permission null change nothing', async () => {
    const res = await post('/api-keys', { name: 'null key', domain_id: null, permission: null });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const id = (res.body as { id: string }).id;
    const patched = await api(server, `/api-keys/${id}`, { method: 'PATCH', token: acme.full.token, body: JSON.stringify({ name: null, permission: null }) });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ name: 'null key', permission: 'full_access', domain_id: null });
  });

  it('POST /contacts and PATCH: unsubscribed null; POST /broadcasts: send null, segment_id null beside audience_id', async () => {
    const created = await post('/contacts', { email: 'null-unsub@example.com', unsubscribed: null });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const patched = await api(server, '/contacts/null-unsub@example.com', {
      method: 'PATCH',
      token: acme.full.token,
      body: JSON.stringify({ unsubscribed: null }),
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const broadcast = await post('/broadcasts', { from: 'hello@rules.com', subject: 's', html: 'h', send: null, segment_id: null, audience_id: 'seg-1' });
    expect(broadcast.status, JSON.stringify(broadcast.body)).toBe(200);
  });
});

describe('every validation message names its field', () => {
  const long = 'x'.repeat(300);
  const cases: [string, Record<string, unknown>, string][] = [
    ['an attachment with no filename', { attachments: [{ content: 'aGk=' }] }, '`attachments[0].filename` is required.'],
    ['an attachment with no content', { attachments: [{ filename: 'a.txt' }] }, '`attachments[0].content` is required: the file, in base64.'],
    [
      'an attachment whose content is a number',
      { attachments: [{ filename: 'a.txt', content: 1 }] },
      '`attachments[0].content` must be a string: the file, in base64.',
    ],
    ['a 300-character filename', { attachments: [{ filename: long, content: 'aGk=' }] }, '`attachments[0].filename` must be at most 255 characters.'],
    ['an empty filename', { attachments: [{ filename: '', content: 'aGk=' }] }, '`attachments[0].filename` must not be empty.'],
    ['attachments that are not a list', { attachments: 'a.txt' }, '`attachments` must be a list.'],
    ['a tag with no value', { tags: [{ name: 'a' }] }, '`tags[0].value` is required.'],
    [
      'a tag with a bad name',
      {
        tags: [
          { name: 'a', value: 'b' },
          { name: 'a b', value: 'c' },
        ],
      },
      '`tags[1].name` may contain only ASCII letters, numbers, underscores and dashes.',
    ],
    ['a tag with a bad value', { tags: [{ name: 'a', value: 'b c' }] }, '`tags[0].value` may contain only ASCII letters, numbers, underscores and dashes.'],
    ['51 tags', { tags: Array.from({ length: 51 }, (_, i) => ({ name: `t${i}`, value: 'v' })) }, '`tags` accepts at most 50 items.'],
    ['a header that is a number', { headers: { 'X-A': 1 } }, '`headers.X-A` must be a string.'],
    ['headers that are a list', { headers: ['X-A: 1'] }, '`headers` must be an object.'],
    ['a header of 998 characters', { headers: { 'X-A': 'v'.repeat(998) } }, "`headers.X-A` must be at most 997 characters (a header line's limit)."],
    ['a text that is a number', { text: 1 }, '`text` must be a string.'],
    ['an html that is an object', { html: {} }, '`html` must be a string.'],
    ['a subject of 998 characters', { subject: 's'.repeat(998) }, '`subject` must be at most 997 characters.'],
  ];
  for (const [label, fields, expected] of cases) {
    it(`${label}: ${expected}`, async () => {
      const res = await post('/emails', { ...email, ...fields });
      expect(res.body).toEqual({ statusCode: 422, name: 'validation_error', message: expected });
    });
  }

  it('in a batch, with the email it is about', async () => {
    const res = await post('/emails/batch', [email, { ...email, attachments: [{ content: 'aGk=' }] }]);
    expect(res.body).toEqual({ statusCode: 422, name: 'validation_error', message: 'emails[1]: `attachments[0].filename` is required.' });
  });

  it('through the SDK too', async () => {
    const { error } = await sdk(server, acme.sending.token).emails.send({ ...email, tags: [{ name: 'a' } as never] });
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error', message: '`tags[0].value` is required.' });
  });
});

describe("an attachment's content_type", () => {
  const attach = (content_type: string) => ({
    ...email,
    attachments: [
      { filename: 'a.txt', content: 'aGk=' },
      { filename: 'b.txt', content: 'aGk=', content_type },
    ],
  });

  for (const bad of [
    'text/plain\r\nX-Evil: 1',
    'text/plain\nX-Evil: 1',
    'not a mime type',
    'text',
    'text/',
    '/plain',
    'text/plain;',
    'text/plain; charset',
    'text/plain; name="a\r\nb"',
    'text /plain',
  ]) {
    it(`refuses ${JSON.stringify(bad)} with 422 naming attachments[1].content_type, and stores nothing`, async () => {
      const before = await count(server, 'email', 'team_id = $1', [acme.teamId]);
      const res = await post('/emails', attach(bad));
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        statusCode: 422,
        name: 'validation_error',
        message: expect.stringMatching(/^`attachments\[1\]\.content_type` must be a MIME type/),
      });
      expect(await count(server, 'email', 'team_id = $1', [acme.teamId])).toBe(before);
    });
  }

  it('accepts a type/subtype, with parameters', async () => {
    for (const good of [
      'application/pdf',
      'text/plain; charset=utf-8',
      'text/csv;charset="UTF-8"',
      'application/octet-stream; name="a b.pdf"',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'image/svg+xml',
    ]) {
      const res = await post('/emails', attach(good));
      expect(res.status, `${good}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });
});

describe('scheduled_at with an offset of hours alone (±hh)', () => {
  /** An hour two days ahead, as `YYYY-MM-DD?HH:00:00` in UTC+1 wall time, and the instant it is. */
  const ahead = () => {
    const at = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 2 * 86_400_000);
    const wall = new Date(at.getTime() + 3_600_000).toISOString().slice(0, 19);
    return { at, wall };
  };

  it('reads ±hh as ±hh:00, with a space or a T', async () => {
    const { at, wall } = ahead();
    for (const value of [`${wall.replace('T', ' ')}+01`, `${wall}+01`, `${wall}+0100`, `${wall}+01:00`]) {
      const res = await post('/emails', { ...email, scheduled_at: value });
      expect(res.status, `${value}: ${JSON.stringify(res.body)}`).toBe(200);
      expect((await emailRow((res.body as { id: string }).id)).scheduled_at?.toISOString(), value).toBe(at.toISOString());
    }
  });

  it('PATCH /emails/:id reads it too', async () => {
    const { at, wall } = ahead();
    const sent = await post('/emails', { ...email, scheduled_at: 'in 1 hour' });
    const id = (sent.body as { id: string }).id;
    const res = await api(server, `/emails/${id}`, { method: 'PATCH', token: acme.full.token, body: JSON.stringify({ scheduled_at: `${wall}-00` }) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await emailRow(id)).scheduled_at?.toISOString()).toBe(new Date(at.getTime() + 3_600_000).toISOString());
  });

  it('parses the offset forms alike; an offset out of range is refused saying so', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    const instant = Date.parse('2026-12-06T09:00:00Z');
    for (const value of [
      '2026-12-06T10:00:00+01',
      '2026-12-06 10:00:00+01',
      '2026-12-06T10:00+01',
      '2026-12-06T10:00+0100',
      '2026-12-06T04:30-0430',
      '2026-12-06T09:00:00.000z',
    ]) {
      expect(parseScheduledAt(value, now).getTime(), value).toBe(instant);
    }
    expect(() => parseScheduledAt('2026-12-06T10:00:00+24', now)).toThrow(/offset out of range \(\+24:00\)/);
    expect(() => parseScheduledAt('2026-12-06T10:00:00+01:60', now)).toThrow(/offset out of range/);
    // Every other rule stands.
    expect(() => parseScheduledAt('2026-02-31T10:00:00+01', now)).toThrow(/ISO 8601/);
    expect(() => parseScheduledAt('2026-12-06T10:00:00', now)).toThrow(/ISO 8601/);
    expect(() => parseScheduledAt('2026-11-30T10:00:00+01', now)).toThrow(/in the past/);
    expect(() => parseScheduledAt('2027-01-06T10:00:00+01', now)).toThrow(/at most 30 days/);
  });
});

describe('Content-Type of a request body', () => {
  const send = (headers: Record<string, string>, body: string | Uint8Array, path = '/contacts') =>
    fetch(`${server.url}/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${acme.full.token}`, ...headers }, body });
  const json = (address: string) => JSON.stringify({ email: address });

  for (const type of ['multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/xml', 'text/html', 'application/jsonp']) {
    it(`refuses ${type} with 415 in Resend's error shape, and writes nothing`, async () => {
      const before = await count(server, 'contact');
      const res = await send({ 'content-type': type }, json(`type-${type.length}@example.com`));
      expect(res.status).toBe(415);
      const media = type.split(';')[0];
      expect(await res.json()).toEqual({
        statusCode: 415,
        name: 'validation_error',
        message: expect.stringMatching(new RegExp(`^Unsupported Content-Type "${media.replace(/[+.]/g, '\\$&')}".*: the body must be JSON`)),
      });
      expect(await count(server, 'contact')).toBe(before);
    });
  }

  it('tells a curl user that -d sends a form', async () => {
    const res = await send({ 'content-type': 'application/x-www-form-urlencoded' }, json('curl@example.com'));
    expect(((await res.json()) as { message: string }).message).toContain("add -H 'Content-Type: application/json'");
  });

  it('reads JSON sent as application/json, a +json type, text/plain or with no Content-Type at all', async () => {
    const cases: [string, Record<string, string>][] = [
      ['json', { 'content-type': 'Application/JSON; charset=utf-8' }],
      ['vnd', { 'content-type': 'application/vnd.api+json' }],
      ['plain', { 'content-type': 'text/plain;charset=UTF-8' }],
      ['none', {}],
    ];
    for (const [name, headers] of cases) {
      // A byte body: fetch adds no Content-Type of its own.
      const res = await send(headers, new TextEncoder().encode(json(`accepted-${name}@example.com`)));
      expect(res.status, `${name}: ${await res.clone().text()}`).toBe(200);
    }
    expect(await count(server, 'contact', `email like 'accepted-%'`)).toBe(4);
  });

  it('a request with no body is not refused for its Content-Type', async () => {
    const sent = await post('/emails', { ...email, scheduled_at: 'in 1 hour' });
    const res = await fetch(`${server.url}/api/emails/${(sent.body as { id: string }).id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme.full.token}`, 'content-type': 'application/x-www-form-urlencoded', 'content-length': '0' },
    });
    expect(res.status, await res.clone().text()).toBe(200);
  });
});
