// The usage-log recorder driven directly on a real PostgreSQL, without a server: what a log row
// holds, batching and its own timer, the memory bounds and their logs, which failures are kept and
// tried again (with backoff) and which are dropped, flush on shutdown, and counting requests (a
// rate-limit summary stands for N). Failures are PostgreSQL's own: a trigger on usage_log raises the
// SQLSTATE a test asks for (recorder_fault), and a sequence counts the write attempts. Written for
// the mutants of usage-recorder.ts; fast enough for every mutant to run it.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatabaseHealth } from '../src/db/health.js';
import { initOrm, migrate } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';
import { type UsageEntry, UsageRecorder } from '../src/modules/usage-log/usage-recorder.js';
import { createTestDatabase, sql, waitFor } from './harness.js';

type Line = Record<string, unknown> & { msg: string; level: number };
/** A logger whose lines the test reads. */
function capture() {
  const lines: Line[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
  return { logger, lines, said: (msg: string) => lines.filter((l) => l.msg === msg) };
}
const WARN_FAILING = 'usage logs could not be written; keeping them in memory and retrying with backoff';
const INFO_BACK = 'usage logs held while the database was unreachable are written';
const ERROR_FULL =
  'usage-log buffer full: new entries are kept without their bodies past half of USAGE_LOG_BUFFER_MB, dropped at USAGE_LOG_BUFFER_ENTRIES or USAGE_LOG_BUFFER_MB';
const WARN_KEPT = 'usage log kept without its bodies, which PostgreSQL refused';
const ERROR_DROPPED = 'usage log dropped: PostgreSQL refused it';
const ERROR_LOST = 'usage logs not written at shutdown: the database did not take them';

let url: string;
let pool: pg.Pool;
let teamId: string;
const now = new Date();
const entry = (over: Partial<UsageEntry> = {}): UsageEntry => ({
  teamId,
  apiKeyId: randomUUID(),
  method: 'POST',
  endpoint: `/e/${randomUUID()}`,
  statusCode: 200,
  userAgent: 'test',
  durationMs: 3,
  requestBody: { subject: 'hello' },
  responseBody: { id: 'x' },
  createdAt: now,
  ...over,
});
const silent = createLogger('silent');

/** A stand-in for the database health the server gives the recorder: up or down, and 'up' when back. */
function health(up: boolean) {
  return Object.assign(new EventEmitter(), { up }) as unknown as DatabaseHealth & { up: boolean };
}

/** Makes PostgreSQL refuse rows of this endpoint: with `code`, or `poisonCode` for those whose request body holds `poison` (null: take them). */
const fault = (endpoint: string, code: string | null, poisonCode: string | null = code) =>
  sql(url, 'insert into recorder_fault (endpoint, code, poison_code) values ($1, $2, $3) on conflict (endpoint) do update set code = $2, poison_code = $3', [
    endpoint,
    code,
    poisonCode,
  ]);
const heal = (endpoint: string) => sql(url, 'delete from recorder_fault where endpoint = $1', [endpoint]);
/** Rows inserted into usage_log so far (attempts, failed or not). */
const attempts = async () => Number((await sql<{ n: string }>(url, 'select last_value as n from recorder_attempts'))[0].n);
const rows = (endpoint: string) =>
  sql<Record<string, unknown>>(
    url,
    `select method, endpoint, status_code, user_agent, duration_ms, request_body, response_body, created_at, requests, api_key_id, team_id from usage_log where endpoint = $1`,
    [endpoint],
  );
const count = async (endpoint: string) => (await rows(endpoint)).length;
const tick = () => new Promise((r) => setImmediate(r));

beforeAll(async () => {
  url = await createTestDatabase('recorder_mut');
  const orm = await initOrm(url, silent);
  await migrate(orm);
  await orm.close();
  teamId = randomUUID();
  await sql(url, `insert into team (id, name, created_at) values ($1, 'Recorder', now())`, [teamId]);
  await sql(
    url,
    `create table recorder_fault (endpoint text primary key, code text, poison_code text);
     create sequence recorder_attempts;
     create function recorder_fault() returns trigger language plpgsql as $$
     declare c text;
     begin
       perform nextval('recorder_attempts');
       select case when new.request_body ? 'poison' then f.poison_code else f.code end into c from recorder_fault f where f.endpoint = new.endpoint;
       if c is not null then raise exception 'recorder fault %', c using errcode = c; end if;
       return new;
     end $$;
     create trigger recorder_fault before insert on usage_log_default for each row execute function recorder_fault();`,
  );
  // Rows of today land in a day partition: the trigger on every partition.
  const parts = await sql<{ name: string }>(url, `select inhrelid::regclass::text as name from pg_inherits where inhparent = 'usage_log'::regclass`);
  for (const { name } of parts) {
    if (name !== 'usage_log_default') await sql(url, `create trigger recorder_fault before insert on ${name} for each row execute function recorder_fault()`);
  }
  pool = new pg.Pool({ connectionString: url, max: 2 });
});
afterAll(() => pool?.end());
afterEach(() => void vi.useRealTimers());

describe('what a log row holds, and the counts', () => {
  it('the default recorder writes on its own timer: every field as recorded, a summary counts its N requests on the key', async () => {
    const keyId = randomUUID();
    await sql(
      url,
      `insert into api_key (id, team_id, name, permission, token_start, token_hash, created_at, updated_at) values ($1, $2, 'k', 'FULL_ACCESS', 're_x', $3, now(), now())`,
      [keyId, teamId, randomUUID()],
    );
    const recorder = new UsageRecorder(pool, silent);
    const long = `/${'a'.repeat(310)}`;
    const at = new Date(Date.now() - 5000);
    recorder.record(
      entry({
        apiKeyId: keyId,
        method: 'GET',
        endpoint: long,
        statusCode: 201,
        userAgent: `agent-${'u'.repeat(310)}`,
        durationMs: 42,
        requestBody: { to: 'a@example.com', text: 'nul\u0000here' },
        responseBody: { id: 'r1' },
        createdAt: at,
      }),
    );
    const summary = `/summary/${randomUUID()}`;
    recorder.record(
      entry({
        apiKeyId: keyId,
        endpoint: summary,
        statusCode: 429,
        userAgent: null,
        requestBody: undefined,
        responseBody: undefined,
        requests: 7,
        createdAt: at,
      }),
    );
    // No flush: the recorder's own timer (every 250 ms by default) writes them.
    const [first] = await waitFor(async () => {
      const r = await rows(long.slice(0, 300));
      return r.length ? r : undefined;
    });
    expect(first).toEqual({
      method: 'GET',
      endpoint: long.slice(0, 300),
      status_code: 201,
      user_agent: `agent-${'u'.repeat(294)}`,
      duration_ms: 42,
      request_body: { to: 'a@example.com', text: 'nul\ufffdhere' },
      response_body: { id: 'r1' },
      created_at: at,
      requests: 1,
      api_key_id: keyId,
      team_id: teamId,
    });
    await waitFor(async () => ((await count(summary)) ? true : undefined));
    expect((await rows(summary))[0]).toMatchObject({ status_code: 429, user_agent: null, request_body: null, response_body: null, requests: 7 });
    const [key] = await sql<{ request_count: number; last_used_at: Date }>(url, 'select request_count, last_used_at from api_key where id = $1', [keyId]);
    expect(key).toEqual({ request_count: 8, last_used_at: at });
    expect(recorder.depth).toBe(0);
    expect(recorder.bytes).toBe(0);
    expect(recorder.stats).toEqual({ written: 2, bodiesShed: 0, entriesShed: 0, keptWithoutBodies: 0, refused: 0 });
    await recorder.close();
  });

  it('the same request recorded twice is two logs (each entry its own id)', async () => {
    const recorder = new UsageRecorder(pool, silent, { intervalMs: 60_000 });
    const e = entry();
    recorder.record(e);
    recorder.record(e);
    await recorder.close();
    expect(await count(e.endpoint)).toBe(2);
  });
});

describe('batching', () => {
  it('one entry waits for the timer; maxBatch entries are written at once, in batches of maxBatch, each told to onWrite', async () => {
    const writes: number[] = [];
    const recorder = new UsageRecorder(pool, silent, {
      intervalMs: 60_000,
      maxBatch: 2,
      onWrite: (ms, n) => {
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThan(60_000);
        writes.push(n);
      },
    });
    const endpoint = `/batch/${randomUUID()}`;
    recorder.record(entry({ endpoint }));
    await tick();
    await tick();
    expect(recorder.depth).toBe(1);
    recorder.record(entry({ endpoint }));
    await waitFor(async () => ((await count(endpoint)) === 2 ? true : undefined));
    expect(writes).toEqual([2]);
    for (let i = 0; i < 5; i++) recorder.record(entry({ endpoint }));
    await recorder.flush();
    expect(await count(endpoint)).toBe(7);
    expect(writes).toEqual([2, 2, 2, 1]);
    expect(recorder.bytes).toBe(0);
    expect(recorder.stats.written).toBe(7);
    await recorder.close();
  });
});

describe('bounds while the database is away', () => {
  /** The length of one serialized entry, with and without its bodies. */
  function lengths(e: UsageEntry) {
    const withBodies = new UsageRecorder(pool, silent, { intervalMs: 60_000, health: health(false) });
    withBodies.record(e);
    const L = withBodies.bytes;
    const without = new UsageRecorder(pool, silent, { intervalMs: 60_000, health: health(false), maxBytes: L });
    without.record(e);
    void withBodies.close();
    void without.close();
    return { L, S: without.bytes };
  }

  it('bodies kept up to half of maxBytes, then shed; held entries written when the database is back; one log per 10 s with the counts since the last', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-03T12:00:00Z'));
    const endpoint = `/bounds/${randomUUID()}`;
    const e = entry({ endpoint, requestBody: { big: 'x'.repeat(1000) } });
    const { L, S } = lengths(e);
    expect(S).toBeLessThan(L);
    const h = health(false);
    const { logger, said } = capture();
    const recorder = new UsageRecorder(pool, logger, { intervalMs: 60_000, health: h, maxBytes: 4 * L });
    recorder.record(e);
    recorder.record(e);
    expect(recorder.stats.bodiesShed).toBe(0);
    expect(recorder.bytes).toBe(2 * L);
    expect(said(ERROR_FULL)).toEqual([]);
    recorder.record(e);
    expect(recorder.bytes).toBe(2 * L + S);
    expect(said(ERROR_FULL)).toEqual([
      expect.objectContaining({ level: 50, bodiesShed: 1, entriesShed: 0, pending: 2, pendingChars: 2 * L, maxEntries: 100_000, maxBytes: 4 * L }),
    ]);
    recorder.record(e);
    vi.setSystemTime(new Date('2026-12-03T12:00:09.999Z'));
    recorder.record(e);
    expect(said(ERROR_FULL)).toHaveLength(1);
    vi.setSystemTime(new Date('2026-12-03T12:00:10Z'));
    recorder.record(e);
    expect(said(ERROR_FULL)).toHaveLength(2);
    expect(said(ERROR_FULL)[1]).toMatchObject({ bodiesShed: 3, entriesShed: 0, pending: 5, pendingChars: 2 * L + 3 * S });
    expect(recorder.stats).toMatchObject({ bodiesShed: 4, entriesShed: 0, written: 0 });
    // Down: a flush tries nothing.
    const before = await attempts();
    await recorder.flush();
    expect(await attempts()).toBe(before);
    expect(recorder.depth).toBe(6);
    vi.useRealTimers();
    h.up = true;
    h.emit('up', 0);
    await waitFor(async () => ((await count(endpoint)) === 6 ? true : undefined));
    const written = await rows(endpoint);
    expect(written.filter((r) => JSON.stringify(r.request_body) === JSON.stringify({ big: 'x'.repeat(1000) }) && r.response_body !== null)).toHaveLength(2);
    expect(
      written.filter((r) => JSON.stringify(r.request_body) === JSON.stringify({ omitted: 'usage-log buffer over half full' }) && r.response_body === null),
    ).toHaveLength(4);
    expect(recorder.bytes).toBe(0);
    await recorder.close();
  });

  it('past maxBytes (or maxEntries) new entries are dropped, counted and said', async () => {
    const e = entry({ requestBody: { big: 'x'.repeat(1000) } });
    const { L, S } = lengths(e);
    expect(2 * S).toBeLessThan(L);
    const { logger, said } = capture();
    const recorder = new UsageRecorder(pool, logger, { intervalMs: 60_000, health: health(false), maxBytes: 3 * S });
    for (let i = 0; i < 3; i++) recorder.record(e);
    expect(recorder.depth).toBe(3);
    expect(recorder.stats).toMatchObject({ bodiesShed: 3, entriesShed: 0 });
    recorder.record(e);
    expect(recorder.depth).toBe(3);
    expect(recorder.bytes).toBe(3 * S);
    expect(recorder.stats).toMatchObject({ bodiesShed: 3, entriesShed: 1 });
    expect(said(ERROR_FULL)).toEqual([expect.objectContaining({ bodiesShed: 1, entriesShed: 0, pending: 0 })]);
    void recorder.close();

    const { logger: logger2, said: said2 } = capture();
    const few = new UsageRecorder(pool, logger2, { intervalMs: 60_000, health: health(false), maxEntries: 3 });
    for (let i = 0; i < 4; i++) few.record(e);
    expect(few.depth).toBe(3);
    expect(few.stats).toMatchObject({ bodiesShed: 0, entriesShed: 1 });
    expect(said2(ERROR_FULL)).toEqual([expect.objectContaining({ bodiesShed: 0, entriesShed: 1, pending: 3, maxEntries: 3 })]);
    void few.close();

    // Not even without its bodies: dropped, and said as a dropped entry.
    const { logger: logger3, said: said3 } = capture();
    const tiny = new UsageRecorder(pool, logger3, { intervalMs: 60_000, health: health(false), maxBytes: S - 1 });
    tiny.record(e);
    expect(tiny.depth).toBe(0);
    expect(said3(ERROR_FULL)).toEqual([expect.objectContaining({ bodiesShed: 0, entriesShed: 1, pending: 0 })]);
    void tiny.close();
  });
});

describe('failures: kept and tried again, or refused and dropped', () => {
  for (const code of ['40001', '40P01', '55P03', '57014', '53200', '57P01']) {
    it(`${code} is passing: the entry is kept, said once, and written by close once the database takes it`, async () => {
      const { logger, said } = capture();
      const recorder = new UsageRecorder(pool, logger, { intervalMs: 60_000 });
      const e = entry();
      await fault(e.endpoint, code);
      recorder.record(e);
      const bytes = recorder.bytes;
      const before = await attempts();
      await recorder.flush();
      // Tried once as a batch, not again entry by entry.
      expect(await attempts()).toBe(before + 1);
      expect(recorder.depth).toBe(1);
      expect(recorder.bytes).toBe(bytes);
      expect(recorder.stats).toMatchObject({ written: 0, refused: 0, keptWithoutBodies: 0 });
      expect(said(WARN_FAILING)).toEqual([expect.objectContaining({ level: 40, err: expect.objectContaining({ code }), pending: 1 })]);
      await heal(e.endpoint);
      await recorder.close();
      expect(await count(e.endpoint)).toBe(1);
      expect(said(INFO_BACK)).toEqual([expect.objectContaining({ written: 1 })]);
      expect(said(ERROR_LOST)).toEqual([]);
    });
  }

  for (const code of ['22001', '23505', '42P01', 'XX000', '54000']) {
    it(`${code} is about what the entry holds: dropped, said, never tried again`, async () => {
      const { logger, said } = capture();
      const recorder = new UsageRecorder(pool, logger, { intervalMs: 60_000 });
      const e = entry();
      await fault(e.endpoint, code);
      recorder.record(e);
      await recorder.flush();
      expect(recorder.depth).toBe(0);
      expect(recorder.stats).toMatchObject({ written: 0, refused: 1, keptWithoutBodies: 0 });
      expect(said(ERROR_DROPPED)).toEqual([
        expect.objectContaining({ level: 50, err: expect.objectContaining({ code }), entry: expect.objectContaining({ endpoint: e.endpoint }) }),
      ]);
      expect(said(ERROR_DROPPED)[0].entry).not.toHaveProperty('request_body');
      const before = await attempts();
      await recorder.close();
      expect(await attempts()).toBe(before);
      expect(said(WARN_FAILING)).toEqual([]);
    });
  }

  it('a batch with refused entries: the one refused with its bodies is kept without them, the one refused anyway dropped, the rest written in one flush', async () => {
    const { logger, said } = capture();
    const writes: number[] = [];
    const recorder = new UsageRecorder(pool, logger, { intervalMs: 60_000, maxBatch: 3, onWrite: (_ms, n) => void writes.push(n) });
    const [a, b, c, d] = [entry(), entry(), entry({ requestBody: { poison: true } }), entry()];
    await fault(a.endpoint, '22P02');
    await fault(c.endpoint, null, '22P02');
    for (const e of [a, b, c, d]) recorder.record(e);
    await recorder.flush();
    expect(await count(a.endpoint)).toBe(0);
    expect(await count(b.endpoint)).toBe(1);
    expect(await rows(c.endpoint)).toEqual([expect.objectContaining({ request_body: { unstorable: true }, response_body: null, requests: 1 })]);
    expect(await count(d.endpoint)).toBe(1);
    expect(recorder.stats).toMatchObject({ written: 3, refused: 1, keptWithoutBodies: 1 });
    expect(writes).toEqual([1]);
    expect(said(WARN_KEPT)).toEqual([expect.objectContaining({ level: 40, apiKeyId: c.apiKeyId, err: expect.objectContaining({ code: '22P02' }) })]);
    expect(said(ERROR_DROPPED)).toHaveLength(1);
    expect(recorder.depth).toBe(0);
    await recorder.close();
  });

  it('a passing failure amid a refused batch keeps only the entries not yet dealt with; a refused one is not tried again', async () => {
    const { logger, said } = capture();
    const recorder = new UsageRecorder(pool, logger, { intervalMs: 60_000 });
    const [a, b] = [entry(), entry()];
    await fault(a.endpoint, '22P02');
    await fault(b.endpoint, '40001');
    recorder.record(a);
    recorder.record(b);
    await recorder.flush();
    await heal(b.endpoint);
    await recorder.close();
    expect(await count(b.endpoint)).toBe(1);
    expect(recorder.stats).toMatchObject({ written: 1, refused: 1 });
    expect(said(ERROR_DROPPED)).toHaveLength(1);
  });

  it('the bodiless retry failing for a passing reason keeps the entry (with its bodies) for later', async () => {
    const { logger, said } = capture();
    const recorder = new UsageRecorder(pool, logger, { intervalMs: 60_000 });
    const ok = entry();
    const a = entry({ requestBody: { poison: true } });
    // Refused with its bodies; without them, for a passing reason.
    await fault(a.endpoint, '57014', '22P02');
    recorder.record(ok);
    recorder.record(a);
    await recorder.flush();
    expect(recorder.depth).toBe(1);
    expect(recorder.stats).toMatchObject({ keptWithoutBodies: 0, refused: 0, written: 1 });
    expect(said(WARN_FAILING)).toEqual([expect.objectContaining({ err: expect.objectContaining({ code: '57014' }) })]);
    await heal(a.endpoint);
    await recorder.close();
    expect(await rows(a.endpoint)).toEqual([expect.objectContaining({ request_body: { poison: true } })]);
    // The entry written before it was not written again.
    expect(recorder.stats.written).toBe(2);
  });

  it('an error with no SQLSTATE (the pool closed under it) is passing: kept, not dropped', async () => {
    const closed = new pg.Pool({ connectionString: url, max: 1 });
    await closed.end();
    const recorder = new UsageRecorder(closed, silent, { intervalMs: 60_000 });
    recorder.record(entry());
    await recorder.flush();
    expect(recorder.depth).toBe(1);
    expect(recorder.stats).toMatchObject({ refused: 0, written: 0 });
  });

  it('still failing at shutdown: close says how many were lost', async () => {
    const { logger, said } = capture();
    const recorder = new UsageRecorder(pool, logger, { intervalMs: 60_000 });
    const e = entry();
    await fault(e.endpoint, '40001');
    recorder.record(e);
    recorder.record(entry({ endpoint: e.endpoint }));
    await recorder.close();
    expect(said(ERROR_LOST)).toEqual([expect.objectContaining({ level: 50, lost: 2 })]);
    await heal(e.endpoint);
  });

  it('a refused entry after a passing failure: dropped, and no "written" notice for nothing written', async () => {
    const { logger, said } = capture();
    const recorder = new UsageRecorder(pool, logger, { intervalMs: 60_000 });
    recorder.record(entry());
    await recorder.flush();
    const e = entry();
    await fault(e.endpoint, '40001');
    recorder.record(e);
    await recorder.flush();
    await fault(e.endpoint, '22P02');
    await recorder.close();
    expect(recorder.stats).toMatchObject({ refused: 1, written: 1 });
    expect(said(INFO_BACK)).toEqual([]);
    // Held again, then one refused and one written in the same batch: "1 written".
    const x = entry();
    await fault(x.endpoint, '40001');
    recorder.record(x);
    await recorder.flush();
    await fault(x.endpoint, '22P02');
    recorder.record(entry());
    await recorder.close();
    expect(recorder.stats).toMatchObject({ refused: 2, written: 2 });
    expect(said(INFO_BACK)).toEqual([expect.objectContaining({ written: 1 })]);
    // A later success is not announced as held ones written: failingSince was reset.
    recorder.record(entry());
    await recorder.close();
    expect(recorder.stats).toMatchObject({ refused: 2, written: 3 });
    expect(said(INFO_BACK)).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('tried again after intervalMs, then every 5 s at most; reset by a success; the health coming back retries at once', async () => {
    const { logger, said } = capture();
    vi.useFakeTimers({ toFake: ['Date'] });
    const T0 = new Date('2026-12-03T12:00:00Z').getTime();
    vi.setSystemTime(T0);
    const h = health(true);
    const recorder = new UsageRecorder(pool, logger, { intervalMs: 60_000, health: h });
    const x = entry();
    await fault(x.endpoint, '55P03');
    recorder.record(x);
    const tried = async (at: number) => {
      vi.setSystemTime(T0 + at);
      const before = await attempts();
      await recorder.flush();
      return (await attempts()) > before;
    };
    expect(await tried(0)).toBe(true);
    expect(await tried(59_999)).toBe(false);
    expect(await tried(60_000)).toBe(true);
    expect(await tried(64_999)).toBe(false);
    expect(await tried(65_000)).toBe(true);
    expect(await tried(69_999)).toBe(false);
    await heal(x.endpoint);
    expect(await tried(70_000)).toBe(true);
    expect(await count(x.endpoint)).toBe(1);
    expect(said(WARN_FAILING)).toHaveLength(1);
    expect(said(INFO_BACK)).toEqual([expect.objectContaining({ level: 30, written: 1, afterSeconds: 70 })]);

    // After the success the backoff starts again from intervalMs.
    const y = entry();
    await fault(y.endpoint, '55P03');
    recorder.record(y);
    expect(await tried(80_000)).toBe(true);
    expect(said(WARN_FAILING)).toHaveLength(2);
    expect(await tried(85_001)).toBe(false);
    // The database goes down and comes back: written at once, whatever the backoff.
    h.up = false;
    await heal(y.endpoint);
    expect(await tried(90_000)).toBe(false);
    vi.useRealTimers();
    h.up = true;
    h.emit('up', 0);
    await waitFor(async () => ((await count(y.endpoint)) === 1 ? true : undefined));
    expect(recorder.depth).toBe(0);
    await recorder.close();
  });
});
