import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../src/modules/export/export.file.js';
import { PASSWORD, signUpAdmin, sql, startApp, startTestServer, type TestClient, type TestServer, uniqueEmail, waitFor } from './harness.js';

// A download made while a large export is PROCESSING streams the file as its chunks are committed.
// The writer is paused or broken at a chosen chunk by a trigger on export_chunk (this test's
// database only), so that "while it is written" and "fails midway" are certain, not a race.

const CREATE = `mutation($input: CreateExportInput!) { createExport(input: $input) { id status downloadUrl streamUrl } }`;
const GET = `query($id: ID!) { export(id: $id) { id status rowCount fileSize downloadUrl streamUrl } }`;
const ROWS = 40_000;
const CHUNK = CHUNK_BYTES;
/** The advisory lock a 'hold' fault waits for: the test holds it to pause the writer. */
const HOLD_LOCK = 4242;

let server: TestServer;
let admin: TestClient;
let teamId: string;
let keyToken: string;
let keyId: string;
let member: TestClient;
let other: TestClient;
let holder: pg.Client;

const local = (link: string) => link.replace(server.config.PUBLIC_URL, server.url);

/** Pauses ('hold') or breaks ('fail') the team's export writer when it inserts chunk `seq`; null removes the fault. */
async function fault(action: 'hold' | 'fail' | null, seq = 2) {
  await sql(server.databaseUrl, 'delete from stream_fault where team_id = $1', [teamId]);
  if (action) await sql(server.databaseUrl, 'insert into stream_fault (team_id, action, at_seq) values ($1, $2, $3)', [teamId, action, seq]);
}

/** Reads from a response body until at least `n` bytes came (or it ended). */
async function readAtLeast(reader: ReadableStreamDefaultReader<Uint8Array>, n: number, into: Buffer[]): Promise<number> {
  let got = into.reduce((s, b) => s + b.length, 0);
  while (got < n) {
    const { done, value } = await reader.read();
    if (done) break;
    into.push(Buffer.from(value));
    got += value.length;
  }
  return got;
}

async function readRest(reader: ReadableStreamDefaultReader<Uint8Array>, into: Buffer[]): Promise<Buffer> {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(into);
    into.push(Buffer.from(value));
  }
}

const statusOf = async (id: string) => (await sql<{ status: string }>(server.databaseUrl, 'select status from export where id = $1', [id]))[0].status;

beforeAll(async () => {
  server = await startTestServer();
  const a = await signUpAdmin(server, 'Streamers');
  admin = a.client;
  teamId = a.user.team.id;
  const key = await admin.gql(`mutation { createApiKey(input: { name: "Stream key", permission: FULL_ACCESS }) { token apiKey { id } } }`);
  keyToken = key.data!.createApiKey.token;
  keyId = key.data!.createApiKey.apiKey.id;
  const invite = await admin.gql(`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, {
    input: { email: uniqueEmail('member'), role: 'MEMBER' },
  });
  member = server.client();
  await member.gql(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id } }`, {
    input: { token: invite.data!.inviteMember.token, password: PASSWORD },
  });
  other = (await signUpAdmin(server, 'Other streamers')).client;
  await sql(
    server.databaseUrl,
    `insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, created_at)
     select gen_random_uuid(), $1, $2, 'Stream key', 'POST', '/emails', case when i % 10 = 0 then 422 else 200 end,
            case when i % 1000 = 1 then 'agent "quoted", with comma' when i % 1000 = 2 then E'multi\\nline 日本' else 'stream/1.0 ' || i end,
            i % 50, now() - i * interval '1 second'
       from generate_series(1, $3::int) as i`,
    [teamId, keyId, ROWS],
  );
  await sql(
    server.databaseUrl,
    `create table stream_fault (team_id uuid primary key, action text not null, at_seq int not null);
     create function stream_fault() returns trigger language plpgsql as $$
     declare f record;
     begin
       select sf.action, sf.at_seq into f from stream_fault sf join export e on e.team_id = sf.team_id where e.id = new.export_id;
       if found and new.seq = f.at_seq then
         if f.action = 'hold' then
           perform pg_advisory_lock_shared(${HOLD_LOCK});
           perform pg_advisory_unlock_shared(${HOLD_LOCK});
         else
           raise exception 'chunk storage failed (test fault)';
         end if;
       end if;
       return new;
     end $$;
     create trigger stream_fault before insert on export_chunk for each row execute function stream_fault();`,
  );
  holder = new pg.Client({ connectionString: server.databaseUrl });
  await holder.connect();
});

afterAll(async () => {
  await holder?.end();
  await server?.stop();
});

describe('a download made while the export is written', () => {
  it('streams the chunks as they are committed and ends with the same bytes as the finished file', { timeout: 60_000 }, async () => {
    await fault('hold');
    await holder.query('select pg_advisory_lock($1)', [HOLD_LOCK]);
    const created = (await admin.gql(CREATE, { input: { resource: 'LOGS' } })).data!.createExport;
    expect(created).toMatchObject({ status: 'PROCESSING', downloadUrl: null });
    // The link comes with the export, before any row is written.
    expect(created.streamUrl).toMatch(new RegExp(`/api/exports/${created.id}/download$`));
    const res = await fetch(local(created.streamUrl), { headers: { cookie: admin.cookie! } });
    expect(res.status).toBe(200);
    // Its size is not known yet: chunked, no Content-Length.
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const reader = res.body!.getReader();
    const parts: Buffer[] = [];
    // The two chunks committed before the writer paused arrive while it is paused.
    expect(await readAtLeast(reader, 2 * CHUNK, parts)).toBe(2 * CHUNK);
    expect(await statusOf(created.id)).toBe('PROCESSING');
    expect(Buffer.concat(parts).subarray(0, 3).toString()).toBe('id,');
    await holder.query('select pg_advisory_unlock($1)', [HOLD_LOCK]);
    const streamed = await readRest(reader, parts);

    const done = await waitFor(
      async () => {
        const e = (await admin.gql(GET, { id: created.id })).data!.export;
        return e.status === 'READY' ? e : undefined;
      },
      30_000,
      'READY',
    );
    expect(done.rowCount).toBe(ROWS);
    expect(done.streamUrl).toBe(done.downloadUrl);
    const file = await fetch(local(done.downloadUrl), { headers: { cookie: admin.cookie! } });
    expect(file.headers.get('content-length')).toBe(String(done.fileSize));
    const whole = Buffer.from(await file.arrayBuffer());
    expect(whole.length).toBe(done.fileSize);
    expect(whole.length).toBeGreaterThan(3 * CHUNK);
    expect(streamed.equals(whole)).toBe(true);
    expect(whole.toString('utf8').split('\n').length).toBe(ROWS + 2 + ROWS / 1000); // header, rows, the quoted newlines, the last newline
  });

  it('on an instance that does not write it, reads the chunks from PostgreSQL as they are committed: the same bytes', { timeout: 60_000 }, async () => {
    // A second instance on the same database that serves requests only: another instance writes the export.
    const web = await startApp(server.databaseUrl, { WORKERS: 'false' });
    const webUrl = web.url;
    try {
      await fault('hold');
      await holder.query('select pg_advisory_lock($1)', [HOLD_LOCK]);
      const created = (await admin.gql(CREATE, { input: { resource: 'LOGS' } })).data!.createExport;
      const res = await fetch(created.streamUrl.replace(server.config.PUBLIC_URL, webUrl), { headers: { cookie: admin.cookie! } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBeNull();
      const reader = res.body!.getReader();
      const parts: Buffer[] = [];
      expect(await readAtLeast(reader, 2 * CHUNK, parts)).toBe(2 * CHUNK);
      expect(await statusOf(created.id)).toBe('PROCESSING');
      await holder.query('select pg_advisory_unlock($1)', [HOLD_LOCK]);
      const streamed = await readRest(reader, parts);
      const done = await waitFor(
        async () => {
          const e = (await admin.gql(GET, { id: created.id })).data!.export;
          return e.status === 'READY' ? e : undefined;
        },
        30_000,
        'READY',
      );
      const whole = Buffer.from(await (await fetch(local(done.downloadUrl), { headers: { cookie: admin.cookie! } })).arrayBuffer());
      expect(whole.length).toBe(done.fileSize);
      expect(streamed.equals(whole)).toBe(true);
    } finally {
      await holder.query('select pg_advisory_unlock_all()');
      await fault(null);
      await web.stop();
    }
  });

  it('is cut short, never ended, when the export fails midway; the key that made it is logged with downloaded: false', { timeout: 90_000 }, async () => {
    await fault('fail');
    const created = (await admin.gql(CREATE, { input: { resource: 'LOGS' } })).data!.createExport;
    const res = await fetch(local(created.streamUrl), { headers: { authorization: `Bearer ${keyToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBeNull();
    const reader = res.body!.getReader();
    const parts: Buffer[] = [];
    // The client sees an error, not an end: what it holds is not taken for the whole file.
    const outcome = await readRest(reader, parts).then(
      (b) => ({ ended: true, bytes: b.length }),
      (e: Error) => ({ ended: false, error: e.message, bytes: Buffer.concat(parts).length }),
    );
    expect(outcome).toMatchObject({ ended: false });
    expect(outcome.bytes).toBeLessThanOrEqual(2 * CHUNK);
    // Its retries fail alike: FAILED, and a new download is refused with a clear answer.
    await waitFor(async () => ((await statusOf(created.id)) === 'FAILED' ? true : undefined), 60_000, 'FAILED');
    const again = await fetch(local(created.streamUrl), { headers: { authorization: `Bearer ${keyToken}` } });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ statusCode: 409, name: 'export_not_ready', message: 'This export failed.' });
    expect((await admin.gql(GET, { id: created.id })).data!.export).toMatchObject({ status: 'FAILED', streamUrl: null, downloadUrl: null });
    const logs = await waitFor(
      async () => {
        const rows = await sql<{ status_code: number; response_body: unknown }>(
          server.databaseUrl,
          `select status_code, response_body from usage_log where api_key_id = $1 and endpoint = $2 order by created_at`,
          [keyId, `/exports/${created.id}/download`],
        );
        return rows.length === 2 ? rows : undefined;
      },
      10_000,
      'the download usage logs',
    );
    expect(logs).toEqual([
      { status_code: 200, response_body: { downloaded: false } },
      { status_code: 409, response_body: { statusCode: 409, name: 'export_not_ready', message: 'This export failed.' } },
    ]);
    await fault(null);
  });

  it('answers 409 as JSON when the export fails before its first byte was sent', { timeout: 90_000 }, async () => {
    await fault('fail', 0);
    try {
      const created = (await admin.gql(CREATE, { input: { resource: 'LOGS' } })).data!.createExport;
      const res = await fetch(local(created.streamUrl), { headers: { cookie: admin.cookie! } });
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('content-disposition')).toBeNull();
      expect(await res.json()).toEqual({ statusCode: 409, name: 'export_not_ready', message: 'This export failed.' });
      expect(await statusOf(created.id)).toBe('FAILED');
    } finally {
      await fault(null);
    }
  });

  it('a download abandoned while it follows the export frees its slot: more abandoned than slots, then a whole one', { timeout: 90_000 }, async () => {
    await fault('hold');
    await holder.query('select pg_advisory_lock($1)', [HOLD_LOCK]);
    try {
      const created = (await admin.gql(CREATE, { input: { resource: 'LOGS' } })).data!.createExport;
      for (let i = 0; i <= server.config.EXPORT_DOWNLOADS; i++) {
        const abort = new AbortController();
        const res = await fetch(local(created.streamUrl), { headers: { cookie: admin.cookie! }, signal: abort.signal });
        expect(res.status).toBe(200);
        // The writer is paused: the download waits for the next chunk when its client goes.
        expect(await readAtLeast(res.body!.getReader(), 2 * CHUNK, [])).toBe(2 * CHUNK);
        abort.abort();
      }
      await holder.query('select pg_advisory_unlock($1)', [HOLD_LOCK]);
      const res = await fetch(local(created.streamUrl), { headers: { cookie: admin.cookie! } });
      expect(res.status).toBe(200);
      const whole = Buffer.from(await res.arrayBuffer());
      const [row] = await sql<{ file_size: number }>(server.databaseUrl, 'select file_size::float8 as file_size from export where id = $1', [created.id]);
      expect(whole.length).toBe(row.file_size);
    } finally {
      await holder.query('select pg_advisory_unlock_all()');
      await fault(null);
    }
  });

  it("refuses another team's admin, members and anonymous callers while it is written, without waiting for it", { timeout: 60_000 }, async () => {
    await fault('hold');
    await holder.query('select pg_advisory_lock($1)', [HOLD_LOCK]);
    try {
      const created = (await admin.gql(CREATE, { input: { resource: 'LOGS' } })).data!.createExport;
      await waitFor(
        async () => ((await sql(server.databaseUrl, 'select 1 from export_chunk where export_id = $1 and seq = 1', [created.id])).length ? true : undefined),
        30_000,
        'the first chunks',
      );
      const link = local(created.streamUrl);
      const asOther = await fetch(link, { headers: { cookie: other.cookie! } });
      expect(asOther.status).toBe(404);
      expect(await asOther.json()).toEqual({ statusCode: 404, name: 'not_found', message: 'Export not found.' });
      expect((await other.gql(GET, { id: created.id })).data!.export).toBeNull();
      const asMember = await fetch(link, { headers: { cookie: member.cookie! } });
      expect(asMember.status).toBe(403);
      expect((await member.gql(GET, { id: created.id })).data!.export).toMatchObject({ status: 'PROCESSING', streamUrl: null });
      expect((await fetch(link)).status).toBe(401);
      expect(await statusOf(created.id)).toBe('PROCESSING');
    } finally {
      await holder.query('select pg_advisory_unlock($1)', [HOLD_LOCK]);
      await fault(null);
    }
  });
});

describe('a download of an export that has not started', () => {
  it('waits EXPORT_DOWNLOAD_WAIT_SECONDS for it, then is 409 with Retry-After', { timeout: 60_000 }, async () => {
    // No worker on this instance: the export stays queued.
    const queued = await startTestServer({ WORKERS: 'false', EXPORT_DOWNLOAD_WAIT_SECONDS: '0.5' });
    try {
      const a = await signUpAdmin(queued, 'Queued');
      await sql(
        queued.databaseUrl,
        `insert into usage_log (id, team_id, method, endpoint, status_code, duration_ms, created_at)
         select gen_random_uuid(), $1, 'POST', '/emails', 200, 1, now() - i * interval '1 second' from generate_series(1, 1500) as i`,
        [a.user.team.id],
      );
      const created = (await a.client.gql(CREATE, { input: { resource: 'LOGS' } })).data!.createExport;
      expect(created.status).toBe('PROCESSING');
      const res = await fetch(created.streamUrl.replace(queued.config.PUBLIC_URL, queued.url), { headers: { cookie: a.client.cookie! } });
      expect(res.status).toBe(409);
      expect(res.headers.get('retry-after')).toBe('10');
      expect(await res.json()).toMatchObject({ name: 'export_not_ready', message: expect.stringMatching(/waiting for its turn/) });
    } finally {
      await queued.stop();
    }
  });
});
