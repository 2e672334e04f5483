import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PASSWORD, signUpAdmin, sql, startApp, startTestServer, type TestClient, type TestServer, uniqueEmail } from './harness.js';
import { api } from './rest-harness.js';
import { type SmtpSink, startSmtpSink } from './smtp.js';

const CREATE = `mutation($input: CreateExportInput!) { createExport(input: $input) { id resource status rowCount estimatedRowCount processedRows downloadUrl expiresAt createdBy { email } } }`;
const GET = `query($id: ID!) { export(id: $id) { id status rowCount processedRows downloadUrl expiresAt } }`;

let smtp: SmtpSink;
let server: TestServer;
let admin: TestClient;
let adminEmail: string;
let teamId: string;
let keyId: string;
let member: TestClient;
let other: TestClient;

/** Makes an export's file `megabytes` MB in 1 MB chunks, each filled with its own letter (A, B, …). */
async function replaceFile(on: TestServer, exportId: string, megabytes: number) {
  await sql(on.databaseUrl, 'delete from export_chunk where export_id = $1', [exportId]);
  await sql(
    on.databaseUrl,
    `insert into export_chunk (export_id, attempt, seq, data)
     select $1, (select file_attempt from export where id = $1), s, convert_to(repeat(chr(65 + s), 1048576), 'UTF8') from generate_series(0, $2 - 1) as s`,
    [exportId, megabytes],
  );
  await sql(on.databaseUrl, `update export set file_size = $2 * 1048576 where id = $1`, [exportId, megabytes]);
}

async function download(link: string, client?: TestClient) {
  // Links are built from PUBLIC_URL; the test server listens on a port chosen at start.
  const url = link.replace(server.config.PUBLIC_URL, server.url);
  const res = await fetch(url, { headers: client?.cookie ? { cookie: client.cookie } : {} });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const exportCount = async () => Number((await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from export'))[0].n);

/** Seeds usage logs with set-based SQL, including cells that need quoting or neutralising. */
async function seedLogs(n: number) {
  await sql(
    server.databaseUrl,
    `insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, created_at)
     select gen_random_uuid(), $1, $2, 'Seed key', 'POST', '/emails',
            case when i % 10 = 0 then 422 else 200 end,
            case when i = 1 then 'agent "quoted", with comma' when i = 2 then '=HYPERLINK("http://evil")' when i = 3 then E'multi\nline' else 'seed/1.0' end,
            i % 50, now() - i * interval '1 second'
       from generate_series(1, $3::int) as i`,
    [teamId, keyId, n],
  );
}

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startTestServer({ SMTP_URL: smtp.url });
  const a = await signUpAdmin(server, 'Exporters');
  admin = a.client;
  adminEmail = a.email;
  teamId = a.user.team.id;
  const key = await admin.gql(`mutation { createApiKey(input: { name: "Seed key", permission: FULL_ACCESS }) { apiKey { id } } }`);
  keyId = key.data!.createApiKey.apiKey.id;
  for (const name of ['b.example.com', 'a.example.com']) {
    await admin.gql(`mutation($input: CreateDomainInput!) { createDomain(input: $input) { id } }`, { input: { name } });
  }
  const invite = await admin.gql(`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, {
    input: { email: uniqueEmail('member'), role: 'MEMBER' },
  });
  member = server.client();
  await member.gql(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id } }`, {
    input: { token: invite.data!.inviteMember.token, password: PASSWORD },
  });
  other = (await signUpAdmin(server, 'Other')).client;
  await seedLogs(1500);
});

afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

describe('small exports', () => {
  it('are READY in the response and download as CSV at once', async () => {
    const res = await admin.gql(CREATE, { input: { resource: 'DOMAINS', filters: {} } });
    expect(res.errors).toBeUndefined();
    const exp = res.data!.createExport;
    expect(exp).toMatchObject({ resource: 'DOMAINS', status: 'READY', rowCount: 2, processedRows: 2, createdBy: { email: adminEmail } });
    expect(Date.parse(exp.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const file = await download(exp.downloadUrl, admin);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="keyring-domains-.*\.csv"$/);
    const lines = file.text.trimEnd().split('\n');
    expect(lines[0]).toBe('id,name,region,status,created_at');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['a.example.com', 'b.example.com']);
    expect(lines[1]).toMatch(/,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('downloads the stored bytes exactly, even where a chunk ends inside a multibyte character', async () => {
    const res = await admin.gql(CREATE, { input: { resource: 'DOMAINS', filters: {} } });
    const exp = res.data!.createExport;
    // Chunks are cut at a byte count, not at character boundaries: 日 (3 bytes) split 1 + 2.
    await sql(server.databaseUrl, 'delete from export_chunk where export_id = $1', [exp.id]);
    await sql(
      server.databaseUrl,
      `with f as (select convert_to('name' || chr(10) || 'a日本é,"x"' || chr(10), 'UTF8') as b, file_attempt as a from export where id = $1)
       insert into export_chunk (export_id, attempt, seq, data)
       select $1, f.a, s.seq, substring(f.b from s.start for s.len) from f,
              (values (0, 1, 7), (1, 8, 1000)) as s(seq, start, len)`,
      [exp.id],
    );
    await sql(server.databaseUrl, `update export set file_size = (select sum(length(data)) from export_chunk where export_id = $1) where id = $1`, [exp.id]);
    const res2 = await fetch(exp.downloadUrl.replace(server.config.PUBLIC_URL, server.url), { headers: { cookie: admin.cookie! } });
    const bytes = Buffer.from(await res2.arrayBuffer());
    expect(bytes.toString('utf8')).toBe('name\na日本é,"x"\n');
  });

  it('a download abandoned mid-file frees its connection: more abandoned downloads than connections, then a whole one', async () => {
    const res = await admin.gql(CREATE, { input: { resource: 'DOMAINS', filters: {} } });
    const exp = res.data!.createExport;
    await replaceFile(server, exp.id, 24);
    const url = exp.downloadUrl.replace(server.config.PUBLIC_URL, server.url);
    for (let i = 0; i < 6; i++) {
      const abort = new AbortController();
      const partial = await fetch(url, { headers: { cookie: admin.cookie! }, signal: abort.signal });
      expect(partial.status).toBe(200);
      const reader = partial.body!.getReader();
      const first = await reader.read();
      expect(first.value!.length).toBeGreaterThan(0);
      abort.abort();
      await reader.closed.catch(() => undefined);
    }
    const whole = Buffer.from(await (await fetch(url, { headers: { cookie: admin.cookie! } })).arrayBuffer());
    expect(whole.length).toBe(24 * 1048576);
    for (let seq = 0; seq < 24; seq++) {
      const chunk = whole.subarray(seq * 1048576, (seq + 1) * 1048576);
      expect(
        chunk.every((b) => b === 65 + seq),
        `chunk ${seq}`,
      ).toBe(true);
    }
  });

  it('API key exports carry no token and no hash, and filter by permission', async () => {
    const created = await admin.gql(`mutation { createApiKey(input: { name: "=SUM(A1)", permission: SENDING_ACCESS }) { token } }`);
    const token = created.data!.createApiKey.token as string;
    const res = await admin.gql(CREATE, { input: { resource: 'API_KEYS', filters: { permission: 'SENDING_ACCESS' } } });
    const file = await download(res.data!.createExport.downloadUrl, admin);
    expect(file.text.split('\n')[0]).toBe(
      'id,name,permission,domain_id,domain,created_at,last_used_at,request_count,expires_at,token_start,usage_status,enabled',
    );
    expect(file.text).toContain(",'=SUM(A1),sending_access,");
    // The start shown on the page (never more of the token), the usage status and true/false.
    expect(file.text).toContain(`,${token.slice(0, 8)},never_used,true`);
    expect(file.text).not.toContain('Seed key');
    expect(file.text).not.toContain(token.slice(3, 20));
    const [{ token_hash }] = await sql<{ token_hash: string }>(server.databaseUrl, 'select token_hash from api_key where name = $1', ['=SUM(A1)']);
    expect(file.text).not.toContain(token_hash);
    // The list's own filters export too: search (literal, wildcards escaped) and expiring soon.
    const searched = await admin.gql(CREATE, { input: { resource: 'API_KEYS', filters: { search: 'sum(a1' } } });
    expect(searched.data!.createExport.rowCount).toBe(1);
    const wildcard = await admin.gql(CREATE, { input: { resource: 'API_KEYS', filters: { search: '%' } } });
    expect(wildcard.data!.createExport.rowCount).toBe(0);
    const soon = await admin.gql(CREATE, { input: { resource: 'API_KEYS', filters: { expiringSoon: true } } });
    expect(soon.data!.createExport.rowCount).toBe(0);
  });

  it('every resource exports with its filters', async () => {
    for (const [resource, filters] of [
      ['EMAILS', { status: 'sent', from: '2020-01-01T00:00:00Z' }],
      ['BROADCASTS', { status: 'draft' }],
      ['CONTACTS', { unsubscribed: false }],
      ['DOMAINS', { to: new Date(Date.now() + 60_000).toISOString() }],
      ['LOGS', { apiKeyId: keyId, statusCode: 422 }],
      ['API_KEYS', { usageStatus: 'NEVER_USED' }],
    ] as const) {
      const res = await admin.gql(CREATE, { input: { resource, filters } });
      expect(res.errors, resource).toBeUndefined();
      const exp = res.data!.createExport;
      expect(exp.status, resource).toBe('READY');
      const file = await download(exp.downloadUrl, admin);
      expect(file.status).toBe(200);
      expect(file.text.trimEnd().split('\n')).toHaveLength(exp.rowCount + 1);
      if (resource === 'LOGS') expect(exp.rowCount).toBe(150);
    }
  });
});

describe('exportEstimate', () => {
  const ESTIMATE = `query($input: CreateExportInput!) { exportEstimate(input: $input) { rowCount exact } }`;

  it('counts the rows an export of these filters would hold, as createExport then does, creating nothing', async () => {
    const before = await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from export');
    const input = { resource: 'API_KEYS', filters: { permission: 'SENDING_ACCESS' } };
    const estimate = await admin.gql(ESTIMATE, { input });
    expect(estimate.errors).toBeUndefined();
    expect(estimate.data!.exportEstimate.exact).toBe(true);
    expect((await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from export'))[0].n).toBe(before[0].n);
    const created = await admin.gql(CREATE, { input });
    expect(created.data!.createExport.rowCount).toBe(estimate.data!.exportEstimate.rowCount);
  });

  it('refuses bad filters like createExport, and members', async () => {
    const bad = await admin.gql(ESTIMATE, { input: { resource: 'API_KEYS', filters: { nope: true } } });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const denied = await member.gql(ESTIMATE, { input: { resource: 'API_KEYS' } });
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('download slots', () => {
  it('a download that finds every slot busy is 503 with Retry-After, and works once one is free', async () => {
    const busy = await startTestServer({ EXPORT_DOWNLOADS: '1', EXPORT_DOWNLOAD_WAIT_SECONDS: '0.5' });
    try {
      const { client } = await signUpAdmin(busy, 'Busy downloads');
      const exp = (await client.gql(CREATE, { input: { resource: 'DOMAINS', filters: {} } })).data!.createExport;
      await replaceFile(busy, exp.id, 24);
      const url = exp.downloadUrl.replace(busy.config.PUBLIC_URL, busy.url);
      // A client that does not read: the one slot stays taken while the server waits to write.
      const slow = new AbortController();
      const first = await fetch(url, { headers: { cookie: client.cookie! }, signal: slow.signal });
      expect(first.status).toBe(200);
      const refused = await fetch(url, { headers: { cookie: client.cookie! } });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toEqual({ statusCode: 503, name: 'service_unavailable', message: expect.stringMatching(/download slot .* busy/) });
      slow.abort();
      await first.body?.cancel().catch(() => undefined);
      // As a client honouring Retry-After would: the slot frees as soon as the server sees the abort.
      let whole = await fetch(url, { headers: { cookie: client.cookie! } });
      for (let i = 0; whole.status === 503 && i < 10; i++) {
        await new Promise((r) => setTimeout(r, 200));
        whole = await fetch(url, { headers: { cookie: client.cookie! } });
      }
      expect(whole.status).toBe(200);
      expect((await whole.arrayBuffer()).byteLength).toBe(24 * 1048576);
    } finally {
      await busy.stop();
    }
  });
});

describe('large exports run in the background', () => {
  it('PROCESSING → progress over WebSocket → READY with 1,500 rows, an email with a working link, correct CSV', async () => {
    const ws = createWsClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { cookie: admin.cookie! } });
        }
      },
    });
    const res = await admin.gql(CREATE, { input: { resource: 'LOGS', filters: { apiKeyId: keyId } } });
    expect(res.errors).toBeUndefined();
    const exp = res.data!.createExport;
    expect(exp.status).toBe('PROCESSING');
    // Not counted up front (that would cost as much as the export): an estimate until READY.
    expect(exp.rowCount).toBeNull();
    expect(exp.estimatedRowCount).toBeGreaterThan(1000);
    expect(exp.downloadUrl).toBeNull();

    const events: { status: string; processedRows: number }[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.subscribe(
        { query: `subscription($id: ID!) { exportProgress(id: $id) { status processedRows rowCount } }`, variables: { id: exp.id } },
        { next: (m) => events.push(m.data!.exportProgress as never), error: reject, complete: resolve },
      );
    });
    await ws.dispose();
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.at(-1)).toMatchObject({ status: 'READY', processedRows: 1500, rowCount: 1500 });
    const rows = events.map((e) => e.processedRows);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));

    const mail = await smtp.waitFor((m) => m.to.includes(adminEmail) && m.subject.includes('export'));
    const link = /(http:\/\/\S+\/api\/exports\/[0-9a-f-]{36}\/download)/.exec(mail.text)?.[1];
    expect(link).toBeDefined();
    const file = await download(link!, admin);
    expect(file.status).toBe(200);
    // 1,501 records: the header and 1,500 rows; one of them holds a quoted newline.
    const physical = file.text.trimEnd().split('\n');
    expect(physical).toHaveLength(1502);
    expect(physical[0]).toBe('id,created_at,method,endpoint,response_status,user_agent,duration_ms,api_key_id,api_key_name,error_name,error_message');
    expect(file.text).toContain(',"agent ""quoted"", with comma",');
    expect(file.text).toContain(`,"'=HYPERLINK(""http://evil"")",`);
    expect(file.text).toContain(',"multi\nline",');
    expect(file.text).not.toMatch(/,=HYPERLINK/);
  });
});

describe('roles and bad input', () => {
  it('members see exports but cannot create or download them', async () => {
    const mine = await admin.gql(CREATE, { input: { resource: 'DOMAINS' } });
    const id = mine.data!.createExport.id;
    const list = await member.gql(`{ exports(first: 100) { edges { node { id downloadUrl status } } } }`);
    const seen = list.data!.exports.edges.find((e: any) => e.node.id === id);
    expect(seen.node).toEqual({ id, downloadUrl: null, status: 'READY' });
    expect((await download(mine.data!.createExport.downloadUrl, member)).status).toBe(403);
    const before = await exportCount();
    const res = await member.gql(CREATE, { input: { resource: 'DOMAINS' } });
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await exportCount()).toBe(before);
  });

  it("another team's export is not found, and no session is 401", async () => {
    const mine = await admin.gql(CREATE, { input: { resource: 'DOMAINS' } });
    const { id, downloadUrl } = mine.data!.createExport;
    expect((await other.gql(GET, { id })).data!.export).toBeNull();
    expect((await download(downloadUrl, other)).status).toBe(404);
    expect((await download(downloadUrl)).status).toBe(401);
  });

  it('refuses unknown filters, reversed ranges and bad values, creating nothing', async () => {
    const before = await exportCount();
    for (const [resource, filters, field] of [
      ['LOGS', { colour: 'red' }, 'filters.colour'],
      ['LOGS', { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'filters.from'],
      ['LOGS', { from: 'yesterday' }, 'filters.from'],
      ['LOGS', { apiKeyId: 'key_1' }, 'filters.apiKeyId'],
      ['EMAILS', { apiKeyId: 'key_1' }, 'filters.apiKeyId'],
      ['LOGS', { statusCode: 999 }, 'filters.statusCode'],
      ['EMAILS', { status: 'bounced' }, 'filters.status'],
      ['DOMAINS', { permission: 'FULL_ACCESS' }, 'filters.permission'],
      ['EMAILS', { search: 'x'.repeat(101) }, 'filters.search'],
      ['CONTACTS', { search: 7 }, 'filters.search'],
      ['LOGS', { method: 'FETCH' }, 'filters.method'],
      ['LOGS', { endpoint: 'emails' }, 'filters.endpoint'],
      ['EMAILS', [], 'filters'],
      ['EMAILS', 'sent', 'filters'],
    ] as const) {
      const res = await admin.gql(CREATE, { input: { resource, filters } });
      expect(res.errors?.[0].extensions, JSON.stringify(filters)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const unknown = await admin.gql(CREATE, { input: { resource: 'INVOICES' } });
    expect(unknown.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await exportCount()).toBe(before);
  });
});

describe('an export holds the rows its list shows', () => {
  it("an unknown or another team's apiKeyId: an empty list (GraphQL and REST) and an empty file, not an error", async () => {
    const otherKey = await other.gql(`mutation { createApiKey(input: { name: "x", permission: FULL_ACCESS }) { apiKey { id } } }`);
    const mine = await admin.gql(`mutation { createApiKey(input: { name: "REST reader", permission: FULL_ACCESS }) { token } }`);
    const token = mine.data!.createApiKey.token as string;
    for (const apiKeyId of [otherKey.data!.createApiKey.apiKey.id, '00000000-0000-4000-8000-000000000001']) {
      for (const [resource, field, list, path] of [
        ['LOGS', 'logs', 'usageLogs', '/logs'],
        ['EMAILS', 'emails', 'emails', '/emails'],
      ] as const) {
        const page = await admin.gql(`query($id: ID!) { ${list}(filter: { apiKeyId: $id }, first: 100) { edges { node { id } } } }`, { id: apiKeyId });
        expect(page.errors, resource).toBeUndefined();
        expect(page.data![list].edges, resource).toEqual([]);
        const rest = await api(server, `${path}?api_key_id=${apiKeyId}`, { token });
        expect(rest.status, resource).toBe(200);
        expect((rest.body as { data: unknown[] }).data, resource).toEqual([]);
        for (const input of [
          { resource, [field]: { apiKeyId } },
          { resource, filters: { apiKeyId } },
        ]) {
          const res = await admin.gql(CREATE, { input });
          expect(res.errors, JSON.stringify(input)).toBeUndefined();
          expect(res.data!.createExport).toMatchObject({ status: 'READY', rowCount: 0 });
          const file = await download(res.data!.createExport.downloadUrl, admin);
          expect(file.text.trimEnd().split('\n'), JSON.stringify(input)).toHaveLength(1);
        }
      }
    }
  });

  it('a key id that is not a UUID is refused alike by the GraphQL list, the REST list and the export, naming the filter', async () => {
    const mine = await admin.gql(`mutation { createApiKey(input: { name: "REST checker", permission: FULL_ACCESS }) { token } }`);
    const token = mine.data!.createApiKey.token as string;
    const before = await exportCount();
    for (const apiKeyId of ['key_1', '00000000-0000-4000-8000-00000000000']) {
      for (const [resource, field, list, path] of [
        ['LOGS', 'logs', 'usageLogs', '/logs'],
        ['EMAILS', 'emails', 'emails', '/emails'],
      ] as const) {
        const page = await admin.gql(`query($id: ID!) { ${list}(filter: { apiKeyId: $id }, first: 100) { edges { node { id } } } }`, { id: apiKeyId });
        expect(page.errors?.[0].extensions, resource).toMatchObject({ code: 'BAD_USER_INPUT', field: 'apiKeyId' });
        expect(page.errors?.[0].message).toBe('`apiKeyId` must be a valid UUID.');
        const rest = await api(server, `${path}?api_key_id=${apiKeyId}`, { token });
        expect(rest.status, resource).toBe(422);
        expect(rest.body, resource).toEqual({ statusCode: 422, name: 'invalid_parameter', message: '`api_key_id` must be a valid UUID.' });
        for (const input of [
          { resource, [field]: { apiKeyId } },
          { resource, filters: { apiKeyId } },
        ]) {
          const res = await admin.gql(CREATE, { input });
          expect(res.errors?.[0].extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filters.apiKeyId' });
        }
      }
    }
    expect(await exportCount()).toBe(before);
  });
});

describe('expiry', () => {
  it('after 7 days the export is EXPIRED, the download answers 410 and the file is deleted', async () => {
    const res = await admin.gql(CREATE, { input: { resource: 'DOMAINS' } });
    const { id, downloadUrl } = res.data!.createExport;
    await sql(server.databaseUrl, `update export set expires_at = now() - interval '1 second' where id = $1`, [id]);
    expect((await admin.gql(GET, { id })).data!.export).toMatchObject({ status: 'EXPIRED', downloadUrl: null });
    expect((await download(downloadUrl, admin)).status).toBe(410);
    const { expireExports } = await import('../src/modules/export/export.service.js');
    expect(await expireExports(server.app.services)).toBeGreaterThanOrEqual(1);
    expect(await sql(server.databaseUrl, 'select 1 from export_chunk where export_id = $1', [id])).toHaveLength(0);
    expect((await download(downloadUrl, admin)).status).toBe(410);
  });
});

describe('two instances on one database', () => {
  it('the job runs on one instance; a subscriber on the other sees its progress', async () => {
    const web = await startApp(server.databaseUrl, { WORKERS: 'false' });
    const webUrl = web.url;
    try {
      const res = await admin.gql(CREATE, { input: { resource: 'LOGS' } });
      const exp = res.data!.createExport;
      expect(exp.status).toBe('PROCESSING');
      const ws = createWsClient({
        url: `${webUrl.replace('http', 'ws')}/graphql`,
        webSocketImpl: class extends WebSocket {
          constructor(url: string, protocols?: string | string[]) {
            super(url, protocols, { headers: { cookie: admin.cookie! } });
          }
        },
      });
      const events: { status: string }[] = [];
      await new Promise<void>((resolve, reject) => {
        ws.subscribe(
          { query: `subscription($id: ID!) { exportProgress(id: $id) { status processedRows } }`, variables: { id: exp.id } },
          { next: (m) => events.push(m.data!.exportProgress as never), error: reject, complete: resolve },
        );
      });
      await ws.dispose();
      expect(events.at(-1)?.status).toBe('READY');
    } finally {
      await web.stop();
    }
  });

  it('a full-access key subscribes with connectionParams; a sending-access key is refused', async () => {
    // A team of its own: the keys' requests share their team's per-second limit, which the earlier
    // tests' REST calls with the shared team's keys may have spent within the same second.
    const { client: owner } = await signUpAdmin(server, 'WebSocket keys');
    const res = await owner.gql(CREATE, { input: { resource: 'DOMAINS' } });
    const id = res.data!.createExport.id;
    const keys = await owner.gql(`mutation {
      full: createApiKey(input: { name: "ws full", permission: FULL_ACCESS }) { token }
      sending: createApiKey(input: { name: "ws sending", permission: SENDING_ACCESS }) { token }
    }`);
    const subscribe = async (token: string) => {
      const ws = createWsClient({
        url: `${server.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
      });
      try {
        return await new Promise<string>((resolve) => {
          ws.subscribe(
            { query: `subscription($id: ID!) { exportProgress(id: $id) { status } }`, variables: { id } },
            { next: (m) => resolve(JSON.stringify(m.data)), error: (e) => resolve(JSON.stringify(e)), complete: () => resolve('complete') },
          );
        });
      } finally {
        await ws.dispose();
      }
    };
    expect(await subscribe(keys.data!.full.token)).toContain('READY');
    expect(await subscribe(keys.data!.sending.token)).toContain('FORBIDDEN');
  });

  it('a subscriber from another team is refused', async () => {
    const res = await admin.gql(CREATE, { input: { resource: 'DOMAINS' } });
    const ws = createWsClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { cookie: other.cookie! } });
        }
      },
    });
    const outcome = await new Promise<string>((resolve) => {
      ws.subscribe(
        { query: `subscription($id: ID!) { exportProgress(id: $id) { status } }`, variables: { id: res.data!.createExport.id } },
        { next: () => resolve('data'), error: (e) => resolve(JSON.stringify(e)), complete: () => resolve('complete') },
      );
    });
    await ws.dispose();
    expect(outcome).toContain('NOT_FOUND');
  });
});
