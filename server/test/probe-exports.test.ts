// Exports as a reviewer who had not seen the other tests attacked them: what broke, fixed, and
// pinned here as a client would notice it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_QUEUE, failExport, failInterruptedExports, reclaimAbandonedExports, runExport } from '../src/modules/export/export.service.js';
import {
  createClient,
  createTestDatabase,
  insertProcessingExport,
  PASSWORD,
  signUpAdmin,
  sql,
  startApp,
  startTestServer,
  type TestClient,
  type TestServer,
  uniqueEmail,
  waitFor,
} from './harness.js';
import { createKey } from './rest-harness.js';

const CREATE = `mutation($input: CreateExportInput!) { createExport(input: $input) { id status rowCount downloadUrl } }`;

let server: TestServer;
let admin: TestClient;
let teamId: string;

const local = (link: string) => link.replace(server.config.PUBLIC_URL, server.url);
const downloadsAudited = async (id: string) =>
  Number(
    (await sql<{ n: string }>(server.databaseUrl, `select count(*) as n from audit_event where action = 'export.downloaded' and target_id = $1`, [id]))[0].n,
  );

beforeAll(async () => {
  // A download of an export that has not started waits this long before its 409.
  server = await startTestServer({ EXPORT_DOWNLOAD_WAIT_SECONDS: '4', MAIL_RETRY_SECONDS: '0.5' });
  const a = await signUpAdmin(server, 'Probed exports');
  admin = a.client;
  teamId = a.user.team.id;
  for (const name of ['a.example.com', 'b.example.com']) {
    await admin.gql(`mutation($input: CreateDomainInput!) { createDomain(input: $input) { id } }`, { input: { name } });
  }
});

afterAll(async () => {
  await server?.stop();
});

describe('HEAD of an export download', () => {
  it('answers a READY export with the headers of its file and no body, without counting as a download', async () => {
    const exp = (await admin.gql(CREATE, { input: { resource: 'DOMAINS' } })).data!.createExport;
    expect(exp.status).toBe('READY');
    const res = await fetch(local(exp.downloadUrl), { method: 'HEAD', headers: { cookie: admin.cookie! } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="keyring-domains-.*\.csv"$/);
    const [{ size }] = await sql<{ size: number }>(server.databaseUrl, 'select file_size::float8 as size from export where id = $1', [exp.id]);
    expect(res.headers.get('content-length')).toBe(String(size));
    expect(await res.text()).toBe('');
    // Nothing was downloaded: the audit trail says so.
    expect(await downloadsAudited(exp.id)).toBe(0);
    // A GET afterwards is the file, audited once.
    const got = await fetch(local(exp.downloadUrl), { headers: { cookie: admin.cookie! } });
    expect((await got.text()).split('\n')[0]).toBe('id,name,region,status,created_at');
    expect(await downloadsAudited(exp.id)).toBe(1);
  });

  it('answers a PROCESSING export at once, neither waiting for it to start nor following it to the end', async () => {
    const id = await insertProcessingExport(server.databaseUrl, teamId);
    const { token } = await createKey(admin, { name: 'Downloads', permission: 'FULL_ACCESS' });
    const started = Date.now();
    const res = await fetch(`${server.url}/api/exports/${id}/download`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    // Its size is not known while it is written.
    expect(res.headers.get('content-length')).toBeNull();
    expect(await downloadsAudited(id)).toBe(0);
  });

  it('answers FAILED 409 and EXPIRED 410 as a GET would; another team 404, a member or a sending key no more than a GET', async () => {
    const failed = await insertProcessingExport(server.databaseUrl, teamId);
    await sql(server.databaseUrl, `update export set status = 'FAILED', error = 'x' where id = $1`, [failed]);
    const expired = (await admin.gql(CREATE, { input: { resource: 'DOMAINS' } })).data!.createExport;
    await sql(server.databaseUrl, `update export set expires_at = now() - interval '1 minute' where id = $1`, [expired.id]);
    const head = (id: string, client: TestClient = admin) =>
      fetch(`${server.url}/api/exports/${id}/download`, { method: 'HEAD', headers: client.cookie ? { cookie: client.cookie } : {} });
    expect((await head(failed)).status).toBe(409);
    expect((await head(expired.id)).status).toBe(410);
    const other = (await signUpAdmin(server, 'Other')).client;
    expect((await head(expired.id, other)).status).toBe(404);
    expect((await head(expired.id, server.client())).status).toBe(401);
    const { token } = await createKey(admin, { name: 'Sender', permission: 'SENDING_ACCESS' });
    expect((await fetch(`${server.url}/api/exports/${failed}/download`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });
});

describe('the export-ready email, retried while the mail relay refuses it', () => {
  it('is not sent to a creator made a member meanwhile, nor for an export expired meanwhile; a creator still admin gets it', async () => {
    // Three teams, each with an admin whose large export is written by runExport here.
    const teams = await Promise.all(['Stays', 'Demoted', 'Expired'].map((n) => signUpAdmin(server, n)));
    const addresses = teams.map((t) => t.email);
    // Every ready email refused while the relay is "down"; each attempt counted (a sequence is not rolled back).
    await sql(
      server.databaseUrl,
      `create sequence probe_mail_attempts;
       create function probe_refuse_mail() returns trigger language plpgsql as $$
       begin if new."to" = any(array['${addresses.join("','")}']) then perform nextval('probe_mail_attempts'); raise exception 'relay down'; end if; return new; end $$;
       create trigger probe_refuse_mail before insert on outbox_message for each row execute function probe_refuse_mail();`,
    );
    const ids: string[] = [];
    try {
      for (const t of teams) {
        const [{ id }] = await sql<{ id: string }>(
          server.databaseUrl,
          `insert into export (id, team_id, resource, filters, status, processed_rows, created_by_id, created_at)
           values (gen_random_uuid(), $1, 'DOMAINS', '{}', 'PROCESSING', 0, $2, now()) returning id`,
          [t.user.team.id, t.user.id],
        );
        ids.push(id);
        expect(await runExport(server.app.services, id, { email: true, teamSlots: 1 })).toBe('done');
      }
      // Each first attempt refused.
      await waitFor(
        async () => (Number((await sql<{ n: string }>(server.databaseUrl, 'select last_value as n from probe_mail_attempts'))[0].n) >= 3 ? true : undefined),
        5000,
        'the first attempts',
      );
      await sql(server.databaseUrl, `update membership set role = 'MEMBER' where user_id = $1`, [teams[1].user.id]);
      await sql(server.databaseUrl, `update export set expires_at = now() - interval '1 second' where id = $1`, [ids[2]]);
    } finally {
      await sql(server.databaseUrl, 'drop trigger probe_refuse_mail on outbox_message; drop function probe_refuse_mail(); drop sequence probe_mail_attempts');
    }
    const mails = (to: string) => sql<{ text: string }>(server.databaseUrl, 'select text from outbox_message where "to" = $1', [to]);
    await waitFor(async () => ((await mails(addresses[0])).length ? true : undefined), 10_000, "the still-admin's email");
    expect((await mails(addresses[0]))[0].text).toContain(ids[0]);
    // The others were retried at the same moments: one more retry period, and still nothing.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await mails(addresses[1])).toEqual([]);
    expect(await mails(addresses[2])).toEqual([]);
  });
});

describe('a FAILED export', () => {
  it('keeps nothing its attempts wrote: failed by its job once out of retries, or by the sweep of exports left without a job', async () => {
    const services = server.app.services;
    const chunks = async (id: string) =>
      Number((await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from export_chunk where export_id = $1', [id]))[0].n);
    /** A PROCESSING export with 3 chunks of a 1 MB file an attempt wrote before it died. */
    const halfWritten = async (ageMinutes = 0) => {
      const id = await insertProcessingExport(server.databaseUrl, teamId);
      await sql(server.databaseUrl, `update export set created_at = now() - $2::int * interval '1 minute' where id = $1`, [id, ageMinutes]);
      await sql(
        server.databaseUrl,
        `insert into export_chunk (export_id, attempt, seq, data) select $1, gen_random_uuid(), s, convert_to(repeat('x', 1048576), 'UTF8') from generate_series(0, 2) s`,
        [id],
      );
      expect(await chunks(id)).toBe(3);
      return id;
    };
    const ready = (await admin.gql(CREATE, { input: { resource: 'DOMAINS' } })).data!.createExport;
    const readyChunks = await chunks(ready.id);
    expect(readyChunks).toBeGreaterThan(0);
    // Out of retries: the worker fails it.
    const byJob = await halfWritten();
    await failExport(services, byJob, 'The export could not be written. Try again.');
    // Its job gone (expired on an instance killed mid-export): the sweep fails it.
    const orphaned = await halfWritten(11);
    expect(await failInterruptedExports(services)).toBeGreaterThanOrEqual(1);
    for (const id of [byJob, orphaned]) {
      expect((await sql<{ status: string }>(server.databaseUrl, 'select status from export where id = $1', [id]))[0].status).toBe('FAILED');
      expect(await chunks(id)).toBe(0);
    }
    // A READY export keeps its file.
    expect(await chunks(ready.id)).toBe(readyChunks);
  });
});

describe('an export whose writer is gone (its instance killed mid-export)', () => {
  it('is retried by a live instance within seconds, not once its job expires (30 minutes); a writer still alive is left alone', {
    timeout: 60_000,
  }, async () => {
    const url = await createTestDatabase('probe_exports_dead');
    // A: the instance that "dies" — it takes the job and names an attempt, then writes nothing more.
    const a = await startApp(url, { WORKERS: 'false', SIGNUP_PER_ADDRESS_PER_HOUR: '1000' });
    let b: Awaited<ReturnType<typeof startApp>> | undefined;
    const holder = new pg.Client({ connectionString: url });
    try {
      const admin = createClient(a.url);
      const signed = await admin.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { team { id } } }`, {
        input: { email: uniqueEmail('dead'), password: PASSWORD, teamName: 'Dead writer' },
      });
      const team = signed.data!.signUp.team.id as string;
      await sql(
        url,
        `insert into contact (id, team_id, email, first_name, unsubscribed, created_at, updated_at)
         select gen_random_uuid(), $1, 'c' || i || '@example.org', 'C', false, now() - i * interval '1 ms', now() from generate_series(1, 1500) i`,
        [team],
      );
      const created = await admin.gql(`mutation { createExport(input: { resource: CONTACTS }) { id status } }`);
      expect(created.data!.createExport.status).toBe('PROCESSING');
      const id = created.data!.createExport.id as string;
      const [job] = await a.app.services.jobs.fetch(EXPORT_QUEUE);
      expect(job.data).toMatchObject({ exportId: id });
      await sql(url, 'update export set writing_attempt = gen_random_uuid(), processed_rows = 300 where id = $1', [id]);
      await sql(url, `insert into export_chunk (export_id, attempt, seq, data) select id, writing_attempt, 0, 'id,email' from export where id = $1`, [id]);
      // Another export whose attempt's writer is alive: it holds its lock.
      const alive = await admin.gql(`mutation { createExport(input: { resource: CONTACTS }) { id } }`);
      const aliveId = alive.data!.createExport.id as string;
      const [aliveJob] = await a.app.services.jobs.fetch(EXPORT_QUEUE);
      expect(aliveJob.data).toMatchObject({ exportId: aliveId });
      const [{ attempt }] = await sql<{ attempt: string }>(
        url,
        'update export set writing_attempt = gen_random_uuid() where id = $1 returning writing_attempt as attempt',
        [aliveId],
      );
      await holder.connect();
      await holder.query('select pg_advisory_lock(hashtextextended($1, 0))', [`keyring-export-attempt:${attempt}`]);

      // B: a live instance with workers.
      b = await startApp(url, {});
      const started = Date.now();
      await waitFor(
        async () => ((await sql<{ status: string }>(url, 'select status from export where id = $1', [id]))[0].status === 'READY' ? true : undefined),
        25_000,
        'the export written again by the live instance',
      );
      expect(Date.now() - started).toBeLessThan(25_000);
      const [done] = await sql<{ row_count: number; attempts: string }>(
        url,
        'select row_count, (select count(distinct attempt) from export_chunk where export_id = $1)::text as attempts from export where id = $1',
        [id],
      );
      // Every row, in one file: the dead attempt's chunk is gone.
      expect(done).toEqual({ row_count: 1500, attempts: '1' });
      // The attempt whose writer holds its lock is still its export's.
      expect((await sql<{ status: string; writing_attempt: string }>(url, 'select status, writing_attempt from export where id = $1', [aliveId]))[0]).toEqual({
        status: 'PROCESSING',
        writing_attempt: attempt,
      });
      expect(await reclaimAbandonedExports(b.app.services)).toBe(0);
    } finally {
      await holder.end().catch(() => undefined);
      await b?.stop();
      await a.stop();
    }
  });

  it('out of retries: FAILED with its reason, keeping nothing', async () => {
    const id = await insertProcessingExport(server.databaseUrl, teamId);
    const services = server.app.services;
    // A job as the last retry of a dead instance left it: active, no retries left, its attempt's lock free.
    await sql(
      server.databaseUrl,
      `insert into pgboss.job (id, name, data, state, retry_limit, retry_count, started_on)
       values (gen_random_uuid(), $2, jsonb_build_object('exportId', $1::text), 'active', 3, 3, now())`,
      [id, EXPORT_QUEUE],
    );
    await sql(server.databaseUrl, 'update export set writing_attempt = gen_random_uuid() where id = $1', [id]);
    await sql(server.databaseUrl, 'insert into export_chunk (export_id, attempt, seq, data) select id, writing_attempt, 0, $2 from export where id = $1', [
      id,
      Buffer.from('id'),
    ]);
    // This call, or this instance's own periodic check if it came first.
    await reclaimAbandonedExports(services);
    await waitFor(
      async () =>
        (await sql<{ status: string }>(server.databaseUrl, 'select status from export where id = $1', [id]))[0].status === 'FAILED' ? true : undefined,
      5000,
      'the export FAILED',
    );
    await waitFor(
      async () => ((await sql(server.databaseUrl, 'select 1 from export_chunk where export_id = $1', [id])).length === 0 ? true : undefined),
      5000,
      'its chunks deleted',
    );
    expect((await sql(server.databaseUrl, 'select status, error, writing_attempt from export where id = $1', [id]))[0]).toEqual({
      status: 'FAILED',
      error: 'The export could not be written. Try again.',
      writing_attempt: null,
    });
    expect(await sql(server.databaseUrl, 'select 1 from export_chunk where export_id = $1', [id])).toEqual([]);
    expect((await sql<{ state: string }>(server.databaseUrl, `select state from pgboss.job where data->>'exportId' = $1`, [id]))[0].state).toBe('failed');
  });
});

describe("one team's downloads", () => {
  it('hold at most half of the download slots (at least two): another team still downloads at once while they read nothing', { timeout: 30_000 }, async () => {
    // A 24 MB file: a client that reads nothing keeps its download (and its slot) open.
    const exp = (await admin.gql(CREATE, { input: { resource: 'DOMAINS' } })).data!.createExport;
    await sql(server.databaseUrl, 'delete from export_chunk where export_id = $1', [exp.id]);
    await sql(
      server.databaseUrl,
      `insert into export_chunk (export_id, attempt, seq, data)
       select $1, (select file_attempt from export where id = $1), s, convert_to(repeat('x', 1048576), 'UTF8') from generate_series(0, 23) s`,
      [exp.id],
    );
    await sql(server.databaseUrl, 'update export set file_size = 24 * 1048576 where id = $1', [exp.id]);
    expect(server.config.EXPORT_DOWNLOADS).toBe(4);
    const aborts = Array.from({ length: 4 }, () => new AbortController());
    const hogs = aborts.map((a) => fetch(local(exp.downloadUrl), { headers: { cookie: admin.cookie! }, signal: a.signal }));
    try {
      // Let the server admit what it admits.
      await new Promise((r) => setTimeout(r, 500));
      const other = (await signUpAdmin(server, 'Another team')).client;
      const theirs = (await other.gql(CREATE, { input: { resource: 'DOMAINS' } })).data!.createExport;
      const started = Date.now();
      const res = await fetch(local(theirs.downloadUrl), { headers: { cookie: other.cookie! } });
      expect(res.status).toBe(200);
      expect((await res.text()).split('\n')[0]).toBe('id,name,region,status,created_at');
      expect(Date.now() - started).toBeLessThan(2000);
      // The hogging team: two streaming, the others refused once they have waited for one of its two.
      const answers = await Promise.all(hogs);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 503, 503]);
      const refused = answers.find((r) => r.status === 503)!;
      expect(refused.headers.get('retry-after')).toBe('4');
      expect(await refused.json()).toEqual({
        statusCode: 503,
        name: 'service_unavailable',
        message: 'Your team already has 2 downloads streaming from this server, as many as one team may (of 4): retry in 4 seconds.',
      });
    } finally {
      for (const a of aborts) a.abort();
      await Promise.allSettled(hogs);
    }
  });
});
