// The export service and its resources (modules/export/export.service.ts, export.resources.ts)
// driven directly on a real PostgreSQL: one app built in this process with WORKERS=false, so that
// no worker takes a job and each background run is made here, by runExport, when a test says so.
// createExport's checks and the 1,000 / 1,001-row boundary, the estimate, each resource's own
// list and typed filter, the team's ten large exports (under concurrent requests), the job sent,
// a background run's attempt, team slots, progress, email and what it keeps, an attempt no longer
// wanted or cut off, FAILED, and expiry after 7 days. Fast enough for every mutant of both
// modules to run it (pnpm test:mutation export-service / export-resources).
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError, badInput, ErrorCode } from '../src/errors.js';
import { Permission } from '../src/modules/api-key/api-key.entity.js';
import type { Actor } from '../src/modules/auth/actor.js';
import { domainExport } from '../src/modules/domain/domain.export.js';
import { Export, ExportResource, ExportStatus } from '../src/modules/export/export.entity.js';
import { exportQueries, prepareExport } from '../src/modules/export/export.resources.js';
import {
  createExport,
  detailUrl,
  downloadUrl,
  EXPORT_QUEUE,
  ExportInterrupted,
  estimateExport,
  expireExports,
  failExport,
  failInterruptedExports,
  findExport,
  localExportWorkers,
  runExport,
} from '../src/modules/export/export.service.js';
import { ExportChanges } from '../src/modules/export/export.stream.js';
import { Role, Team, User } from '../src/modules/team/team.entity.js';
import type { Services } from '../src/services.js';
import { createTestDatabase, type InProcessServer, sql, startApp, waitFor } from './harness.js';

let url: string;
let app: InProcessServer;
let services: Services;
const day = 86_400_000;

beforeAll(async () => {
  url = await createTestDatabase('export_service');
  app = await startApp(url, { WORKERS: 'false', EXPORT_JOB_TIMEOUT_SECONDS: '1234' });
  services = app.app.services;
});
afterAll(async () => {
  await app?.stop();
});

const em = () => services.orm.em.fork() as EntityManager;

type T = { teamId: string; userId: string; email: string; admin: Actor; key: Actor };
async function team(name = 'Exports'): Promise<T> {
  const teamId = randomUUID();
  const userId = randomUUID();
  const email = `${userId}@example.com`;
  await sql(url, `insert into team (id, name, created_at) values ($1, $2, now())`, [teamId, name]);
  await sql(url, `insert into app_user (id, email, password_hash, created_at) values ($1, $2, 'x', now())`, [userId, email]);
  await sql(url, `insert into membership (id, team_id, user_id, role, created_at) values (gen_random_uuid(), $1, $2, 'ADMIN', now())`, [teamId, userId]);
  return {
    teamId,
    userId,
    email,
    admin: { kind: 'user', userId, teamId, role: Role.ADMIN, sessionId: randomUUID() },
    key: { kind: 'apiKey', apiKeyId: randomUUID(), teamId, permission: Permission.FULL_ACCESS, domainId: null },
  };
}

/** n contacts, the newest first (1 ms apart), `ageDays` old. */
const addContacts = (teamId: string, n: number, ageDays = 0, from = 0) =>
  sql(
    url,
    `insert into contact (id, team_id, email, first_name, unsubscribed, created_at, updated_at)
     select gen_random_uuid(), $1, 'c' || i || repeat('o', $4::int) || '@example.org', 'Bulk', false, now() - $4::int * interval '1 day' - i * interval '1 ms', now()
       from generate_series($2::int, $3::int) i`,
    [teamId, from + 1, from + n, ageDays],
  );
/** n emails, each to `recipients` addresses (250 make a row of ~5 KB), `ageDays` old. */
const addEmails = (teamId: string, n: number, ageDays = 0, recipients = 1) =>
  sql(
    url,
    `insert into email (id, team_id, "from", "to", cc, bcc, reply_to, subject, status, created_at)
     select gen_random_uuid(), $1, 'a@example.com', (select jsonb_agg('recipient' || g || '@example.com') from generate_series(1, $4::int) g),
            '[]', '[]', '[]', 'Hello ' || i, 'sent', now() - $3::int * interval '1 day' - i * interval '1 ms'
       from generate_series(1, $2::int) i`,
    [teamId, n, ageDays, recipients],
  );
const addDomains = (teamId: string, n: number, ageDays = 0) =>
  sql(
    url,
    `insert into domain (id, team_id, name, region, created_at)
     select gen_random_uuid(), $1, 'd' || i || '-' || $3::int || '.example.com', 'us-east-1', now() - $3::int * interval '1 day' - i * interval '1 ms' from generate_series(1, $2::int) i`,
    [teamId, n, ageDays],
  );
const addKeys = (teamId: string, n: number, ageDays = 0) =>
  sql(
    url,
    `insert into api_key (id, team_id, name, permission, token_start, token_hash, created_at, updated_at)
     select gen_random_uuid(), $1, 'k' || i, 'FULL_ACCESS', 're_k', md5(random()::text), now() - $3::int * interval '1 day' - i * interval '1 ms', now()
       from generate_series(1, $2::int) i`,
    [teamId, n, ageDays],
  );
const addBroadcasts = (teamId: string, n: number, ageDays = 0) =>
  sql(
    url,
    `insert into broadcast (id, team_id, name, "from", subject, status, created_at)
     select gen_random_uuid(), $1, 'b' || i, 'news@example.com', 'Offer', 'draft', now() - $3::int * interval '1 day' - i * interval '1 ms'
       from generate_series(1, $2::int) i`,
    [teamId, n, ageDays],
  );
const addLogs = (teamId: string, n: number, ageDays = 0) =>
  sql(
    url,
    `insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, created_at)
     select gen_random_uuid(), $1, null, 'k', 'GET', '/emails', case when i % 2 = 0 then 422 else 200 end, 'test', 1,
            now() - $3::int * interval '1 day' - i * interval '1 ms'
       from generate_series(1, $2::int) i`,
    [teamId, n, ageDays],
  );

/** The AppError a call threw (undefined when it did not). */
async function refusal(p: Promise<unknown> | (() => unknown)): Promise<AppError | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
    return undefined;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return e;
  }
}

type Row = {
  status: string;
  row_count: number | null;
  estimated_row_count: number | null;
  processed_rows: number;
  file_size: number | null;
  file_attempt: string | null;
  writing_attempt: string | null;
  error: string | null;
  created_by_id: string | null;
  created_by_api_key_id: string | null;
  filters: Record<string, unknown>;
  completed: boolean;
  ttl_ms: number | null;
};
async function row(id: string): Promise<Row> {
  const [r] = await sql<Row>(
    url,
    `select status, row_count, estimated_row_count, processed_rows, file_size::float8 as file_size, file_attempt, writing_attempt, error, created_by_id,
            created_by_api_key_id, filters, completed_at is not null as completed,
            (extract(epoch from expires_at - completed_at) * 1000)::float8 as ttl_ms
       from export where id = $1`,
    [id],
  );
  return r;
}
/** The export's file as stored: the chunks of its file attempt, in order. */
async function file(id: string): Promise<string> {
  const [r] = await sql<{ text: string | null }>(
    url,
    `select convert_from(string_agg(c.data, ''::bytea order by c.seq), 'UTF8') as text
       from export_chunk c join export e on e.id = c.export_id and c.attempt = e.file_attempt where e.id = $1`,
    [id],
  );
  return r.text ?? '';
}
const chunkAttempts = async (id: string) =>
  (await sql<{ attempt: string }>(url, 'select distinct attempt from export_chunk where export_id = $1', [id])).map((r) => r.attempt);
const exportCount = async (teamId: string) => (await sql<{ n: number }>(url, 'select count(*)::int as n from export where team_id = $1', [teamId]))[0].n;
const audits = (id: string) =>
  sql<{ action: string; metadata: Record<string, unknown>; actor_id: string | null; actor_api_key_id: string | null }>(
    url,
    'select action, metadata, actor_id, actor_api_key_id from audit_event where target_id = $1',
    [id],
  );
const jobsOf = (id: string) =>
  sql<{ name: string; data: Record<string, unknown>; retry_limit: number; retry_delay: number; expire: number }>(
    url,
    `select name, data, retry_limit, retry_delay, extract(epoch from expire_in)::int as expire from pgboss.job where data->>'exportId' = $1`,
    [id],
  );
const mails = (to: string) => sql<{ subject: string; text: string }>(url, 'select subject, text from outbox_message where "to" = $1', [to]);

/** A PROCESSING export made as createExport makes a large one, without its job: runExport is then called by the test. */
async function pending(t: T, resource: ExportResource, filters: Record<string, unknown> = {}, by: 'user' | 'key' = 'user'): Promise<string> {
  const e = em();
  const exp = new Export(e.getReference(Team, t.teamId), resource, filters);
  if (by === 'user') exp.createdBy = e.getReference(User, t.userId);
  else exp.createdByApiKeyId = (t.key as { apiKeyId: string }).apiKeyId;
  await e.persist(exp).flush();
  return exp.id;
}

/** Holds an ACCESS EXCLUSIVE lock on a table: an export's COPY of it waits until release. */
async function lockTable(table: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('begin');
  await c.query(`lock table ${table} in access exclusive mode`);
  return {
    release: async () => {
      await c.query('commit');
      await c.end();
    },
  };
}
/** Waits until a COPY is waiting for a lock, and answers its backend's pid. */
const blockedCopy = () =>
  waitFor(
    async () =>
      (
        await sql<{ pid: number }>(
          url,
          `select pid from pg_stat_activity where datname = current_database() and query like 'copy (%' and wait_event_type = 'Lock'`,
        )
      )[0]?.pid,
    10_000,
    'a COPY waiting for its lock',
  );
/** Counts the connections each kind of export takes from its pools (inline: in the request; background: jobs). */
function acquisitions() {
  const { inline, background } = services.exportPools;
  const n = { inline: 0, background: 0 };
  const offs = (
    [
      [inline.copy, 'inline'],
      [inline.write, 'inline'],
      [background.copy, 'background'],
      [background.write, 'background'],
    ] as const
  ).map(([pool, kind]) => {
    const count = () => {
      n[kind]++;
    };
    pool.on('acquire', count);
    return () => pool.off('acquire', count);
  });
  return {
    n,
    off: () => {
      for (const off of offs) off();
    },
  };
}
/** Counts the export_progress notifications of one export. */
function progressOf(id: string) {
  const heard = { n: 0 };
  const off = services.notifier.on('export_progress', (x) => {
    if (x === id) heard.n++;
  });
  return { heard, off };
}

describe('createExport', () => {
  it('refuses an unknown resource, creating nothing (createExport, estimateExport and prepareExport alike)', async () => {
    const t = await team();
    for (const run of [
      () => createExport(em(), services, t.admin, { resource: 'INVOICES' as ExportResource }),
      () => estimateExport(em(), t.admin, { resource: 'INVOICES' as ExportResource }),
      () => prepareExport(em(), t.teamId, { resource: 'INVOICES' as ExportResource }),
      () => createExport(em(), services, t.admin, { resource: undefined as unknown as ExportResource }),
      // A name every object has is no resource either.
      () => createExport(em(), services, t.admin, { resource: 'constructor' as ExportResource }),
      () => estimateExport(em(), t.admin, { resource: 'toString' as ExportResource }),
    ]) {
      const e = await refusal(run);
      expect(e).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resource', message: 'Unknown resource.' });
    }
    expect(await exportCount(t.teamId)).toBe(0);
  });

  it('1,000 rows: READY in the response, counted exactly, its file written at once with a 7-day link, audited, no job, no email', async () => {
    const t = await team();
    await addContacts(t.teamId, 1000);
    const exp = await createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS });
    expect(exp).toMatchObject({ status: ExportStatus.READY, rowCount: 1000, estimatedRowCount: 1000, processedRows: 1000 });
    const r = await row(exp.id);
    expect(r).toMatchObject({
      status: 'READY',
      row_count: 1000,
      estimated_row_count: 1000,
      processed_rows: 1000,
      writing_attempt: null,
      created_by_id: t.userId,
      created_by_api_key_id: null,
      completed: true,
      ttl_ms: 7 * day,
      filters: {},
    });
    const text = await file(exp.id);
    expect(r.file_size).toBe(Buffer.byteLength(text));
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(1001);
    expect(lines[1]).toContain('c1@example.org');
    expect(await chunkAttempts(exp.id)).toEqual([r.file_attempt]);
    expect(await audits(exp.id)).toEqual([
      { action: 'export.created', metadata: { resource: 'CONTACTS', filters: {}, rowCount: 1000 }, actor_id: t.userId, actor_api_key_id: null },
    ]);
    expect(await jobsOf(exp.id)).toEqual([]);
    expect(await mails(t.email)).toEqual([]);
    expect(await estimateExport(em(), t.admin, { resource: ExportResource.CONTACTS })).toEqual({ rowCount: 1000, exact: true });
  });

  it('1,001 rows: PROCESSING with an estimate, audited without a count, a job on the export queue with its retries and timeout', async () => {
    const t = await team();
    await addContacts(t.teamId, 1001);
    const exp = await createExport(em(), services, t.key, { resource: ExportResource.CONTACTS });
    expect(exp).toMatchObject({ status: ExportStatus.PROCESSING, rowCount: null, processedRows: 0 });
    expect(exp.estimatedRowCount).toBeGreaterThanOrEqual(1001);
    const r = await row(exp.id);
    expect(r).toMatchObject({
      status: 'PROCESSING',
      row_count: null,
      estimated_row_count: exp.estimatedRowCount,
      file_attempt: null,
      writing_attempt: null,
      created_by_id: null,
      created_by_api_key_id: (t.key as { apiKeyId: string }).apiKeyId,
      completed: false,
    });
    expect(await chunkAttempts(exp.id)).toEqual([]);
    expect(await audits(exp.id)).toEqual([
      {
        action: 'export.created',
        metadata: { resource: 'CONTACTS', filters: {}, rowCount: null },
        actor_id: null,
        actor_api_key_id: (t.key as { apiKeyId: string }).apiKeyId,
      },
    ]);
    expect(await jobsOf(exp.id)).toEqual([{ name: EXPORT_QUEUE, data: { exportId: exp.id }, retry_limit: 3, retry_delay: 1, expire: 1234 }]);
    expect(EXPORT_QUEUE).toBe('export');
    const estimate = await estimateExport(em(), t.admin, { resource: ExportResource.CONTACTS });
    expect(estimate.exact).toBe(false);
    expect(estimate.rowCount).toBeGreaterThanOrEqual(1001);
    // Run as its job would: READY with every row, and its creator (a key) gets no email.
    expect(await runExport(services, exp.id, { email: true, teamSlots: 1 })).toBe('done');
    expect(await row(exp.id)).toMatchObject({ status: 'READY', row_count: 1001, processed_rows: 1001, ttl_ms: 7 * day, writing_attempt: null });
    expect((await file(exp.id)).trimEnd().split('\n')).toHaveLength(1002);
  });

  it("a large export carries PostgreSQL's estimate, never less than 1,001", async () => {
    const t = await team();
    // 1,100 unsubscribed contacts named gone…, 1,900 subscribed ones: two conditions the planner takes as independent.
    await sql(
      url,
      `insert into contact (id, team_id, email, first_name, unsubscribed, created_at, updated_at)
       select gen_random_uuid(), $1, case when i <= 1100 then 'gone' else 'here' end || i || '@example.org', 'Bulk', i <= 1100, now() - i * interval '1 ms', now()
         from generate_series(1, 3000) i`,
      [t.teamId],
    );
    await sql(url, 'analyze contact');
    const big = await createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS });
    expect(big.estimatedRowCount).toBeGreaterThan(2000);
    expect(big.estimatedRowCount).toBeLessThan(4000);
    expect((await estimateExport(em(), t.admin, { resource: ExportResource.CONTACTS })).rowCount).toBe(big.estimatedRowCount);
    // The planner guesses fewer than 1,000 of these (about a third of a third), yet there are 1,100.
    const gone = { unsubscribed: true, search: 'gone' };
    const rare = await createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS, contacts: gone });
    expect(rare.status).toBe(ExportStatus.PROCESSING);
    expect(rare.estimatedRowCount).toBe(1001);
    expect(await estimateExport(em(), t.admin, { resource: ExportResource.CONTACTS, contacts: gone })).toEqual({ rowCount: 1001, exact: false });
    expect(await runExport(services, rare.id, { email: false, teamSlots: 1 })).toBe('done');
    expect(await row(rare.id)).toMatchObject({ status: 'READY', row_count: 1100 });
    // A planner that expects more rows than an int holds: the estimate stops at 2,147,483,647 (its column is an int).
    await sql(url, `update pg_class set reltuples = 1e13 where oid = 'contact'::regclass`);
    try {
      expect(await estimateExport(em(), t.admin, { resource: ExportResource.CONTACTS })).toEqual({ rowCount: 2 ** 31 - 1, exact: false });
      const huge = await createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS });
      expect((await row(huge.id)).estimated_row_count).toBe(2 ** 31 - 1);
    } finally {
      await sql(url, 'analyze contact');
    }
  });

  it('a team may have 10 large exports queued or running; the 11th is RATE_LIMITED (30 s), creating nothing; small ones still run', async () => {
    const t = await team();
    await addContacts(t.teamId, 1001);
    const other = await team();
    // Not counted: another team's, a READY one, a FAILED one, one with a count (small, being written).
    for (let i = 0; i < 10; i++) await pending(other, ExportResource.CONTACTS);
    await sql(url, `update export set status = 'READY' where id = $1`, [await pending(t, ExportResource.CONTACTS)]);
    await sql(url, `update export set status = 'FAILED' where id = $1`, [await pending(t, ExportResource.CONTACTS)]);
    await sql(url, `update export set row_count = 5 where id = $1`, [await pending(t, ExportResource.CONTACTS)]);
    for (let i = 0; i < 9; i++) await pending(t, ExportResource.CONTACTS);
    const tenth = await createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS });
    expect(tenth.status).toBe(ExportStatus.PROCESSING);
    const before = await exportCount(t.teamId);
    const e = await refusal(createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS }));
    expect(e).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 30,
      message: 'Your team already has 10 large exports in progress: try again once one is ready.',
    });
    expect(await exportCount(t.teamId)).toBe(before);
    expect((await sql<{ n: number }>(url, `select count(*)::int as n from audit_event where team_id = $1`, [t.teamId]))[0].n).toBe(1);
    // A small export is written at once whatever is queued.
    const small = await createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS, contacts: { search: 'c1@' } });
    expect(small).toMatchObject({ status: ExportStatus.READY, rowCount: 1 });
    // The other team (10 pending of its own) is refused too, and one ready frees a place.
    await addContacts(other.teamId, 1001);
    expect(await refusal(createExport(em(), services, other.admin, { resource: ExportResource.CONTACTS }))).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('concurrent requests cannot pass the limit together: with 9 pending, one of four is accepted', async () => {
    const t = await team();
    await addContacts(t.teamId, 1001);
    for (let i = 0; i < 9; i++) await pending(t, ExportResource.CONTACTS);
    const results = await Promise.allSettled([0, 1, 2, 3].map(() => createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await exportCount(t.teamId)).toBe(10);
  });

  it("wakes this instance's export workers at once rather than at their next poll", async () => {
    const t = await team();
    await addContacts(t.teamId, 1001);
    let got: (id: string) => void = () => undefined;
    const picked = new Promise<string>((resolve) => {
      got = resolve;
    });
    // The jobs of the tests above would keep the worker busy (it fetches again at once after a job).
    await sql(url, `delete from pgboss.job where name = $1`, [EXPORT_QUEUE]);
    const worker = await services.jobs.work<{ exportId: string }>(EXPORT_QUEUE, { pollingIntervalSeconds: 60, batchSize: 1 }, async ([job]) => {
      got(job.data.exportId);
    });
    localExportWorkers.set(services.jobs, [worker]);
    try {
      // Its first fetch, made when it starts, finds nothing.
      await new Promise((r) => setTimeout(r, 500));
      const exp = await createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS });
      const first = await Promise.race([picked, new Promise((r) => setTimeout(() => r('not woken'), 10_000))]);
      expect(first).toBe(exp.id);
    } finally {
      localExportWorkers.delete(services.jobs);
      await services.jobs.offWork({ id: worker } as never).catch(() => services.jobs.offWork(EXPORT_QUEUE));
    }
  });
});

describe('findExport', () => {
  it("finds the team's own export; another team's, or an id that is no UUID, is null", async () => {
    const t = await team();
    const other = await team();
    const id = await pending(t, ExportResource.DOMAINS);
    expect((await findExport(em(), t.teamId, id))?.id).toBe(id);
    expect(await findExport(em(), other.teamId, id)).toBeNull();
    expect(await findExport(em(), t.teamId, 'not-a-uuid')).toBeNull();
    expect(await findExport(em(), t.teamId, randomUUID())).toBeNull();
  });
});

describe('runExport', () => {
  it('an export that is not there, or no longer PROCESSING, is done without writing', async () => {
    const t = await team();
    await addDomains(t.teamId, 2);
    const pools = acquisitions();
    expect(await runExport(services, randomUUID(), { email: true })).toBe('done');
    const id = await pending(t, ExportResource.DOMAINS);
    await failExport(services, id, 'gone');
    expect(await runExport(services, id, { email: true, teamSlots: 1 })).toBe('done');
    expect(await runExport(services, id, { email: true })).toBe('done');
    // Not even a connection to write with was taken.
    pools.off();
    expect(pools.n).toEqual({ inline: 0, background: 0 });
    expect(await row(id)).toMatchObject({ status: 'FAILED', file_attempt: null, row_count: null });
    expect(await chunkAttempts(id)).toEqual([]);
  });

  it('emails its creator once READY: the count, both links, 7 days; keeps only its own attempt; hands each chunk to local downloads', async () => {
    const t = await team();
    await addKeys(t.teamId, 1234);
    const id = await pending(t, ExportResource.API_KEYS);
    // A retried job's earlier attempt left a chunk behind.
    await sql(url, `insert into export_chunk (export_id, attempt, seq, data) values ($1, $2, 0, 'old')`, [id, randomUUID()]);
    const changes = new ExportChanges(services, id);
    try {
      expect(await runExport(services, id, { email: true, teamSlots: 1 })).toBe('done');
      const r = await row(id);
      expect(r).toMatchObject({ status: 'READY', row_count: 1234, processed_rows: 1234, writing_attempt: null, completed: true, ttl_ms: 7 * day });
      expect(await chunkAttempts(id)).toEqual([r.file_attempt]);
      const text = await file(id);
      expect(r.file_size).toBe(Buffer.byteLength(text));
      expect(changes.take(r.file_attempt!, 0)?.toString()).toBe(text);
    } finally {
      changes.close();
    }
    expect(downloadUrl(services, id)).toBe(`${services.config.PUBLIC_URL}/api/exports/${id}/download`);
    expect(detailUrl(services, id)).toBe(`${services.config.PUBLIC_URL}/exports/${id}`);
    expect(await mails(t.email)).toEqual([
      {
        subject: 'Your api keys export is ready',
        text: `Your export of 1,234 api keys is ready.\n\nDownload it: ${services.config.PUBLIC_URL}/api/exports/${id}/download\nDetails: ${services.config.PUBLIC_URL}/exports/${id}\n\nThe link works for 7 days.`,
      },
    ]);
    // Run again (a duplicate job): nothing more, no second email.
    expect(await runExport(services, id, { email: true, teamSlots: 1 })).toBe('done');
    expect(await mails(t.email)).toHaveLength(1);
  });

  it('no email when asked for none, or for an export made with a key', async () => {
    const t = await team();
    await addDomains(t.teamId, 3);
    const quiet = await pending(t, ExportResource.DOMAINS);
    expect(await runExport(services, quiet, { email: false, teamSlots: 1 })).toBe('done');
    const byKey = await pending(t, ExportResource.DOMAINS, {}, 'key');
    expect(await runExport(services, byKey, { email: true, teamSlots: 1 })).toBe('done');
    expect(await row(quiet)).toMatchObject({ status: 'READY', row_count: 3 });
    expect(await row(byKey)).toMatchObject({ status: 'READY', row_count: 3 });
    expect(await mails(t.email)).toEqual([]);
  });

  it('no email to a creator removed from the team, or made a member, while it was written; the export is READY all the same', async () => {
    const t = await team();
    await addDomains(t.teamId, 3);
    const removed = await pending(t, ExportResource.DOMAINS);
    await sql(url, 'delete from membership where user_id = $1 and team_id = $2', [t.userId, t.teamId]);
    expect(await runExport(services, removed, { email: true, teamSlots: 1 })).toBe('done');
    const demoted = await pending(t, ExportResource.DOMAINS);
    await sql(url, `insert into membership (id, team_id, user_id, role, created_at) values (gen_random_uuid(), $1, $2, 'MEMBER', now())`, [t.teamId, t.userId]);
    expect(await runExport(services, demoted, { email: true, teamSlots: 1 })).toBe('done');
    expect(await row(removed)).toMatchObject({ status: 'READY', row_count: 3 });
    expect(await row(demoted)).toMatchObject({ status: 'READY', row_count: 3 });
    // An admin of another team only (a user may belong to several) is not one of this team's.
    const other = await team('Elsewhere');
    await sql(url, `insert into membership (id, team_id, user_id, role, created_at) values (gen_random_uuid(), $1, $2, 'ADMIN', now())`, [
      other.teamId,
      t.userId,
    ]);
    const elsewhere = await pending(t, ExportResource.DOMAINS);
    expect(await runExport(services, elsewhere, { email: true, teamSlots: 1 })).toBe('done');
    // Made an admin again: the next one is emailed, and it is the only email.
    await sql(url, `update membership set role = 'ADMIN' where user_id = $1 and team_id = $2`, [t.userId, t.teamId]);
    const again = await pending(t, ExportResource.DOMAINS);
    expect(await runExport(services, again, { email: true, teamSlots: 1 })).toBe('done');
    await waitFor(async () => ((await mails(t.email)).length ? true : undefined), 5000, 'the email');
    await new Promise((r) => setTimeout(r, 200));
    const sent = await mails(t.email);
    expect(sent).toHaveLength(1);
    expect(sent[0].text).toContain(again);
  });

  it("answers 'busy' without writing while the team's slots are taken, runs in a free one, and gives it back", async () => {
    const t = await team();
    await addDomains(t.teamId, 2);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock(hashtextextended($1, 0))', [`keyring-export:${t.teamId}:0`]);
      const id = await pending(t, ExportResource.DOMAINS);
      expect(await runExport(services, id, { email: true, teamSlots: 1 })).toBe('busy');
      expect(await row(id)).toMatchObject({ status: 'PROCESSING', writing_attempt: null, file_attempt: null });
      expect(await chunkAttempts(id)).toEqual([]);
      // Another team's slot is its own.
      const other = await team();
      const theirs = await pending(other, ExportResource.DOMAINS);
      expect(await runExport(services, theirs, { email: false, teamSlots: 1 })).toBe('done');
      // Two slots: the second is free.
      expect(await runExport(services, id, { email: false, teamSlots: 2 })).toBe('done');
      expect(await row(id)).toMatchObject({ status: 'READY', row_count: 2 });
      // Given back: another session can take slot 1 (and the other team's slot 0) now.
      const free = await holder.query<{ a: boolean; b: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as a, pg_try_advisory_lock(hashtextextended($2, 0)) as b',
        [`keyring-export:${t.teamId}:1`, `keyring-export:${other.teamId}:0`],
      );
      expect(free.rows[0]).toEqual({ a: true, b: true });
    } finally {
      await holder.end();
    }
  });

  it('a background run names its attempt while it writes and sends progress every half second while PostgreSQL waits; a small one names its attempt too, and takes no slot', async () => {
    const t = await team();
    await addContacts(t.teamId, 5);
    const id = await pending(t, ExportResource.CONTACTS);
    const lock = await lockTable('contact');
    const progress = progressOf(id);
    const pools = acquisitions();
    let run: Promise<string> | undefined;
    try {
      run = runExport(services, id, { email: false, teamSlots: 1 });
      await blockedCopy();
      expect(pools.n).toEqual({ inline: 0, background: 2 });
      const writing = (await row(id)).writing_attempt;
      expect(writing).toMatch(/^[0-9a-f-]{36}$/);
      const heard = progress.heard.n;
      await new Promise((r) => setTimeout(r, 1100));
      expect(progress.heard.n - heard).toBeGreaterThanOrEqual(1);
      expect(progress.heard.n - heard).toBeLessThanOrEqual(4);
    } finally {
      await lock.release();
    }
    expect(await run).toBe('done');
    // Its heartbeat stops with it (once the last notifications have come).
    await new Promise((r) => setTimeout(r, 300));
    const atEnd = progress.heard.n;
    await new Promise((r) => setTimeout(r, 800));
    expect(progress.heard.n).toBe(atEnd);
    progress.off();
    pools.off();
    const r = await row(id);
    expect(r).toMatchObject({ status: 'READY', row_count: 5, writing_attempt: null });
    expect(r.file_attempt).toBeTruthy();

    // Written in the request (no teamSlots): no slot taken, but its attempt named (and its lock held), so
    // that another instance can tell when its writer is gone (reclaimAbandonedExports).
    const inline = await pending(t, ExportResource.CONTACTS);
    const lock2 = await lockTable('contact');
    let run2: Promise<string> | undefined;
    const pools2 = acquisitions();
    try {
      run2 = runExport(services, inline, { email: false });
      await blockedCopy();
      expect(pools2.n).toEqual({ inline: 2, background: 0 });
      pools2.off();
      const attempt = (await row(inline)).writing_attempt;
      expect(attempt).toMatch(/^[0-9a-f-]{36}$/);
      const held = await sql<{ free: boolean }>(url, 'select pg_try_advisory_xact_lock(hashtextextended($1, 0)) as free', [
        `keyring-export-attempt:${attempt}`,
      ]);
      expect(held).toEqual([{ free: false }]);
      // This team's export slots only: a sign-up elsewhere in the cluster holds an advisory lock of its own for a moment.
      const slot = await sql<{ n: number }>(
        url,
        `select count(*)::int as n from pg_locks where locktype = 'advisory' and objsubid = 1
            and ((classid::bigint << 32) | objid::bigint) in (select hashtextextended('keyring-export:' || $1 || ':' || s, 0) from generate_series(0, 7) s)`,
        [t.teamId],
      );
      expect(slot[0].n).toBe(0);
    } finally {
      await lock2.release();
    }
    expect(await run2).toBe('done');
    expect(await row(inline)).toMatchObject({ status: 'READY', row_count: 5, writing_attempt: null });
  });

  it('progress: rows written so far, at most every 250 ms, and a notification at the end', async () => {
    const t = await team();
    await addEmails(t.teamId, 1001, 0, 250);
    const id = await pending(t, ExportResource.EMAILS);
    const seen: number[] = [];
    const off = services.notifier.on('export_progress', (x) => {
      if (x === id) void sql<{ p: number }>(url, 'select processed_rows as p from export where id = $1', [id]).then((r) => seen.push(r[0].p));
    });
    const started = Date.now();
    let ms = 0;
    try {
      expect(await runExport(services, id, { email: false, teamSlots: 1 })).toBe('done');
      ms = Date.now() - started;
      await waitFor(() => (seen.includes(1001) ? true : undefined), 5000, 'the last notification');
    } finally {
      off();
    }
    // Rows written so far were published while it ran.
    expect(
      seen.some((p) => p > 0 && p < 1001),
      JSON.stringify(seen),
    ).toBe(true);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(ms / 250) + Math.ceil(ms / 500) + 4);
    expect(await row(id)).toMatchObject({ status: 'READY', row_count: 1001, processed_rows: 1001 });
  });

  it('an attempt no longer wanted (the export FAILED meanwhile) stops, keeps no chunk and names no attempt', async () => {
    const t = await team();
    // ~5 MB: the writer asks whether it is still wanted once 4 MB are stored.
    await addEmails(t.teamId, 1001, 0, 250);
    const id = await pending(t, ExportResource.EMAILS);
    const lock = await lockTable('email');
    let run: Promise<string> | undefined;
    try {
      run = runExport(services, id, { email: true, teamSlots: 1 });
      await blockedCopy();
      await failExport(services, id, 'The export could not be written. Try again.');
    } finally {
      await lock.release();
    }
    expect(await run).toBe('done');
    expect(await row(id)).toMatchObject({ status: 'FAILED', writing_attempt: null, file_attempt: null, row_count: null });
    expect(await chunkAttempts(id)).toEqual([]);
    expect(await mails(t.email)).toEqual([]);
    // The slot was freed with the connection: the team's next export runs.
    const next = await pending(t, ExportResource.DOMAINS);
    expect(await runExport(services, next, { email: false, teamSlots: 1 })).toBe('done');
  });

  it('a file finished after its export FAILED is not made READY: no email, and its chunks are deleted', async () => {
    const t = await team();
    await addDomains(t.teamId, 3);
    const id = await pending(t, ExportResource.DOMAINS);
    const lock = await lockTable('domain');
    let run: Promise<string> | undefined;
    try {
      // One chunk: the writer never asks whether it is still wanted.
      run = runExport(services, id, { email: true, teamSlots: 1 });
      await blockedCopy();
      await failExport(services, id, 'The export could not be written. Try again.');
    } finally {
      await lock.release();
    }
    expect(await run).toBe('done');
    expect(await row(id)).toMatchObject({ status: 'FAILED', file_attempt: null, row_count: null, processed_rows: 0 });
    expect(await chunkAttempts(id)).toEqual([]);
    expect(await mails(t.email)).toEqual([]);
  });

  it('an attempt whose connection is cut throws, and names no attempt any more; the next attempt writes the file', async () => {
    const t = await team();
    await addContacts(t.teamId, 20);
    const id = await pending(t, ExportResource.CONTACTS);
    const lock = await lockTable('contact');
    const progress = progressOf(id);
    let mark = 0;
    let run: Promise<string> | undefined;
    try {
      run = runExport(services, id, { email: false, teamSlots: 1 });
      run.catch(() => undefined);
      const pid = await blockedCopy();
      expect((await row(id)).writing_attempt).toBeTruthy();
      mark = progress.heard.n;
      await sql(url, 'select pg_terminate_backend($1)', [pid]);
    } finally {
      await lock.release();
    }
    await expect(run).rejects.toThrow();
    // Subscribers (a download following the attempt) are told at once.
    await waitFor(() => (progress.heard.n > mark ? true : undefined), 3000, 'a notification once the attempt is gone');
    progress.off();
    expect(await row(id)).toMatchObject({ status: 'PROCESSING', writing_attempt: null, file_attempt: null });
    expect(await runExport(services, id, { email: false, teamSlots: 1 })).toBe('done');
    expect(await row(id)).toMatchObject({ status: 'READY', row_count: 20 });
  });
});

describe('failures that cost only a log line', () => {
  it('progress PostgreSQL refuses, an email that cannot be kept: logged with the export, and the export is READY all the same', async () => {
    const t = await team();
    await addDomains(t.teamId, 3);
    const id = await pending(t, ExportResource.DOMAINS);
    const lines: { level: number; msg: string; exportId?: string; err?: { message: string } }[] = [];
    const logger = services.logger;
    services.logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    await sql(
      url,
      `create function refuse_test_progress() returns trigger language plpgsql as $$
       begin if new.status = 'PROCESSING' then raise exception 'progress refused'; end if; return new; end $$;
       create function refuse_test_mail() returns trigger language plpgsql as $$
       begin if new."to" = '${t.email}' then raise exception 'outbox refused'; end if; return new; end $$;
       create trigger refuse_progress before update of processed_rows on export for each row execute function refuse_test_progress();
       create trigger refuse_mail before insert on outbox_message for each row execute function refuse_test_mail();`,
    );
    try {
      expect(await runExport(services, id, { email: true, teamSlots: 1 })).toBe('done');
      await waitFor(() => (lines.some((l) => l.msg === 'could not publish export progress') ? true : undefined), 3000, 'the log line');
      // The ready email is sent after the export is READY, and retried later (mail/notice.ts).
      await waitFor(() => (lines.some((l) => l.msg === 'notice email could not be sent; retrying') ? true : undefined), 3000, 'the mail log line');
    } finally {
      services.logger = logger;
      await sql(
        url,
        'drop trigger refuse_progress on export; drop trigger refuse_mail on outbox_message; drop function refuse_test_progress(), refuse_test_mail()',
      );
    }
    expect(await row(id)).toMatchObject({ status: 'READY', row_count: 3, processed_rows: 3 });
    expect(await mails(t.email)).toEqual([]);
    const logged = (msg: string) => lines.filter((l) => l.msg === msg).map((l) => ({ level: l.level, exportId: l.exportId, err: l.err?.message }));
    expect(logged('could not publish export progress')[0]).toEqual({ level: 40, exportId: id, err: expect.stringContaining('progress refused') });
    expect(logged('notice email could not be sent; retrying')).toEqual([{ level: 40, exportId: id, err: expect.stringContaining('outbox refused') }]);
  });
});

describe('failExport', () => {
  it('marks a PROCESSING export FAILED with its reason (500 characters at most) and tells subscribers; a READY one stays', async () => {
    const t = await team();
    await addDomains(t.teamId, 1);
    const id = await pending(t, ExportResource.DOMAINS);
    const progress = progressOf(id);
    await failExport(services, id, 'x'.repeat(600));
    await waitFor(() => (progress.heard.n > 0 ? true : undefined), 5000, 'a notification');
    progress.off();
    expect(await row(id)).toMatchObject({ status: 'FAILED', error: 'x'.repeat(500), completed: true });
    const ready = await pending(t, ExportResource.DOMAINS);
    await runExport(services, ready, { email: false });
    await failExport(services, ready, 'too late');
    expect(await row(ready)).toMatchObject({ status: 'READY', error: null, row_count: 1 });
  });
});

describe('expireExports', () => {
  it('after 7 days a READY export is EXPIRED and its file deleted; a minute before, it stays; others are left alone', async () => {
    const t = await team();
    await addDomains(t.teamId, 1);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await pending(t, ExportResource.DOMAINS);
      await runExport(services, id, { email: false });
      ids.push(id);
    }
    const [past, soon, failed, again] = ids;
    await sql(url, `update export set expires_at = now() - interval '1 minute' where id = $1`, [past]);
    await sql(url, `update export set expires_at = now() + interval '1 minute' where id = $1`, [soon]);
    await sql(url, `update export set status = 'FAILED', expires_at = now() - interval '1 minute' where id = $1`, [failed]);
    await sql(url, `update export set expires_at = now() - interval '8 days' where id = $1`, [again]);
    // Other tests' exports expire in 7 days: only these two now.
    expect(await expireExports(services)).toBe(2);
    expect(await row(past)).toMatchObject({ status: 'EXPIRED', file_attempt: null });
    expect(await row(again)).toMatchObject({ status: 'EXPIRED', file_attempt: null });
    expect(await chunkAttempts(past)).toEqual([]);
    expect(await chunkAttempts(again)).toEqual([]);
    expect((await row(soon)).status).toBe('READY');
    expect(await chunkAttempts(soon)).toHaveLength(1);
    expect((await row(failed)).status).toBe('FAILED');
    // Left FAILED with its file (as failExport leaves none unless a lock kept it from deleting them): the sweep deletes it.
    expect(await chunkAttempts(failed)).toEqual([]);
    expect(await expireExports(services)).toBe(0);
  });
});

describe('resources: each exports its own list, narrowed by its own filter', () => {
  // Recent rows: 1 domain, 2 keys, 3 contacts, 4 broadcasts, 5 emails, 6 logs; 10 more of each 10 days old.
  const recent: Record<ExportResource, number> = {
    [ExportResource.DOMAINS]: 1,
    [ExportResource.API_KEYS]: 2,
    [ExportResource.CONTACTS]: 3,
    [ExportResource.BROADCASTS]: 4,
    [ExportResource.EMAILS]: 5,
    [ExportResource.LOGS]: 6,
  };
  const fields: Record<ExportResource, string> = {
    [ExportResource.DOMAINS]: 'domains',
    [ExportResource.API_KEYS]: 'apiKeys',
    [ExportResource.CONTACTS]: 'contacts',
    [ExportResource.BROADCASTS]: 'broadcasts',
    [ExportResource.EMAILS]: 'emails',
    [ExportResource.LOGS]: 'logs',
  };
  const since = new Date(Date.now() - 5 * day);
  let t: T;
  beforeAll(async () => {
    t = await team('Resources');
    for (const [add, n] of [
      [addDomains, 1],
      [addKeys, 2],
      [addContacts, 3],
      [addBroadcasts, 4],
      [addEmails, 5],
      [addLogs, 6],
    ] as const) {
      await add(t.teamId, n, 0);
      await add(t.teamId, 10, 10);
    }
  });

  it('without a filter, with the typed filter, with the JSON one: the same rows as the list, stored without empty values', async () => {
    for (const resource of Object.values(ExportResource)) {
      const n = recent[resource];
      expect(await estimateExport(em(), t.admin, { resource }), resource).toEqual({ rowCount: n + 10, exact: true });
      const typed = await createExport(em(), services, t.admin, { resource, [fields[resource]]: { from: since, to: null } });
      expect(typed, resource).toMatchObject({ status: ExportStatus.READY, rowCount: n, filters: { from: since.toISOString() } });
      expect(Object.keys(typed.filters), resource).toEqual(['from']);
      expect((await file(typed.id)).trimEnd().split('\n'), resource).toHaveLength(n + 1);
      const json = await createExport(em(), services, t.admin, { resource, filters: { from: since.toISOString() } });
      expect(json, resource).toMatchObject({ status: ExportStatus.READY, rowCount: n });
      // Export again: the stored filters sent back as JSON, with the typed field null.
      const again = await createExport(em(), services, t.admin, { resource, filters: typed.filters, [fields[resource]]: null });
      expect(again.rowCount, resource).toBe(n);
      // The typed field with `filters: null` beside it.
      const typedNull = await createExport(em(), services, t.admin, { resource, [fields[resource]]: { to: since }, filters: null });
      expect(typedNull.rowCount, resource).toBe(10);
      // What a background job runs: the stored filters read back.
      const queries = await exportQueries(services.pool, em(), resource, t.teamId, typed.filters);
      let rows = 0;
      for (const q of queries) rows += (await sql(url, q)).length;
      expect(rows, resource).toBe(n);
    }
  });

  it('logs are read a day at a time; the others in one SELECT', async () => {
    const logs = await exportQueries(services.pool, em(), ExportResource.LOGS, t.teamId, {});
    expect(logs.length).toBeGreaterThan(2);
    for (const resource of Object.values(ExportResource).filter((r) => r !== ExportResource.LOGS)) {
      expect(await exportQueries(services.pool, em(), resource, t.teamId, {}), resource).toHaveLength(1);
    }
  });

  it("refuses another resource's filter, both forms at once, and bad values, naming the field under filters., creating nothing", async () => {
    const before = await exportCount(t.teamId);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ resource: 'CONTACTS', emails: { search: 'x' } }, 'emails', '`emails` filters another resource: an export of CONTACTS takes `contacts`.'],
      [{ resource: 'LOGS', apiKeys: {} }, 'apiKeys', '`apiKeys` filters another resource: an export of LOGS takes `logs`.'],
      [{ resource: 'EMAILS', emails: { search: 'x' }, filters: { search: 'y' } }, 'filters', 'Give `emails` or `filters`, not both.'],
      [{ resource: 'EMAILS', emails: { search: 'x' }, filters: {} }, 'filters', 'Give `emails` or `filters`, not both.'],
      [{ resource: 'DOMAINS', domains: { from: new Date('2026-02-01'), to: new Date('2026-01-01') } }, 'filters.from', '`from` must be before `to`.'],
      [{ resource: 'LOGS', filters: { statusClass: 7 } }, 'filters.statusClass', 'Status class must be 1 to 5 (as in 2xx, 4xx, 5xx).'],
      [{ resource: 'EMAILS', emails: { apiKeyId: 'nope' } }, 'filters.apiKeyId', '`apiKeyId` must be a valid UUID.'],
      [{ resource: 'DOMAINS', filters: { colour: 'red' } }, 'filters.colour', 'Unknown filter "colour" for DOMAINS. Allowed: from, to.'],
      [
        { resource: 'DOMAINS', filters: 'from yesterday' },
        'filters',
        'Filters must be an object of filter names and values, like { "from": "2026-01-01T00:00:00Z" }.',
      ],
    ];
    for (const [input, field, message] of cases) {
      for (const run of [
        () => createExport(em(), services, t.admin, input as never),
        () => estimateExport(em(), t.admin, input as never),
        () => prepareExport(em(), t.teamId, input as never),
      ]) {
        const e = await refusal(run);
        expect(e, JSON.stringify(input)).toBeInstanceOf(AppError);
        expect({ code: e!.code, field: e!.field, message: e!.message }, JSON.stringify(input)).toEqual({ code: 'BAD_USER_INPUT', field, message });
      }
    }
    expect(await exportCount(t.teamId)).toBe(before);
    // Another resource's field left empty (null, or absent) is no filter.
    expect((await createExport(em(), services, t.admin, { resource: ExportResource.DOMAINS, emails: null, logs: undefined })).rowCount).toBe(11);
  });

  it("a resource's own check: a filter it refuses is named under filters. (once); other errors pass as they are", async () => {
    const saved = domainExport.check;
    const thrown = async (error: Error) => {
      domainExport.check = async () => {
        throw error;
      };
      try {
        await createExport(em(), services, t.admin, { resource: ExportResource.DOMAINS });
      } catch (e) {
        return e;
      }
      return undefined;
    };
    try {
      const named = await thrown(badInput('from', 'Not this day.', 'invalid_from'));
      expect(named).toBeInstanceOf(AppError);
      expect({ ...(named as AppError), message: (named as AppError).message }).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'filters.from',
        restName: 'invalid_from',
        message: 'Not this day.',
      });
      for (const error of [
        badInput('filters.colour', 'Already named as an export names it.'),
        new AppError(ErrorCode.CONFLICT, 'Not a filter.', { field: 'name' }),
        new AppError(ErrorCode.BAD_USER_INPUT, 'No field named.'),
        new Error('not an AppError'),
      ]) {
        expect(await thrown(error), error.message).toBe(error);
      }
    } finally {
      domainExport.check = saved;
    }
    expect((await createExport(em(), services, t.admin, { resource: ExportResource.DOMAINS })).rowCount).toBe(11);
  });
});

/** Log lines written from now until `restore` (services.logger swapped for one that keeps them). */
function captureLogs() {
  const lines: { level: number; msg: string; exportId?: string; err?: { message: string } }[] = [];
  const logger = services.logger;
  services.logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return {
    /** The lines of one message: their level, export and error's message. */
    of: (msg: string) => lines.filter((l) => l.msg === msg).map((l) => ({ level: l.level, exportId: l.exportId, err: l.err?.message })),
    restore: () => {
      services.logger = logger;
    },
  };
}
/** A trigger for the length of a test: `body` (PL/pgSQL, `new` is the row) runs before `event`. Answers how to drop it. */
async function trigger(event: string, body: string): Promise<() => Promise<unknown>> {
  const name = `test_${randomUUID().replaceAll('-', '')}`;
  await sql(
    url,
    `create function ${name}() returns trigger language plpgsql as $$ begin ${body}; return new; end $$;
     create trigger ${name} before ${event} for each row execute function ${name}();`,
  );
  const table = event.split(' on ')[1].split(' ')[0];
  return () => sql(url, `drop trigger ${name} on ${table}; drop function ${name}()`);
}
/** Until dropped, the chunks of the team's exports are refused with PostgreSQL's error `errcode` ('57014': cancelled). */
const refuseChunks = (teamId: string, errcode: string) =>
  trigger(
    'insert on export_chunk',
    `if exists (select 1 from export e where e.id = new.export_id and e.team_id = '${teamId}') then raise exception 'chunk refused' using errcode = '${errcode}'; end if`,
  );
/** Until dropped, the team's exports cannot be marked FAILED. */
const refuseFailed = (teamId: string) =>
  trigger('update on export', `if new.status = 'FAILED' and new.team_id = '${teamId}' then raise exception 'FAILED refused'; end if`);
/** What a call threw (undefined when it did not), and the export it made for the team. */
async function madeBy(teamId: string, run: () => Promise<unknown>): Promise<{ error: unknown; id: string }> {
  const ids = async () => (await sql<{ id: string }>(url, 'select id from export where team_id = $1', [teamId])).map((r) => r.id);
  const before = await ids();
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  const made = (await ids()).filter((id) => !before.includes(id));
  expect(made).toHaveLength(1);
  return { error, id: made[0] };
}
/** The thrown error of a run (or what it answered, when it did not throw). */
const outcome = (p: Promise<unknown>) =>
  p.then(
    (v) => v,
    (e: unknown) => e,
  );
const INTERRUPTED = 'The export could not be written. Try again.';
const SHUTTING_DOWN = 'This server is shutting down: create the export again.';

describe('a small export that fails while it is written in its request', () => {
  it('cancelled because this instance is stopping (draining): SERVICE_UNAVAILABLE and FAILED; if it cannot be marked FAILED, that is logged with the export', async () => {
    const t = await team();
    await addContacts(t.teamId, 3);
    const saved = services.draining;
    // What this instance's stop does to a statement still running after the grace (faults-export-inline.test.ts): a cancel.
    const dropChunks = await refuseChunks(t.teamId, '57014');
    const logs = captureLogs();
    services.draining = AbortSignal.abort();
    try {
      const cancelled = await madeBy(t.teamId, () => createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS }));
      expect(cancelled.error).toBeInstanceOf(AppError);
      expect(cancelled.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: SHUTTING_DOWN });
      // FAILED before the request is answered (its pools close next).
      expect(await row(cancelled.id)).toMatchObject({ status: 'FAILED', error: INTERRUPTED, completed: true });

      const dropFailed = await refuseFailed(t.teamId);
      try {
        const kept = await madeBy(t.teamId, () => createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS }));
        expect(kept.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: SHUTTING_DOWN });
        expect(logs.of('could not mark an interrupted export FAILED')).toEqual([
          { level: 40, exportId: kept.id, err: expect.stringContaining('FAILED refused') },
        ]);
        expect((await row(kept.id)).status).toBe('PROCESSING');
      } finally {
        await dropFailed();
      }
    } finally {
      services.draining = saved;
      logs.restore();
      await dropChunks();
    }
  });

  it('any other failure (a cancel while the instance is not stopping, an error while it is): the error as it is, and FAILED; if that is refused, logged', async () => {
    const t = await team();
    await addContacts(t.teamId, 3);
    const saved = services.draining;
    const logs = captureLogs();
    try {
      // Cancelled, but not by this instance's stop (an operator's pg_cancel_backend, say); then with
      // services that have no draining signal (Services.draining is optional).
      let drop = await refuseChunks(t.teamId, '57014');
      for (const draining of [saved, undefined]) {
        services.draining = draining;
        const { error, id } = await madeBy(t.teamId, () => createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS }));
        expect(error, String(draining)).not.toBeInstanceOf(AppError);
        expect(error, String(draining)).toMatchObject({ code: '57014', message: 'chunk refused' });
        await waitFor(async () => ((await row(id)).status === 'FAILED' ? true : undefined), 5000, 'the export to be FAILED');
        expect(await row(id)).toMatchObject({ status: 'FAILED', error: INTERRUPTED });
      }
      await drop();

      // Another error while the instance is stopping: not answered as a shutdown.
      drop = await refuseChunks(t.teamId, 'P0001');
      services.draining = AbortSignal.abort();
      const stopping = await madeBy(t.teamId, () => createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS }));
      expect(stopping.error).not.toBeInstanceOf(AppError);
      expect(stopping.error).toMatchObject({ code: 'P0001', message: 'chunk refused' });
      await waitFor(async () => ((await row(stopping.id)).status === 'FAILED' ? true : undefined), 5000, 'the export to be FAILED');

      // Marking it FAILED refused: logged with the export, which is left to failInterruptedExports.
      services.draining = saved;
      const dropFailed = await refuseFailed(t.teamId);
      try {
        const left = await madeBy(t.teamId, () => createExport(em(), services, t.admin, { resource: ExportResource.CONTACTS }));
        expect(left.error).toMatchObject({ code: 'P0001', message: 'chunk refused' });
        const line = await waitFor(() => logs.of('could not mark an interrupted export FAILED')[0], 5000, 'the log line');
        expect(line).toEqual({ level: 40, exportId: left.id, err: expect.stringContaining('FAILED refused') });
        expect((await row(left.id)).status).toBe('PROCESSING');
      } finally {
        await dropFailed();
      }
      await drop();
    } finally {
      services.draining = saved;
      logs.restore();
    }
  });
});

describe('a background export stopped', () => {
  it('by its instance stopping: its statements are cancelled and it throws ExportInterrupted (its job retried), names no attempt, stays PROCESSING', async () => {
    const t = await team();
    await addContacts(t.teamId, 20);
    const id = await pending(t, ExportResource.CONTACTS);
    const saved = services.stopping;
    const stopping = new AbortController();
    services.stopping = stopping.signal;
    const lock = await lockTable('contact');
    let err: unknown;
    try {
      const run = runExport(services, id, { email: true, teamSlots: 1 });
      run.catch(() => undefined);
      await blockedCopy();
      expect((await row(id)).writing_attempt).toBeTruthy();
      stopping.abort();
      err = await outcome(run);
    } finally {
      await lock.release();
      services.stopping = saved;
    }
    expect(err).toBeInstanceOf(ExportInterrupted);
    // The worker logs its message and lets pg-boss retry the job (export.jobs.ts).
    const { name, message } = err as Error;
    expect({ name, message }).toEqual({ name: 'ExportInterrupted', message: 'export interrupted: this instance is shutting down; its job is retried' });
    expect(await row(id)).toMatchObject({ status: 'PROCESSING', writing_attempt: null, file_attempt: null, error: null });
    // The retry writes it.
    expect(await runExport(services, id, { email: false, teamSlots: 1 })).toBe('done');
    expect(await row(id)).toMatchObject({ status: 'READY', row_count: 20 });
  });

  it('by an error while its instance is not stopping (or has no stop signal): the error as it is, not ExportInterrupted, and no attempt named', async () => {
    const t = await team();
    await addDomains(t.teamId, 3);
    const saved = services.stopping;
    const drop = await refuseChunks(t.teamId, 'P0001');
    try {
      for (const stopping of [saved, undefined]) {
        services.stopping = stopping;
        const id = await pending(t, ExportResource.DOMAINS);
        const err = await outcome(runExport(services, id, { email: false, teamSlots: 1 }));
        expect(err, String(stopping)).not.toBeInstanceOf(ExportInterrupted);
        expect(err, String(stopping)).toMatchObject({ code: 'P0001', message: 'chunk refused' });
        expect(await row(id)).toMatchObject({ status: 'PROCESSING', writing_attempt: null, file_attempt: null });
      }
    } finally {
      services.stopping = saved;
      await drop();
    }
  });

  describe('at its check of whether it is still wanted (every 4 MB)', () => {
    let t: T;
    beforeAll(async () => {
      t = await team('Large');
      // ~5 MB: the writer asks once, after its first 4 MB.
      await addEmails(t.teamId, 1001, 0, 250);
    });

    it('once its instance is stopping (a cancel that found no statement running): ExportInterrupted, PROCESSING, no attempt named', async () => {
      const id = await pending(t, ExportResource.EMAILS);
      const saved = services.stopping;
      const lock = await lockTable('email');
      let run: Promise<unknown> | undefined;
      try {
        run = runExport(services, id, { email: true, teamSlots: 1 });
        run.catch(() => undefined);
        await blockedCopy();
        // Stopping from now on; the run's statements are not cancelled (it listens to the signal it started with).
        services.stopping = AbortSignal.abort();
      } finally {
        await lock.release();
      }
      let err: unknown;
      try {
        err = await outcome(run);
      } finally {
        services.stopping = saved;
      }
      expect(err).toBeInstanceOf(ExportInterrupted);
      expect(await row(id)).toMatchObject({ status: 'PROCESSING', writing_attempt: null, file_attempt: null, row_count: null });
    });

    it('when the check itself fails (no connection came free, say): logged with the export, and the export written on to READY', async () => {
      const id = await pending(t, ExportResource.EMAILS);
      const conn = services.orm.em.getConnection();
      const execute = conn.execute.bind(conn) as (...args: unknown[]) => Promise<unknown>;
      const check = vi
        .spyOn(conn, 'execute')
        .mockImplementation(((query: string, ...rest: unknown[]) =>
          query === 'select status from export where id = ?' ? Promise.reject(new Error('no connection came free')) : execute(query, ...rest)) as never);
      const logs = captureLogs();
      const saved = services.stopping;
      // Services without a stop signal (Services.stopping is optional) check as well.
      services.stopping = undefined;
      try {
        expect(await runExport(services, id, { email: false, teamSlots: 1 })).toBe('done');
      } finally {
        services.stopping = saved;
        check.mockRestore();
        logs.restore();
      }
      expect(await row(id)).toMatchObject({ status: 'READY', row_count: 1001, processed_rows: 1001, writing_attempt: null });
      const lines = logs.of('could not check whether the export is still wanted; writing on');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toEqual({ level: 40, exportId: id, err: 'no connection came free' });
    });
  });
});

describe("the team's count slots and the count's deadline", () => {
  /** The export counts of this database waiting on a lock (each holding a connection), and their backends. */
  const blockedCounts = async () =>
    (
      await sql<{ pid: number }>(
        url,
        `select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'select count(*) as n from (%'`,
      )
    ).map((r) => r.pid);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const contacts = { resource: ExportResource.CONTACTS };

  it('a count waiting for a slot gets the slot of the count that ends, rather than giving up', async () => {
    const t = await team();
    await addContacts(t.teamId, 3);
    const lock = await lockTable('contact');
    let asked: Promise<unknown[]> | undefined;
    try {
      // Three at once: two count (held by the lock), the third waits for a slot, up to 3 s.
      asked = Promise.all([1, 2, 3].map(() => estimateExport(em(), t.admin, contacts, 4000)));
      asked.catch(() => undefined);
      await waitFor(async () => ((await blockedCounts()).length === 2 ? true : undefined), 3000, 'two counts');
      await sleep(200);
      expect(await blockedCounts()).toHaveLength(2);
    } finally {
      await lock.release();
    }
    expect(await asked).toEqual([1, 2, 3].map(() => ({ rowCount: 3, exact: true })));
  });

  it("a count waiting for a slot gives up at the end of the count's share, answered then, not when a slot comes free", async () => {
    const t = await team();
    await addContacts(t.teamId, 3);
    const lock = await lockTable('contact');
    try {
      // Two counts with 5 s take the slots, held by the lock; a third, with 1 s, may wait 750 ms for one.
      const held = [1, 2].map(() => outcome(estimateExport(em(), t.admin, contacts, 5000)));
      await waitFor(async () => ((await blockedCounts()).length === 2 ? true : undefined), 3000, 'two counts');
      const third = estimateExport(em(), t.admin, contacts, 1000);
      third.catch(() => undefined);
      expect(await Promise.race([third, sleep(2000).then(() => 'still waiting')])).toEqual({ rowCount: 1001, exact: false });
      expect(await blockedCounts()).toHaveLength(2);
      await lock.release();
      expect(await Promise.all(held)).toEqual([1, 2].map(() => ({ rowCount: 3, exact: true })));
    } finally {
      await lock.release().catch(() => undefined);
    }
  });

  it('a slot stays taken while its count runs when another of the team ends: never more than two counts at once', async () => {
    const t = await team();
    await addContacts(t.teamId, 3);
    await addDomains(t.teamId, 1);
    const lock = await lockTable('contact');
    const asked: Promise<unknown>[] = [];
    try {
      asked.push(estimateExport(em(), t.admin, contacts, 5000));
      await waitFor(async () => ((await blockedCounts()).length === 1 ? true : undefined), 3000, 'a count');
      // Another count of the team starts and ends (its table is not locked): one slot is still taken.
      expect(await estimateExport(em(), t.admin, { resource: ExportResource.DOMAINS }, 5000)).toEqual({ rowCount: 1, exact: true });
      asked.push(estimateExport(em(), t.admin, contacts, 5000), estimateExport(em(), t.admin, contacts, 5000));
      for (const p of asked) p.catch(() => undefined);
      await waitFor(async () => ((await blockedCounts()).length >= 2 ? true : undefined), 3000, 'two counts');
      let most = 0;
      for (let i = 0; i < 15; i++) {
        most = Math.max(most, (await blockedCounts()).length);
        await sleep(20);
      }
      expect(most).toBe(2);
    } finally {
      await lock.release();
    }
    expect(await Promise.all(asked)).toEqual([1, 2, 3].map(() => ({ rowCount: 3, exact: true })));
  });

  it('the count has three quarters of the deadline: one that would end after them is cut short, and the estimate answers', async () => {
    const t = await team();
    await addContacts(t.teamId, 3);
    const lock = await lockTable('contact');
    // Deadline 3 s: the count is cut at 2.25 s; the lock goes at 2.6 s, within the estimate's share.
    const released = sleep(2600).then(() => lock.release());
    try {
      const estimate = await estimateExport(em(), t.admin, contacts, 3000);
      expect(estimate.exact).toBe(false);
      expect(estimate.rowCount).toBeGreaterThan(1000);
    } finally {
      await released;
    }
  });

  it('given no time, it runs no statement: more than 1,000, not exact', async () => {
    const t = await team();
    await addContacts(t.teamId, 3);
    expect(await estimateExport(em(), t.admin, contacts, 0)).toEqual({ rowCount: 1001, exact: false });
    expect(await estimateExport(em(), t.admin, contacts, 2000)).toEqual({ rowCount: 3, exact: true });
  });

  it('a count that fails otherwise than by its timeout (its connection ended) fails the estimate: it is not taken for "more than 1,000"', async () => {
    const t = await team();
    await addContacts(t.teamId, 3);
    const lock = await lockTable('contact');
    try {
      const asked = outcome(estimateExport(em(), t.admin, contacts, 3000));
      const [pid] = await waitFor(async () => ((await blockedCounts()).length ? blockedCounts() : undefined), 3000, 'the count');
      await sql(url, 'select pg_terminate_backend($1)', [pid]);
      const err = await asked;
      expect(err).toBeInstanceOf(Error);
    } finally {
      await lock.release();
    }
    expect(await estimateExport(em(), t.admin, contacts, 2000)).toEqual({ rowCount: 3, exact: true });
  });
});

describe('failInterruptedExports', () => {
  it('fails an export PROCESSING for 10 minutes without a job, with its reason, and tells its subscribers', async () => {
    const t = await team();
    const [{ id }] = await sql<{ id: string }>(
      url,
      `insert into export (id, team_id, resource, filters, status, processed_rows, created_at)
       values (gen_random_uuid(), $1, 'CONTACTS', '{}', 'PROCESSING', 0, now() - interval '10 minutes 1 second') returning id`,
      [t.teamId],
    );
    const progress = progressOf(id);
    try {
      expect(await failInterruptedExports(services)).toBeGreaterThanOrEqual(1);
      await waitFor(() => (progress.heard.n > 0 ? true : undefined), 5000, 'a notification');
    } finally {
      progress.off();
    }
    expect(await row(id)).toMatchObject({ status: 'FAILED', error: INTERRUPTED, completed: true });
  });
});
