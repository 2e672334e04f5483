import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';
import { api, count, MISSING_ID, sdk, setUpTeam, type Team } from './rest-harness.js';
import { type SmtpSink, startSmtpSink } from './smtp.js';

let smtp: SmtpSink;
let server: TestServer;
let acme: Team;
let restricted: string;
let contactId: string;
let scheduledId: string;
let broadcastId: string;

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startTestServer({ SMTP_URL: smtp.url, RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  const key = await acme.admin.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token } }`, {
    input: { name: 'Acme only', permission: 'SENDING_ACCESS', domainId: acme.domainId },
  });
  restricted = key.data!.createApiKey.token as string;
  contactId = (await sdk(server, acme.full.token).contacts.create({ email: 'someone@example.com' })).data!.id;
  broadcastId = (await sdk(server, acme.full.token).broadcasts.create({ segmentId: MISSING_ID, from: 'hello@acme.com', subject: 's', html: 'h' })).data!.id;
  scheduledId = (await sdk(server, acme.full.token).emails.send({ ...email, scheduledAt: 'in 1 hour' })).data!.id;
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

const email = { from: 'Acme <hello@acme.com>', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };

/**
 * Every REST write route; `resend` lists the fields of Resend's request body for it (resend.yaml of
 * resend/resend-openapi; nested ones as `attachments[0].x`), `implemented` those Keyring honours.
 * Every other field of Resend's, and one that Resend does not have either, must be refused.
 */
type WriteRoute = {
  method: string;
  label: string;
  path: () => string;
  base: () => Record<string, unknown>;
  table: string;
  resend: string[];
  implemented: string[];
  batch?: boolean;
};
const EMAIL_FIELDS = [
  'from',
  'to',
  'subject',
  'bcc',
  'cc',
  'reply_to',
  'html',
  'text',
  'template',
  'headers',
  'scheduled_at',
  'attachments',
  'tags',
  'topic_id',
];
const ATTACHMENT_FIELDS = [
  'attachments[0].content',
  'attachments[0].filename',
  'attachments[0].path',
  'attachments[0].content_type',
  'attachments[0].content_id',
];
const EMAIL_IMPLEMENTED = [
  'from',
  'to',
  'subject',
  'bcc',
  'cc',
  'reply_to',
  'html',
  'text',
  'headers',
  'attachments',
  'tags',
  'scheduled_at',
  'attachments[0].content',
  'attachments[0].filename',
  'attachments[0].content_type',
];
const routes: WriteRoute[] = [
  {
    method: 'POST',
    label: '/emails',
    path: () => '/emails',
    base: () => email,
    table: 'email',
    resend: [...EMAIL_FIELDS, ...ATTACHMENT_FIELDS],
    implemented: EMAIL_IMPLEMENTED,
  },
  {
    method: 'POST',
    label: '/emails/batch',
    path: () => '/emails/batch',
    base: () => email,
    table: 'email',
    resend: [...EMAIL_FIELDS, ...ATTACHMENT_FIELDS],
    implemented: EMAIL_IMPLEMENTED,
    batch: true,
  },
  {
    method: 'POST',
    label: '/domains',
    path: () => '/domains',
    base: () => ({ name: `d${Math.random().toString(36).slice(2, 8)}.example.com` }),
    table: 'domain',
    resend: ['name', 'region', 'custom_return_path', 'open_tracking', 'click_tracking', 'tls', 'capabilities', 'tracking_subdomain'],
    implemented: ['name', 'region'],
  },
  {
    method: 'PATCH',
    label: '/emails/:id',
    path: () => `/emails/${scheduledId}`,
    base: () => ({ scheduled_at: 'in 2 hours' }),
    table: 'email',
    resend: ['scheduled_at'],
    implemented: ['scheduled_at'],
  },
  { method: 'POST', label: '/emails/:id/cancel', path: () => `/emails/${scheduledId}/cancel`, base: () => ({}), table: 'email', resend: [], implemented: [] },
  {
    method: 'POST',
    label: '/domains/:id/verify',
    path: () => `/domains/${acme.domainId}/verify`,
    base: () => ({}),
    table: 'audit_event',
    resend: [],
    implemented: [],
  },
  // Resend's deletes take no body: any field is refused, and nothing is deleted.
  { method: 'DELETE', label: '/api-keys/:id', path: () => `/api-keys/${acme.sending.id}`, base: () => ({}), table: 'api_key', resend: [], implemented: [] },
  { method: 'DELETE', label: '/domains/:id', path: () => `/domains/${acme.domainId}`, base: () => ({}), table: 'domain', resend: [], implemented: [] },
  { method: 'DELETE', label: '/contacts/:id', path: () => `/contacts/${contactId}`, base: () => ({}), table: 'contact', resend: [], implemented: [] },
  { method: 'DELETE', label: '/broadcasts/:id', path: () => `/broadcasts/${broadcastId}`, base: () => ({}), table: 'broadcast', resend: [], implemented: [] },
  {
    method: 'POST',
    label: '/api-keys',
    path: () => '/api-keys',
    base: () => ({ name: 'k' }),
    table: 'api_key',
    resend: ['name', 'permission', 'domain_id'],
    implemented: ['name', 'permission', 'domain_id'],
  },
  {
    method: 'PATCH',
    label: '/api-keys/:id',
    path: () => `/api-keys/${acme.full.id}`,
    base: () => ({ name: 'Acme full' }),
    table: 'audit_event',
    resend: ['name'],
    implemented: ['name'],
  },
  {
    method: 'POST',
    label: '/contacts',
    path: () => '/contacts',
    base: () => ({ email: `c${Math.random().toString(36).slice(2, 8)}@example.com` }),
    table: 'contact',
    resend: ['email', 'first_name', 'last_name', 'unsubscribed', 'properties', 'segments', 'topics', 'audience_id'],
    implemented: ['email', 'first_name', 'last_name', 'unsubscribed'],
  },
  {
    method: 'PATCH',
    label: '/contacts/:id',
    path: () => `/contacts/${contactId}`,
    base: () => ({ first_name: 'Ada' }),
    table: 'audit_event',
    resend: ['email', 'first_name', 'last_name', 'unsubscribed', 'properties'],
    implemented: ['first_name', 'last_name', 'unsubscribed'],
  },
  {
    method: 'POST',
    label: '/broadcasts',
    path: () => '/broadcasts',
    base: () => ({ from: 'hello@acme.com', subject: 's', html: 'h', segment_id: MISSING_ID }),
    table: 'broadcast',
    resend: ['name', 'segment_id', 'audience_id', 'from', 'subject', 'reply_to', 'preview_text', 'html', 'text', 'topic_id', 'send', 'scheduled_at'],
    implemented: ['name', 'segment_id', 'audience_id', 'from', 'subject', 'reply_to', 'preview_text', 'html', 'text'],
  },
];

/** A value that asks for something (not null, not empty). */
const VALUES: Record<string, unknown> = {
  template: { id: 'welcome', variables: { name: 'Ada' } },
  properties: { plan: 'pro' },
  segments: [{ id: MISSING_ID }],
  topics: [{ id: MISSING_ID, subscription: 'opt_in' }],
  capabilities: { sending: 'enabled', receiving: 'enabled' },
  open_tracking: true,
  click_tracking: true,
  send: true,
  scheduled_at: 'in 1 min',
  'attachments[0].path': 'https://example.com/invoice.pdf',
  'attachments[0].content_id': 'logo',
};

function bodyWith(route: WriteRoute, field: string, value: unknown): unknown {
  const one: Record<string, unknown> = { ...route.base() };
  const nested = /^attachments\[0\]\.(.+)$/.exec(field);
  if (nested) one.attachments = [{ filename: 'a.txt', content: 'aGk=', [nested[1]]: value }];
  else one[field] = value;
  return route.batch ? [one] : one;
}

describe('no Resend field is silently dropped', () => {
  for (const route of routes) {
    const refused = [...route.resend.filter((f) => !route.implemented.includes(f)), 'not_a_resend_field'];
    for (const field of refused) {
      it(`${route.method} ${route.label} refuses \`${field}\` with 422 validation_error naming it, and writes nothing`, async () => {
        const before = await count(server, route.table);
        const value = VALUES[field] ?? 'x';
        const res = await api(server, route.path(), { method: route.method, token: acme.full.token, body: JSON.stringify(bodyWith(route, field, value)) });
        expect(res.status, JSON.stringify(res.body)).toBe(422);
        expect(res.body).toMatchObject({ statusCode: 422, name: 'validation_error' });
        expect((res.body as { message: string }).message).toContain(`\`${route.batch ? `emails[0].${field}` : field}\``);
        expect(await count(server, route.table)).toBe(before);
      });
    }
  }

  it('accepts the Resend fields as null: the SDK sends what it was not given as undefined, and null asks for nothing', async () => {
    const { error } = await sdk(server, acme.full.token).domains.create({ name: 'nulls.example.com' });
    expect(error).toBeNull();
    const res = await api(server, '/emails', { method: 'POST', token: acme.full.token, body: JSON.stringify({ ...email, template: null, topic_id: null }) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('names the field through the SDK too', async () => {
    const { error } = await sdk(server, acme.sending.token).emails.send({ ...email, attachments: [{ filename: 'a.pdf', path: 'https://example.com/a.pdf' }] });
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringContaining('`attachments[0].path`') });
  });
});

describe('sender headers', () => {
  const reserved = [
    'Sender',
    'Return-Path',
    'Resent-From',
    'resent-sender',
    'Message-ID',
    'DKIM-Signature',
    'Content-Type',
    'Content-Transfer-Encoding',
    'From',
    'Reply-To',
    'MIME-Version',
    'Received',
    'ARC-Seal',
  ];
  for (const name of reserved) {
    it(`refuses \`${name}\` from a domain-restricted key with 422 naming it, and nothing is stored or sent`, async () => {
      const before = await count(server, 'email');
      const { error } = await sdk(server, restricted).emails.send({
        ...email,
        subject: `header ${name}`,
        headers: { 'X-Entity-Ref-ID': '1', [name]: 'evil <ceo@other.com>' },
      });
      expect(error).toMatchObject({ statusCode: 422, name: 'validation_error' });
      expect(error!.message).toContain(`\`${name}\``);
      expect(await count(server, 'email')).toBe(before);
    });
  }

  it('refuses a header value with a line break (no header injection)', async () => {
    const { error } = await sdk(server, restricted).emails.send({ ...email, headers: { 'X-Note': 'a\r\nSender: ceo@other.com' } });
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringContaining('`headers.X-Note`') });
  });

  it('names every refused header of a batch email, with its index', async () => {
    const res = await api(server, '/emails/batch', {
      method: 'POST',
      token: restricted,
      body: JSON.stringify([email, { ...email, headers: { Sender: 'a@b.com', 'Return-Path': 'b@c.com' } }]),
    });
    expect(res.status).toBe(422);
    expect((res.body as { message: string }).message).toMatch(/^emails\[1\]: .*`Sender`, `Return-Path`/);
  });

  it('still sends custom headers that are not sender headers, and they arrive', async () => {
    const { error } = await sdk(server, restricted).emails.send({
      ...email,
      subject: 'custom header',
      headers: { 'X-Entity-Ref-ID': 'ref-42', 'List-Unsubscribe': '<mailto:u@acme.com>' },
    });
    expect(error).toBeNull();
    const mail = await smtp.waitFor((m) => m.subject === 'custom header');
    expect(mail.raw).toMatch(/^X-Entity-Ref-ID: ref-42$/m);
    expect(mail.raw).toMatch(/^List-Unsubscribe: <mailto:u@acme.com>$/m);
  });
});

describe("Resend's routes that Keyring does not offer", () => {
  const unoffered: [string, string, string][] = [
    ['GET', '/emails/metrics', 'GET /emails/metrics'],
    ['GET', `/emails/${MISSING_ID}/attachments`, 'GET /emails/:email_id/attachments'],
    ['POST', `/emails/${MISSING_ID}/share`, 'POST /emails/:email_id/share'],
    ['GET', '/emails/receiving', 'GET /emails/receiving'],
    ['PATCH', `/domains/${MISSING_ID}`, 'PATCH /domains/:domain_id'],
    ['POST', '/domains/claim', 'POST /domains/claim'],
    ['GET', '/templates', 'GET /templates'],
    ['POST', '/webhooks', 'POST /webhooks'],
    ['GET', `/audiences/${MISSING_ID}/contacts`, 'GET /audiences/:id/contacts'],
    ['PATCH', `/broadcasts/${MISSING_ID}`, 'PATCH /broadcasts/:id'],
    ['POST', `/broadcasts/${MISSING_ID}/send`, 'POST /broadcasts/:id/send'],
    ['GET', '/segments', 'GET /segments'],
  ];
  for (const [label, token] of [
    ['with a key', () => acme.full.token],
    ['without a key', () => undefined],
    ['with a bad key', () => 're_not_a_key'],
  ] as const) {
    it(`answers 404 not_found saying Keyring does not offer them, ${label}`, async () => {
      for (const [method, path, endpoint] of unoffered) {
        const res = await api(server, path, { method, token: token(), body: method === 'GET' ? undefined : '{}' });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body).toEqual({ statusCode: 404, name: 'not_found', message: expect.stringContaining(`Keyring does not offer ${endpoint}`) });
      }
      const unknown = await api(server, '/nowhere', { token: token() });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ statusCode: 404, name: 'not_found', message: 'The requested endpoint does not exist.' });
    });
  }

  it('the SDK gets the same answer, and the request is logged with the key', async () => {
    const { error } = await sdk(server, acme.full.token).topics.list();
    expect(error).toMatchObject({ statusCode: 404, name: 'not_found', message: expect.stringContaining('Keyring does not offer GET /topics') });
    await server.app.services.usageRecorder.flush();
    expect(await count(server, 'usage_log', `endpoint = '/topics' and status_code = 404 and api_key_id = $1`, [acme.full.id])).toBe(1);
  });

  it('still answers the routes it serves without a key with 401', async () => {
    const res = await api(server, '/emails', { method: 'POST', body: JSON.stringify(email) });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ name: 'missing_api_key' });
  });
});
