import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seedLogs } from '../bench/logs-seed.js';
import { signUpAdmin, sql, startTestServer, type TestClient, type TestServer, waitFor } from './harness.js';
import { createDomain, createKey } from './rest-harness.js';

// Export rules a refactor could quietly break: each test here failed when its rule was broken in
// the product code (see the commit that added it).
const CREATE = `mutation($input: CreateExportInput!) { createExport(input: $input) { id status rowCount processedRows downloadUrl expiresAt } }`;
const GET = `query($id: ID!) { export(id: $id) { id status rowCount processedRows downloadUrl expiresAt } }`;

let server: TestServer;
let admin: TestClient;
let teamId: string;
let key: { token: string; id: string };

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  const a = await signUpAdmin(server, 'Exporter');
  admin = a.client;
  teamId = a.user.team.id;
  await createDomain(admin, 'exporter.example.com');
  key = await createKey(admin, { name: 'Exporter full', permission: 'FULL_ACCESS' });
});
afterAll(() => server?.stop());

async function download(link: string) {
  const res = await fetch(link.replace(server.config.PUBLIC_URL, server.url), { headers: { cookie: admin.cookie! } });
  return { status: res.status, text: await res.text() };
}

async function rest(path: string, body: unknown) {
  const res = await fetch(`${server.url}/api${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBeLessThan(300);
  return json as { id: string };
}

/** RFC 4180: records of fields, quotes doubled, CR and LF allowed inside quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}

async function exportCsv(resource: string, filters: Record<string, unknown> = {}) {
  const res = await admin.gql(CREATE, { input: { resource, filters } });
  expect(res.errors).toBeUndefined();
  expect(res.data!.createExport.status).toBe('READY');
  const file = await download(res.data!.createExport.downloadUrl);
  expect(file.status).toBe(200);
  return parseCsv(file.text);
}

// Every prefix a spreadsheet runs as a formula, and values that must stay as they are.
const DANGEROUS = ['=1+2', '+1', '-1', '@SUM(A1)', '\tTab', '\rCR'];
const HARMLESS = ['plain', "'already quoted", 'a=b', ' =space first', 'comma, "quote"'];
const neutral = (v: string) => (DANGEROUS.includes(v) ? `'${v}` : v);
/** The columns of an email row the export test compares. */
type EmailRow = {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  reply_to: string[];
  subject: string;
  status: string;
  created_at: Date;
  sent_at: Date | null;
  api_key_id: string;
};
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : '');

describe('CSV cells are neutralised against formulas, checked cell by cell', () => {
  it('contacts: every prefix = + - @ tab CR in first and last names', async () => {
    const values = [...DANGEROUS, ...HARMLESS];
    for (const [i, v] of values.entries()) {
      const { id } = await rest('/contacts', { email: `contact${i}@example.org`, first_name: `first ${i}`, last_name: 'Last' });
      // Values the API might refuse (tab, CR) can still reach the table: an import, an older version.
      await sql(server.databaseUrl, 'update contact set first_name = $1, last_name = $2 where id = $3', [v, `${v}`, id]);
    }
    const [header, ...rows] = await exportCsv('CONTACTS');
    expect(header).toEqual(['id', 'email', 'first_name', 'last_name', 'unsubscribed', 'created_at']);
    const db = await sql<{ id: string; email: string; first_name: string; last_name: string; unsubscribed: boolean; created_at: Date }>(
      server.databaseUrl,
      'select id, email, first_name, last_name, unsubscribed, created_at from contact where team_id = $1 order by created_at desc, id desc',
      [teamId],
    );
    expect(rows).toEqual(db.map((c) => [c.id, c.email, neutral(c.first_name), neutral(c.last_name), String(c.unsubscribed), iso(c.created_at)]));
    expect(rows.map((r) => r[2]).sort()).toEqual(values.map(neutral).sort());
  });

  it('emails: subject, sender and recipients', async () => {
    const at = new Date(Date.now() + 86_400_000).toISOString();
    for (const [i, v] of [...DANGEROUS, ...HARMLESS].entries()) {
      const { id } = await rest('/emails', {
        from: 'news@exporter.example.com',
        to: [`a${i}@example.org`, `b${i}@example.org`],
        subject: `subject ${i}`,
        text: 'hi',
        scheduled_at: at,
      });
      await sql(server.databaseUrl, 'update email set subject = $1 where id = $2', [v, id]);
    }
    // A sender and recipients that start like a formula too.
    const { id: odd } = await rest('/emails', { from: 'news@exporter.example.com', to: ['c@example.org'], subject: 'odd', text: 'hi', scheduled_at: at });
    await sql(
      server.databaseUrl,
      `update email set "from" = '=cmd|x <news@exporter.example.com>', "to" = '["+1@example.org", "d@example.org"]', cc = '["-c@example.org"]', bcc = '["@b@example.org"]', reply_to = '["=r@example.org"]' where id = $1`,
      [odd],
    );
    const [header, ...rows] = await exportCsv('EMAILS');
    expect(header).toEqual(['id', 'from', 'to', 'cc', 'bcc', 'reply_to', 'subject', 'last_event', 'created_at', 'sent_at', 'api_key_id', 'api_key_name']);
    const db = await sql<EmailRow>(server.databaseUrl, `select * from email where team_id = $1 order by created_at desc, id desc`, [teamId]);
    const keyNames = new Map(
      (await sql<{ id: string; name: string }>(server.databaseUrl, 'select id, name from api_key where team_id = $1', [teamId])).map((k) => [
        k.id,
        neutral(k.name),
      ]),
    );
    const list = (a: string[]) => (neutral(a.join(', ')) === a.join(', ') && /^[=+\-@]/.test(a.join(', ')) ? `'${a.join(', ')}` : a.join(', '));
    expect(rows).toEqual(
      db.map((e) => [
        e.id,
        /^[=+\-@]/.test(e.from) ? `'${e.from}` : e.from,
        list(e.to),
        list(e.cc),
        list(e.bcc),
        list(e.reply_to),
        neutral(e.subject),
        e.status,
        iso(e.created_at),
        iso(e.sent_at),
        e.api_key_id,
        keyNames.get(e.api_key_id) ?? '',
      ]),
    );
    const oddRow = rows.find((r) => r[0] === odd);
    expect(oddRow?.slice(1, 6)).toEqual([
      "'=cmd|x <news@exporter.example.com>",
      "'+1@example.org, d@example.org",
      "'-c@example.org",
      "'@b@example.org",
      "'=r@example.org",
    ]);
  });

  it('broadcasts: name, sender and subject', async () => {
    for (const [i, v] of [...DANGEROUS, ...HARMLESS].entries()) {
      const { id } = await rest('/broadcasts', {
        name: `b${i}`,
        from: 'news@exporter.example.com',
        subject: `s${i}`,
        text: 'hi',
        segment_id: '78261eea-8f8b-4381-83c6-79fa7120f1cf',
      });
      await sql(
        server.databaseUrl,
        `update broadcast set name = $1, subject = $1, "from" = case when $2 then '@x <news@exporter.example.com>' else "from" end where id = $3`,
        [v, i === 0, id],
      );
    }
    const [header, ...rows] = await exportCsv('BROADCASTS');
    expect(header).toEqual(['id', 'name', 'from', 'subject', 'status', 'created_at']);
    const db = await sql<{ id: string; name: string; from: string; subject: string; status: string; created_at: Date }>(
      server.databaseUrl,
      'select * from broadcast where team_id = $1 order by created_at desc, id desc',
      [teamId],
    );
    expect(rows).toEqual(
      db.map((b) => [b.id, neutral(b.name), b.from.startsWith('@') ? `'${b.from}` : b.from, neutral(b.subject), b.status, iso(b.created_at)]),
    );
    expect(rows.filter((r) => r[2].startsWith("'@x"))).toHaveLength(1);
  });
});

describe('the cell functions every export runs per cell', () => {
  it('keyring_csv_cell neutralises exactly the six prefixes, and keyring_iso writes UTC to the millisecond', async () => {
    const values = [...DANGEROUS, ...HARMLESS, '', '＝fullwidth', 'é=', "'=already"];
    const [cells] = await sql<{ out: (string | null)[] }>(server.databaseUrl, 'select array(select keyring_csv_cell(v) from unnest($1::text[]) v) as out', [
      values,
    ]);
    expect(cells.out).toEqual(values.map(neutral));
    const [nul] = await sql<{ out: string | null }>(server.databaseUrl, 'select keyring_csv_cell(null) as out');
    expect(nul.out).toBeNull();
    // UTC, truncated to the millisecond (as the rows' Date#toISOString), whatever the offset written.
    const [t] = await sql<{ a: string; b: string; c: string }>(
      server.databaseUrl,
      `select keyring_iso('2026-12-04 23:59:59.9999+00') as a, keyring_iso('2026-01-02 03:04:05+05:30') as b, keyring_iso('2026-06-30 12:00:00.12+00') as c`,
    );
    expect([t.a, t.b, t.c]).toEqual(['2026-12-04T23:59:59.999Z', '2026-01-01T21:34:05.000Z', '2026-06-30T12:00:00.120Z']);
  });

  it('are inlined into the query, not called as functions for every cell (2.5 s → 1.2–1.4 s for 1 M timestamps)', async () => {
    const plan = await sql<{ 'QUERY PLAN': string }>(
      server.databaseUrl,
      'explain (verbose, costs off) select keyring_iso(created_at), keyring_csv_cell(endpoint) from usage_log where team_id = $1',
      [teamId],
    );
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toContain('to_char(');
    expect(text).toContain('ascii(');
    expect(text).not.toContain('keyring_');
  });
});

/** Adds contacts to a team with one statement. */
const addContacts = (team: string, n: number, from = 0) =>
  sql(
    server.databaseUrl,
    `insert into contact (id, team_id, email, first_name, unsubscribed, created_at, updated_at)
     select gen_random_uuid(), $1, 'bulk' || i || '@example.org', 'Bulk', false, now() - i * interval '1 ms', now() from generate_series($2::int, $3::int) i`,
    [team, from + 1, from + n],
  );

describe('the 1,000-row boundary', () => {
  it('1,000 rows are READY in the response; 1,001 run in the background and become READY with every row', async () => {
    const { client, user } = await signUpAdmin(server, 'Boundary rows');
    await addContacts(user.team.id, 1000);
    const inline = (await client.gql(CREATE, { input: { resource: 'CONTACTS' } })).data!.createExport;
    expect(inline).toMatchObject({ status: 'READY', rowCount: 1000, processedRows: 1000 });
    expect(inline.downloadUrl).toBeTruthy();
    await addContacts(user.team.id, 1, 1000);
    const background = (await client.gql(CREATE, { input: { resource: 'CONTACTS' } })).data!.createExport;
    expect(background).toMatchObject({ status: 'PROCESSING', rowCount: null, downloadUrl: null });
    const done = await waitFor(
      async () => {
        const e = (await client.gql(GET, { id: background.id })).data!.export;
        return e.status === 'PROCESSING' ? undefined : e;
      },
      30_000,
      'the background export',
    );
    expect(done).toMatchObject({ status: 'READY', rowCount: 1001, processedRows: 1001 });
  });
});

describe('downloads', () => {
  it('work for 7 days after the export is ready — a minute before the end, not a minute after', async () => {
    const before = Date.now();
    const exp = (await admin.gql(CREATE, { input: { resource: 'DOMAINS' } })).data!.createExport;
    const after = Date.now();
    const [row] = await sql(server.databaseUrl, `select extract(epoch from expires_at - completed_at) as s from export where id = $1`, [exp.id]);
    expect(Number(row.s)).toBe(7 * 86_400);
    expect(new Date(exp.expiresAt).getTime()).toBeGreaterThanOrEqual(before + 7 * 86_400_000 - 1000);
    expect(new Date(exp.expiresAt).getTime()).toBeLessThanOrEqual(after + 7 * 86_400_000 + 1000);
    // Six days, 23 hours and 59 minutes later.
    await sql(
      server.databaseUrl,
      `update export set completed_at = completed_at - interval '7 days' + interval '1 minute', expires_at = expires_at - interval '7 days' + interval '1 minute' where id = $1`,
      [exp.id],
    );
    expect((await admin.gql(GET, { id: exp.id })).data!.export).toMatchObject({ status: 'READY', downloadUrl: exp.downloadUrl });
    expect((await download(exp.downloadUrl)).status).toBe(200);
    // Seven days and a minute.
    await sql(
      server.databaseUrl,
      `update export set completed_at = completed_at - interval '2 minutes', expires_at = expires_at - interval '2 minutes' where id = $1`,
      [exp.id],
    );
    expect((await admin.gql(GET, { id: exp.id })).data!.export).toMatchObject({ status: 'EXPIRED', downloadUrl: null });
    expect(await download(exp.downloadUrl)).toEqual({
      status: 410,
      text: JSON.stringify({ statusCode: 410, name: 'export_expired', message: 'This export has expired: downloads work for 7 days.' }),
    });
  });
});

describe('exportProgress', () => {
  it('emits as processedRows grows: several distinct counts while PROCESSING, then READY with them all', async () => {
    const { client, user } = await signUpAdmin(server, 'Progress');
    const rows = 300_000;
    const pg = await import('pg');
    const db = new pg.default.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      await seedLogs(db, { teamId: user.team.id, keys: [{ id: key.id, name: 'seeded' }], first: 1, count: rows, total: rows, now: new Date() });
    } finally {
      await db.end();
    }
    const exp = (await client.gql(CREATE, { input: { resource: 'LOGS' } })).data!.createExport;
    expect(exp.status).toBe('PROCESSING');
    const ws = createWsClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { cookie: client.cookie! } });
        }
      },
    });
    const events: { status: string; processedRows: number }[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        ws.subscribe(
          { query: `subscription($id: ID!) { exportProgress(id: $id) { status processedRows } }`, variables: { id: exp.id } },
          {
            next: (m) => events.push((m.data as { exportProgress: { status: string; processedRows: number } }).exportProgress),
            error: reject,
            complete: resolve,
          },
        );
      });
    } finally {
      await ws.dispose();
    }
    expect(events.at(-1)).toEqual({ status: 'READY', processedRows: rows });
    const growing = [...new Set(events.filter((e) => e.status === 'PROCESSING' && e.processedRows > 0).map((e) => e.processedRows))];
    expect(growing.length, JSON.stringify(events)).toBeGreaterThanOrEqual(2);
    expect(growing).toEqual([...growing].sort((a, b) => a - b));
    // The last count may be the total while the file is being finished (still PROCESSING).
    expect(growing.every((n) => n <= rows)).toBe(true);
    expect(growing.filter((n) => n < rows).length).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
