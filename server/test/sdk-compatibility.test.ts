import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resend } from 'resend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';
import { MISSING_ID, setUpTeam, type Team } from './rest-harness.js';

/*
 * The README's claim about the `resend` SDK, made by calling it: every public method of the pinned
 * SDK against a running Keyring, each answer classified, written to docs/resend-compatibility.md.
 * The test fails when the committed table differs from what it finds, so the table cannot go stale.
 */
const TABLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'resend-compatibility.md');
const SDK_VERSION = JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.resolve('resend'))), '..', 'package.json'), 'utf8'))
  .version as string;

// The SDK's transport, not API calls: every method below goes through them.
const TRANSPORT = new Set(['logError', 'fetchRequest', 'post', 'get', 'put', 'patch', 'delete']);

let server: TestServer;
let team: Team;

type Row = { method: string; request: string; answer: string; verdict: 'works' | 'refused' | 'not offered' | 'no request' };

/** Every public method of the SDK, as `resend.emails.send`, with the object that holds it. */
function methodsOf(root: Resend): { name: string; owner: Record<string, (...a: unknown[]) => unknown>; key: string }[] {
  const out: { name: string; owner: Record<string, (...a: unknown[]) => unknown>; key: string }[] = [];
  const seen = new Set<object>();
  const walk = (obj: Record<string, unknown>, at: string, top: boolean) => {
    if (seen.has(obj)) return;
    seen.add(obj);
    const keys = new Set<string>();
    for (let proto = Object.getPrototypeOf(obj); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const k of Object.getOwnPropertyNames(proto)) if (k !== 'constructor' && typeof obj[k] === 'function' && !(top && TRANSPORT.has(k))) keys.add(k);
    }
    for (const key of [...keys].sort()) out.push({ name: `${at}.${key}`, owner: obj as Record<string, (...a: unknown[]) => unknown>, key });
    for (const k of Object.keys(obj).sort()) {
      const child = obj[k];
      if (k !== 'resend' && child && typeof child === 'object' && Object.getPrototypeOf(child) !== Object.prototype && !(child instanceof Headers)) {
        walk(child as Record<string, unknown>, `${at}.${k}`, false);
      }
    }
  };
  walk(root as unknown as Record<string, unknown>, 'resend', true);
  return out;
}

const email = { from: 'Acme <hello@acme.com>', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };

/**
 * How the methods Keyring serves are called, in order (each may use what an earlier one made);
 * every other method is called with an id and an options object naming ids of every kind.
 */
const ids: Record<string, string> = {};
const CALLS: Record<string, () => unknown[]> = {
  'resend.apiKeys.create': () => [{ name: 'compat' }],
  'resend.apiKeys.list': () => [],
  'resend.apiKeys.update': () => [ids.apiKey, { name: 'compat renamed' }],
  'resend.apiKeys.remove': () => [ids.apiKey],
  'resend.domains.create': () => [{ name: 'compat.example.com' }],
  'resend.domains.list': () => [],
  'resend.domains.get': () => [ids.domain],
  'resend.domains.verify': () => [ids.domain],
  'resend.domains.update': () => [{ id: ids.domain, openTracking: true }],
  'resend.domains.remove': () => [ids.domain],
  'resend.emails.send': () => [email],
  'resend.emails.create': () => [{ ...email, scheduledAt: 'in 1 hour' }],
  'resend.emails.get': () => [ids.email],
  'resend.emails.list': () => [],
  'resend.emails.update': () => [{ id: ids.scheduled, scheduledAt: 'in 2 hours' }],
  'resend.emails.cancel': () => [ids.scheduled],
  'resend.batch.send': () => [[email, email]],
  'resend.batch.create': () => [[email], { batchValidation: 'permissive' }],
  'resend.contacts.create': () => [{ email: 'compat@example.com', firstName: 'Ada' }],
  'resend.contacts.list': () => [],
  'resend.contacts.get': () => [ids.contact],
  'resend.contacts.update': () => [{ id: ids.contact, unsubscribed: true }],
  'resend.contacts.remove': () => [ids.contact],
  'resend.broadcasts.create': () => [{ segmentId: MISSING_ID, from: 'hello@acme.com', subject: 'News', html: '<p>News</p>' }],
  'resend.broadcasts.list': () => [],
  'resend.broadcasts.get': () => [ids.broadcast],
  'resend.broadcasts.remove': () => [ids.broadcast],
  'resend.logs.list': () => [],
  'resend.logs.get': () => [ids.log],
};
const OTHER_CALLS: Record<string, () => unknown[]> = {
  // Not offered, called as their types ask (the generic options below would break the SDK's own code first).
  'resend.automations.create': () => [{ name: 'compat', steps: [], connections: [] }],
  'resend.emails.metrics': () => [{}],
  'resend.contacts.imports.appendField': () => [new FormData(), 'name', 'value'],
  'resend.webhooks.verify': () => [
    { payload: '{}', headers: { id: 'msg_1', timestamp: '1', signature: 'v1,AAAA' }, webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  ],
};
/** Where a call's answer holds an id that a later call uses. */
const KEEP: Record<string, string> = {
  'resend.apiKeys.create': 'apiKey',
  'resend.domains.create': 'domain',
  'resend.emails.send': 'email',
  'resend.emails.create': 'scheduled',
  'resend.contacts.create': 'contact',
  'resend.broadcasts.create': 'broadcast',
};
// Served methods run first, in the order above (create, read, change, remove).
const order = (name: string) => (name in CALLS ? Object.keys(CALLS).indexOf(name) : Object.keys(CALLS).length);

/** The first parameter's name in the SDK's source: an id (a string) or an options object. */
function takesId(fn: (...a: unknown[]) => unknown): boolean {
  const first = /^[^(]*\(\s*([A-Za-z_$][\w$]*)/.exec(fn.toString())?.[1] ?? '';
  return /^(id|identifier|idOrEmail|domainId|emailId|url)$/.test(first);
}

const anyIds = () => {
  const id = MISSING_ID;
  return {
    id,
    emailId: id,
    automationId: id,
    runId: id,
    inboxId: id,
    threadId: id,
    draftId: id,
    labelId: id,
    contactId: id,
    segmentId: id,
    webhookId: id,
    eventId: id,
    topicId: id,
    name: 'compat',
    email: 'compat-other@example.com',
    from: 'hello@acme.com',
    to: 'ada@example.org',
    subject: 'Hi',
    text: 'Hello',
    html: '<p>Hello</p>',
  };
};

const normalise = (s: string) =>
  s
    .replaceAll(server.url, '')
    .replace(/\?\S*/, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id')
    .replace(/compat(-other)?@example\.com/g, ':email')
    .replace(/%5Bobject%20Object%5D|\[object Object\]/g, ':object');

async function call(resend: Resend, m: ReturnType<typeof methodsOf>[number], requests: string[]): Promise<Row> {
  const fn = m.owner[m.key];
  const args =
    (CALLS[m.name] ?? OTHER_CALLS[m.name])?.() ??
    (takesId(fn) ? [m.key === 'downloadRaw' ? `${server.url}/api/emails/receiving/raw` : MISSING_ID, anyIds()] : [anyIds(), anyIds()]);
  requests.length = 0;
  let result: unknown;
  try {
    result = await Promise.race([fn.apply(m.owner, args), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s')), 10_000))]);
  } catch (e) {
    const why =
      m.name === 'resend.webhooks.verify'
        ? 'checks a webhook signature locally (Keyring sends no webhooks)'
        : `throws: ${normalise((e as Error).message).slice(0, 120)}`;
    return { method: m.name, request: requests.map(normalise).join(', ') || '—', answer: why, verdict: requests.length ? 'refused' : 'no request' };
  }
  const request = requests.map(normalise).join(', ') || '—';
  const { data, error } = (result ?? {}) as {
    data?: { id?: string; data?: unknown[] } | null;
    error?: { statusCode: number | null; name: string; message: string } | null;
  };
  if (KEEP[m.name] && data?.id) ids[KEEP[m.name]] = data.id;
  if (!requests.length) {
    return { method: m.name, request, answer: error ? `the SDK answers ${error.name}: ${normalise(error.message)}` : 'a local helper', verdict: 'no request' };
  }
  if (!error) return { method: m.name, request, answer: 'works', verdict: 'works' };
  const answer = `${error.statusCode} ${error.name}: ${normalise(error.message).replace(/: it implements part of Resend's API.*$/, '')}`;
  if (error.statusCode === 404 && error.message.startsWith('Keyring does not offer'))
    return { method: m.name, request, answer: 'not offered (404)', verdict: 'not offered' };
  return { method: m.name, request, answer, verdict: 'refused' };
}

function render(rows: Row[]): string {
  const count = (v: Row['verdict']) => rows.filter((r) => r.verdict === v).length;
  const lines = [
    '# The `resend` SDK against Keyring',
    '',
    `Generated by \`server/test/sdk-compatibility.test.ts\`, which calls every public method of the pinned \`resend\` SDK (${SDK_VERSION}) against a running Keyring and fails when this file differs from what it finds. Do not edit by hand: run \`cd server && npx vitest run test/sdk-compatibility.test.ts\` and commit the result.`,
    '',
    `**${count('works')} of ${rows.length} methods work**; ${count('refused')} refused with an error that says why; ${count('not offered')} call routes Keyring does not offer (404 \`not_found\`, "Keyring does not offer …"); ${count('no request')} make no request (the SDK's own helpers, or checks the SDK makes before sending).`,
    '',
    '| method | request | Keyring answers |',
    '| --- | --- | --- |',
    ...rows.map(
      (r) => `| \`${r.method}\` | ${r.request === '—' ? '—' : `\`${r.request}\``} | ${r.verdict === 'works' ? '**works**' : r.answer.replaceAll('|', '\\|')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  team = await setUpTeam(server, 'Acme', 'acme.com');
});
afterAll(() => server?.stop());

describe('the resend SDK, method by method', () => {
  it('matches docs/resend-compatibility.md, which it rewrites', async () => {
    const requests: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.startsWith(server.url)) requests.push(`${init?.method ?? 'GET'} ${url.slice(`${server.url}/api`.length)}`);
      return realFetch(input, init);
    };
    let rows: Row[];
    try {
      const resend = new Resend(team.full.token, { baseUrl: `${server.url}/api` });
      // A log to read back: the key's own earlier request.
      await resend.domains.list();
      await server.app.services.usageRecorder.flush();
      ids.log = ((await resend.logs.list()).data as unknown as { data: { id: string }[] }).data[0].id;
      const methods = methodsOf(resend).sort((a, b) => order(a.name) - order(b.name));
      rows = [];
      for (const m of methods) rows.push(await call(resend, m, requests));
    } finally {
      globalThis.fetch = realFetch;
    }
    rows.sort((a, b) => a.method.localeCompare(b.method));
    expect(rows.length).toBeGreaterThan(140);
    // What Keyring serves must work from the SDK: a regression here is a failure, not a new table.
    const broken = rows.filter((r) => r.method in CALLS && r.verdict !== 'works' && r.method !== 'resend.domains.update');
    expect(broken).toEqual([]);
    const table = render(rows);
    const committed = fs.existsSync(TABLE) ? fs.readFileSync(TABLE, 'utf8') : '';
    fs.writeFileSync(TABLE, table);
    expect(table, 'docs/resend-compatibility.md was stale and has been rewritten: review and commit it').toBe(committed);
  }, 180_000);
});
