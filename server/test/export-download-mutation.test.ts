// The export download (modules/export/export.download.ts) and its streaming of an export while it
// is written (export.stream.ts), driven directly: the handler mounted in small Express apps of this
// file over one server's services (its database, gate, notifier, usage recorder), each with the
// download slots, wait and gate a test needs. Exports and their chunks are written here with SQL,
// and a "writer" is played by the test — chunks inserted, handed over in memory (chunkCommitted)
// and announced (NOTIFY export_progress) exactly when a test wants — so "while it is written",
// "restarted" and "failed midway" are certain, not races. Written from the rules (PRODUCT.md
// "Exports", README "Exports") for the mutants of both files (pnpm test:mutation export-download,
// export-stream); exports.test.ts and export-stream.test.ts cover the same through the real app.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm } from '../src/db/orm.js';
import { createDownloadPool } from '../src/db/pool.js';
import { createLogger } from '../src/logger.js';
import { generateToken } from '../src/modules/api-key/token.js';
import { RequestGate } from '../src/modules/auth/gate.js';
import { exportDownload, FOLLOW_RECHECK_MS, teamDownloadShare } from '../src/modules/export/export.download.js';
import { chunkCommitted, HELD_CHUNKS } from '../src/modules/export/export.stream.js';
import type { Services } from '../src/services.js';
import { PASSWORD, signUpAdmin, sql, startTestServer, type TestClient, type TestServer, uniqueEmail, waitFor } from './harness.js';
import { createKey } from './rest-harness.js';

let server: TestServer;
let services: Services;
let writer: pg.Client;
let admin: TestClient;
let member: TestClient;
let other: TestClient;
let teamId: string;
let adminId: string;
let full: { token: string; id: string };
let sending: { token: string; id: string };
const closers: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  server = await startTestServer({ WORKERS: 'false' });
  services = server.app.services;
  const a = await signUpAdmin(server, 'Downloaders');
  admin = a.client;
  teamId = a.user.team.id;
  adminId = a.user.id;
  full = await createKey(admin, { name: 'Download key', permission: 'FULL_ACCESS' });
  sending = await createKey(admin, { name: 'Sending key', permission: 'SENDING_ACCESS' });
  const invite = await admin.gql(`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, {
    input: { email: uniqueEmail('member'), role: 'MEMBER' },
  });
  member = server.client();
  await member.gql(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id } }`, {
    input: { token: invite.data!.inviteMember.token, password: PASSWORD },
  });
  other = (await signUpAdmin(server, 'Other downloaders')).client;
  writer = new pg.Client({ connectionString: server.databaseUrl });
  await writer.connect();
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await writer?.end();
  await server?.stop();
});

type Handler = {
  url: (id: string) => string;
  pool: pg.Pool;
  done: Promise<void>[];
  /** This handler's services: chunks handed over to its downloads go through them (chunkCommitted). */
  s: Services;
  /** What it logged at warn and above: `msg`, `reason`, `exportId`. */
  logs: Record<string, unknown>[];
  /** Statements its downloads ran: state reads while waiting for a start, and on download connections. */
  counts: { waiting: number; downloading: number };
  /** Its downloads' listeners on the notifier now. */
  listening: () => number;
};

/**
 * The download handler in an Express app of its own, over the server's services with `slots`
 * download connections, a wait of `waitSeconds` for one (and for an export to start), and a gate
 * with no rate limits unless one is given; a logger that keeps its lines, and the statements and
 * notifier listeners of its downloads counted. `done` holds each request's handler, to see when it ends.
 */
async function serve(opts: { slots?: number; waitSeconds?: number; stallSeconds?: number; gate?: RequestGate; orm?: MikroORM } = {}): Promise<Handler> {
  const waitSeconds = opts.waitSeconds ?? 0.5;
  const pool = createDownloadPool(server.databaseUrl, opts.slots ?? 2, waitSeconds);
  const counts = { waiting: 0, downloading: 0 };
  pool.on('connect', (c) => {
    const query = c.query.bind(c);
    c.query = ((...args: Parameters<typeof query>) => {
      counts.downloading++;
      return query(...args);
    }) as typeof c.query;
  });
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const listeners = new Set<unknown>();
  const notifier = {
    on: (channel: Parameters<Services['notifier']['on']>[0], listener: Parameters<Services['notifier']['on']>[1]) => {
      const off = services.notifier.on(channel, listener);
      const token = {};
      listeners.add(token);
      return () => {
        listeners.delete(token);
        return off();
      };
    },
    notify: (channel: Parameters<Services['notifier']['notify']>[0], payload: string) => services.notifier.notify(channel, payload),
  } as unknown as Services['notifier'];
  const s: Services = {
    ...services,
    ...(opts.orm ? { orm: opts.orm } : {}),
    gate: opts.gate ?? newGate(),
    downloadPool: pool,
    pool: {
      query: (...args: Parameters<pg.Pool['query']>) => {
        counts.waiting++;
        return (services.pool.query as (...a: unknown[]) => unknown)(...args);
      },
    } as unknown as pg.Pool,
    notifier,
    logger: logger as unknown as Services['logger'],
    config: { ...services.config, EXPORT_DOWNLOAD_WAIT_SECONDS: waitSeconds, EXPORT_DOWNLOAD_STALL_SECONDS: opts.stallSeconds ?? 60 },
  };
  const handle = exportDownload(s);
  const done: Promise<void>[] = [];
  const app = express();
  app.get('/api/exports/:id/download', (req, res) => {
    const p = handle(req, res);
    done.push(p.catch(() => undefined));
    return p;
  });
  const http: Server = app.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  closers.push(async () => {
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
    await pool.end();
  });
  return { url: (id) => `${base}/api/exports/${id}/download`, pool, done, s, logs, counts, listening: () => listeners.size };
}

function newGate(opts: Partial<ConstructorParameters<typeof RequestGate>[1]> = {}) {
  const { apiKeyVerifier: verifier, usageRecorder: recorder } = services;
  const g = new RequestGate({ verifier, recorder, knex: services.orm.em.getConnection().getKnex() }, { teamPerSecond: 0, sessionPerMinute: 0, ...opts });
  closers.push(() => g.close());
  return g;
}

type Made = { id: string; attempt: string; bytes: Buffer };

/** An export of the team (or `team`) written with SQL, READY for 7 more days by default, its chunks stored under its attempt. */
async function makeExport(
  o: {
    team?: string;
    resource?: string;
    status?: 'PROCESSING' | 'READY' | 'FAILED' | 'EXPIRED';
    createdAt?: string;
    expiresAt?: string | null;
    chunks?: (string | Buffer)[];
    fileSize?: number | null;
    fileAttempt?: boolean;
    writing?: boolean;
  } = {},
): Promise<Made> {
  const id = randomUUID();
  const attempt = randomUUID();
  const status = o.status ?? 'READY';
  const chunks = (o.chunks ?? ['id,name\n', 'a,"b, c"\n']).map((c) => Buffer.from(c));
  const bytes = Buffer.concat(chunks);
  const ready = status === 'READY' || status === 'EXPIRED';
  await writer.query(
    `insert into export (id, team_id, resource, filters, status, created_at, completed_at, expires_at, file_attempt, file_size, writing_attempt)
     values ($1, $2, $3, '{}', $4, $5, case when $6 then now() end, $7::timestamptz, $8, $9, $10)`,
    [
      id,
      o.team ?? teamId,
      o.resource ?? 'DOMAINS',
      status,
      o.createdAt ?? new Date().toISOString(),
      ready,
      o.expiresAt === undefined ? (ready ? new Date(Date.now() + 7 * 86_400_000).toISOString() : null) : o.expiresAt,
      (o.fileAttempt ?? ready) ? attempt : null,
      o.fileSize === undefined ? (ready ? bytes.length : null) : o.fileSize,
      o.writing ? attempt : null,
    ],
  );
  for (const [seq, data] of chunks.entries()) await insertChunk(id, attempt, seq, data);
  return { id, attempt, bytes };
}

const insertChunk = (id: string, attempt: string, seq: number, data: string | Buffer) =>
  writer.query('insert into export_chunk (export_id, attempt, seq, data) values ($1, $2, $3, $4)', [id, attempt, seq, Buffer.from(data)]);
const notify = (id: string) => services.notifier.notify('export_progress', id);
/** What the writer does when an attempt finishes: READY with that attempt's file. */
const finish = async (id: string, attempt: string, size: number) => {
  await writer.query(
    `update export set status = 'READY', file_attempt = $2, file_size = $3, writing_attempt = null, completed_at = now(), expires_at = now() + interval '7 days' where id = $1`,
    [id, attempt, size],
  );
  await notify(id);
};

const cookie = (c: TestClient) => ({ cookie: c.cookie! });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

type Got = { status: number; headers: Headers; body: Buffer; ended: boolean; json?: unknown };

/** The whole response: `ended` false when the connection was cut before the body's end. */
async function get(url: string, headers: Record<string, string> = cookie(admin), init: RequestInit = {}): Promise<Got> {
  const res = await fetch(url, { headers, ...init });
  return readAll(res);
}

async function readAll(res: Response, parts: Buffer[] = []): Promise<Got> {
  const reader = res.body!.getReader();
  let ended = true;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(Buffer.from(value));
    }
  } catch {
    ended = false;
  }
  const body = Buffer.concat(parts);
  const json = res.headers.get('content-type')?.startsWith('application/json') && ended ? JSON.parse(body.toString()) : undefined;
  return { status: res.status, headers: res.headers, body, ended, json };
}

/** Reads from a response until `n` bytes came (or it ended). */
async function readAtLeast(reader: ReadableStreamDefaultReader<Uint8Array>, n: number, into: Buffer[]): Promise<Buffer> {
  while (Buffer.concat(into).length < n) {
    const { done, value } = await reader.read();
    if (done) break;
    into.push(Buffer.from(value));
  }
  return Buffer.concat(into);
}

/** A PROCESSING export whose writer has stored its first chunk, and a download of it (through `url`) that has received that chunk. */
async function followFromFirst(url: (id: string) => string, first: string) {
  const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: [first] });
  const res = await fetch(url(made.id), { headers: cookie(admin) });
  const reader = res.body!.getReader();
  const parts: Buffer[] = [];
  await readAtLeast(reader, first.length, parts);
  return { made, reader, parts };
}

async function readRest(reader: ReadableStreamDefaultReader<Uint8Array>, into: Buffer[]): Promise<{ body: Buffer; ended: boolean }> {
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { body: Buffer.concat(into), ended: true };
      into.push(Buffer.from(value));
    }
  } catch {
    return { body: Buffer.concat(into), ended: false };
  }
}

const error = (statusCode: number, name: string, message: string) => ({ statusCode, name, message });

/** The usage logs of a key's downloads, oldest first, once `n` are written. */
async function logsOf(keyId: string, n: number) {
  return waitFor(
    async () => {
      await services.usageRecorder.flush();
      const rows = await sql<{ method: string; endpoint: string; status_code: number; response_body: unknown; user_agent: string | null }>(
        server.databaseUrl,
        `select method, endpoint, status_code, response_body, user_agent from usage_log where api_key_id = $1 order by created_at, id`,
        [keyId],
      );
      return rows.length >= n ? rows : undefined;
    },
    10_000,
    `${n} usage logs`,
  );
}

const ms = (since: number) => performance.now() - since;

describe('who may download', () => {
  let h: Handler;
  let made: Made;
  beforeAll(async () => {
    h = await serve();
    made = await makeExport();
  });

  it("an admin's session downloads; anonymous is 401, a member 403, another team 404", async () => {
    expect(await get(h.url(made.id))).toMatchObject({ status: 200, body: made.bytes, ended: true });
    expect((await get(h.url(made.id), {})).json).toEqual(error(401, 'missing_api_key', 'Sign in or send a full-access API key to download exports.'));
    expect(await get(h.url(made.id), cookie(member))).toMatchObject({ status: 403, json: error(403, 'forbidden', 'Only admins can download exports.') });
    expect(await get(h.url(made.id), cookie(other))).toMatchObject({ status: 404, json: error(404, 'not_found', 'Export not found.') });
    expect((await get(h.url(randomUUID()))).json).toEqual(error(404, 'not_found', 'Export not found.'));
    expect((await get(h.url('not-a-uuid'))).status).toBe(404);
  });

  it('a full-access key downloads, a sending-access key is 401 restricted_api_key (even for no export); an unknown or malformed key is 403 invalid_api_key', async () => {
    expect(await get(h.url(made.id), bearer(full.token))).toMatchObject({ status: 200, body: made.bytes });
    const restricted = error(401, 'restricted_api_key', 'This API key is restricted to only send emails.');
    expect((await get(h.url(made.id), bearer(sending.token))).json).toEqual(restricted);
    expect((await get(h.url('00000000-0000-4000-8000-000000000000'), bearer(sending.token))).json).toEqual(restricted);
    const invalid = error(403, 'invalid_api_key', 'API key is invalid.');
    expect(await get(h.url(made.id), bearer(generateToken()))).toMatchObject({ status: 403, json: invalid });
    expect((await get(h.url(made.id), { authorization: 'Basic abc' })).json).toEqual(invalid);
  });

  it('a disabled key is refused as invalid with its own message, even with a session beside it', async () => {
    const key = await createKey(admin, { name: 'Disabled download key', permission: 'FULL_ACCESS' });
    await admin.gql('mutation($id: ID!) { updateApiKey(id: $id, input: { enabled: false }) { enabled } }', { id: key.id });
    expect((await get(h.url(made.id), { ...bearer(key.token), ...cookie(admin) })).json).toEqual(error(403, 'invalid_api_key', 'This API key is disabled.'));
  });

  it('an address past its unknown-token budget is 429 with Retry-After', async () => {
    const g = await serve({ gate: newGate({ failedAuthPerMinute: 1 }) });
    expect((await get(g.url(made.id), bearer(generateToken()))).status).toBe(403);
    const refused = await get(g.url(made.id), bearer(generateToken()));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(refused.json).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded', message: expect.stringMatching(/invalid API keys/) });
  });

  it('a database that cannot be reached is not taken for a bad key', async () => {
    const orm = await initOrm(server.databaseUrl, createLogger('silent'));
    await orm.close();
    const down = await serve({ orm });
    const res = await get(down.url(made.id));
    expect(res.status).toBe(500);
    expect(res.json).toBeUndefined();
  });
});

describe('a key download is rate-limited, logged and counted', () => {
  it('RateLimit headers, 429 past the limit, and one usage log per download with downloaded: true or the error', async () => {
    const key = await createKey(admin, { name: 'Limited download key', permission: 'FULL_ACCESS' });
    const h = await serve({ gate: newGate({ teamPerSecond: 2 }) });
    const made = await makeExport();
    // The team's budget of this second: two requests (a 404 and a download), then 429 (all in the same second).
    let gone!: Got;
    let first!: Got;
    let third!: Got;
    for (let tries = 0; ; tries++) {
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
      const started = Date.now();
      gone = await get(h.url(randomUUID()), bearer(key.token));
      first = await get(h.url(made.id), { ...bearer(key.token), 'user-agent': 'dl/1.0' });
      third = await get(h.url(made.id), bearer(key.token));
      if (Math.floor(Date.now() / 1000) === Math.floor(started / 1000) || tries > 3) break;
    }
    expect(gone.status).toBe(404);
    expect(gone.headers.get('ratelimit-remaining')).toBe('1');
    expect(first).toMatchObject({ status: 200, body: made.bytes });
    expect(first.headers.get('ratelimit-limit')).toBe('2');
    expect(first.headers.get('ratelimit-remaining')).toBe('0');
    expect(third.status).toBe(429);
    expect(third.json).toEqual(error(429, 'rate_limit_exceeded', expect.stringMatching(/^Too many requests\. You can only make 2 requests per second/)));
    expect(third.headers.get('retry-after')).toBe('1');
    expect(third.body.length).toBeLessThan(200);
    // Logged as every REST path is, without `/api` (a Logs filter of `/exports` finds it).
    const endpoint = `/exports/${made.id}/download`;
    expect(await logsOf(key.id, 3)).toEqual([
      { method: 'GET', endpoint: expect.stringMatching(/^\/exports\/.*\/download$/), status_code: 404, response_body: gone.json, user_agent: 'node' },
      { method: 'GET', endpoint, status_code: 200, response_body: { downloaded: true }, user_agent: 'dl/1.0' },
      { method: 'GET', endpoint, status_code: 429, response_body: third.json, user_agent: 'node' },
    ]);
  });

  it('a session download writes no usage log', async () => {
    const h = await serve();
    const made = await makeExport();
    await services.usageRecorder.flush();
    const before = await sql(server.databaseUrl, 'select count(*)::int as n from usage_log where team_id = $1', [teamId]);
    expect((await get(h.url(made.id))).status).toBe(200);
    await h.done.at(-1);
    await services.usageRecorder.flush();
    expect(await sql(server.databaseUrl, 'select count(*)::int as n from usage_log where team_id = $1', [teamId])).toEqual(before);
  });
});

describe('a READY export', () => {
  let h: Handler;
  beforeAll(async () => {
    h = await serve();
  });

  it('is the CSV with its headers: type, file name, no caching, Content-Length; the stored bytes exactly, in order', async () => {
    // Bytes that are no UTF-8 on their own (a character cut between chunks), over several chunks.
    const euro = Buffer.from('€');
    const made = await makeExport({
      resource: 'API_KEYS',
      createdAt: '2026-11-30T23:30:00Z',
      chunks: [Buffer.concat([Buffer.from('id,name\n1,'), euro.subarray(0, 1)]), euro.subarray(1), Buffer.from('\n2,x\n'), Buffer.alloc(70_000, 0x41)],
    });
    // Chunks of another attempt (a retry that did not finish) are no part of the file.
    await insertChunk(made.id, randomUUID(), 0, 'stale attempt');
    const res = await get(h.url(made.id));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="keyring-api-keys-2026-11-30-${made.id.slice(0, 8)}.csv"`);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('content-length')).toBe(String(made.bytes.length));
    expect(res.body.equals(made.bytes)).toBe(true);
    const logs = await makeExport({ resource: 'LOGS', createdAt: '2026-01-02T00:00:00Z' });
    expect((await get(h.url(logs.id))).headers.get('content-disposition')).toBe(`attachment; filename="keyring-logs-2026-01-02-${logs.id.slice(0, 8)}.csv"`);
  });

  it('without a known size: no Content-Length, every byte', async () => {
    const made = await makeExport({ fileSize: null });
    const res = await get(h.url(made.id));
    expect(res).toMatchObject({ status: 200, ended: true, body: made.bytes });
    expect(res.headers.get('content-length')).toBeNull();
  });

  it('whose stored bytes are not its size: 500 as JSON when none could be sent, cut short otherwise', async () => {
    const empty = await makeExport({ chunks: [], fileSize: 10 });
    const res = await get(h.url(empty.id));
    expect(res.status).toBe(500);
    expect(res.json).toEqual(error(500, 'internal_server_error', 'Sent 0 bytes of 10.'));
    expect(res.headers.get('content-disposition')).toBeNull();
    expect(res.headers.get('cache-control')).toBeNull();
    const short = await makeExport({ chunks: ['id\n', '1\n'], fileSize: 100 });
    expect(await get(h.url(short.id))).toMatchObject({ status: 200, ended: false });
  });

  it('FAILED is 409, READY without its file 409, EXPIRED 410; a READY one past its expiry is 410 at once', async () => {
    const failed = await makeExport({ status: 'FAILED' });
    expect((await get(h.url(failed.id))).json).toEqual(error(409, 'export_not_ready', 'This export failed.'));
    const noFile = await makeExport({ fileAttempt: false });
    expect((await get(h.url(noFile.id))).json).toEqual(error(409, 'export_not_ready', 'This export is still being prepared.'));
    const expired = error(410, 'export_expired', 'This export has expired: downloads work for 7 days.');
    const swept = await makeExport({ status: 'EXPIRED' });
    expect(await get(h.url(swept.id))).toMatchObject({ status: 410, json: expired });
    const past = await makeExport({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(await get(h.url(past.id))).toMatchObject({ status: 410, json: expired });
    const soon = await makeExport({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await get(h.url(soon.id))).status).toBe(200);
  });

  it('downloads for 7 days after it is ready: a minute before the end, not a minute after (through the app)', async () => {
    const created = await admin.gql(`mutation { createExport(input: { resource: DOMAINS }) { id status downloadUrl } }`);
    const { id, downloadUrl } = created.data!.createExport as { id: string; downloadUrl: string };
    const link = downloadUrl.replace(server.config.PUBLIC_URL, server.url);
    const shift = (interval: string) =>
      sql(server.databaseUrl, `update export set completed_at = completed_at - $2::interval, expires_at = expires_at - $2::interval where id = $1`, [
        id,
        interval,
      ]);
    await shift('6 days 23 hours 59 minutes');
    expect((await get(link)).status).toBe(200);
    await shift('2 minutes');
    expect((await get(link)).json).toEqual(error(410, 'export_expired', 'This export has expired: downloads work for 7 days.'));
  });
});

describe('download slots', () => {
  it('every slot busy: 503 with Retry-After in whole seconds (at least 1) after the wait, then served once one is free', async () => {
    const made = await makeExport();
    for (const [wait, retry] of [
      [0.3, '1 second'],
      [1.2, '2 seconds'],
    ] as const) {
      const h = await serve({ slots: 1, waitSeconds: wait });
      const held = await h.pool.connect();
      const started = performance.now();
      const busy = await get(h.url(made.id));
      expect(ms(started)).toBeGreaterThanOrEqual(wait * 1000 - 50);
      expect(busy.status).toBe(503);
      expect(busy.headers.get('retry-after')).toBe(retry.split(' ')[0]);
      expect(busy.json).toEqual(error(503, 'service_unavailable', `Every download slot of this server is busy: retry in ${retry}.`));
      expect(busy.headers.get('content-disposition')).toBeNull();
      held.release();
      expect(await get(h.url(made.id))).toMatchObject({ status: 200, body: made.bytes });
    }
  });

  it('a client that does not read holds its slot; one that goes away mid-file frees it at once (logged downloaded: false)', { timeout: 30_000 }, async () => {
    const key = await createKey(admin, { name: 'Abandoning key', permission: 'FULL_ACCESS' });
    const h = await serve({ slots: 1, waitSeconds: 0.3 });
    const mb = Buffer.alloc(1 << 20, 0x42);
    const big = await makeExport({ chunks: Array.from({ length: 16 }, () => mb) });
    const small = await makeExport();
    const abort = new AbortController();
    const res = await fetch(h.url(big.id), { headers: bearer(key.token), signal: abort.signal });
    expect(res.status).toBe(200);
    // The file is read from PostgreSQL only as fast as the client takes it: its slot stays taken.
    expect((await get(h.url(small.id))).status).toBe(503);
    expect(h.logs).toEqual([expect.objectContaining({ level: 40, msg: 'no free export download slot', exportId: small.id })]);
    await readAtLeast(res.body!.getReader(), 100_000, []);
    abort.abort();
    await h.done[0];
    // The connection it left in the middle of its COPY is closed, not read to the end and kept.
    expect(h.pool.totalCount).toBe(0);
    const whole = await get(h.url(big.id), bearer(key.token));
    expect(whole).toMatchObject({ status: 200, ended: true });
    expect(whole.body.equals(Buffer.concat(Array.from({ length: 16 }, () => mb)))).toBe(true);
    expect(await get(h.url(small.id))).toMatchObject({ status: 200, body: small.bytes });
    const logs = await logsOf(key.id, 2);
    expect(logs.map((l) => [l.status_code, l.response_body])).toEqual([
      [200, { downloaded: false }],
      [200, { downloaded: true }],
    ]);
    // Going away is no failure of the download.
    expect(h.logs).toHaveLength(1);
  });

  it('its database connection lost mid-file: cut short, logged as failed, and the slot works again', { timeout: 30_000 }, async () => {
    const h = await serve({ slots: 1, waitSeconds: 0.3 });
    const mb = Buffer.alloc(1 << 20, 0x43);
    const big = await makeExport({ chunks: Array.from({ length: 16 }, () => mb) });
    const res = await fetch(h.url(big.id), { headers: cookie(admin) });
    const reader = res.body!.getReader();
    const parts: Buffer[] = [];
    await readAtLeast(reader, 100_000, parts);
    const killed = await sql<{ ok: boolean }>(
      server.databaseUrl,
      `select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and state = 'active' and query like 'copy (select data from export_chunk%' and pid <> pg_backend_pid()`,
    );
    expect(killed).toEqual([{ ok: true }]);
    const rest = await readRest(reader, parts);
    expect(rest.ended).toBe(false);
    expect(rest.body.length).toBeLessThan(big.bytes.length);
    await h.done[0];
    expect(h.logs).toEqual([expect.objectContaining({ level: 50, msg: 'export download failed', exportId: big.id })]);
    const small = await makeExport();
    expect(await get(h.url(small.id))).toMatchObject({ status: 200, body: small.bytes });
  });
});

describe("one team's share of the download slots", () => {
  /**
   * The stalled downloads' responses, kept reachable for the whole file: undici closes the
   * connection of a response the garbage collector takes, which ended a "stalled" download (and
   * freed its slot) at a random moment.
   */
  const stalled: Response[] = [];
  afterAll(() => {
    for (const r of stalled.splice(0)) r.body?.cancel().catch(() => undefined);
  });
  /** Two downloads of the team's 16 MB file that read nothing: each keeps its slot while it stays open. */
  async function stall(h: Handler, client: TestClient = admin) {
    const mb = Buffer.alloc(1 << 20, 0x44);
    const big = await makeExport({ chunks: Array.from({ length: 16 }, () => mb) });
    const aborts = [new AbortController(), new AbortController()];
    const answers = await Promise.all(aborts.map((a) => fetch(h.url(big.id), { headers: cookie(client), signal: a.signal })));
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    stalled.push(...answers);
    return aborts;
  }

  it('is half of the slots, at least two, never more than all of them', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100].map(teamDownloadShare)).toEqual([1, 2, 2, 2, 3, 3, 4, 4, 5, 5, 50]);
  });

  it("past it, a team's download waits for one of the team's own and is handed its slot when that one ends", { timeout: 30_000 }, async () => {
    const h = await serve({ slots: 4, waitSeconds: 10 });
    const [first, second] = await stall(h);
    const small = await makeExport();
    const waiting = get(h.url(small.id));
    await new Promise((r) => setTimeout(r, 300));
    first.abort();
    // Only a hand-over answers a waiting download with its file: one not handed a slot is a 503 at the wait's end.
    expect(await waiting).toMatchObject({ status: 200, body: small.bytes });
    second.abort();
  });

  it("past it, a team's download is 503 after the wait, saying why; the team's two still count, and another team downloads at once", {
    timeout: 30_000,
  }, async () => {
    const h = await serve({ slots: 4, waitSeconds: 0.5 });
    const aborts = await stall(h);
    const small = await makeExport();
    const started = performance.now();
    const refused = await get(h.url(small.id));
    expect(ms(started)).toBeGreaterThanOrEqual(450);
    expect(refused).toMatchObject({ status: 503, ended: true });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.json).toEqual(
      error(503, 'service_unavailable', 'Your team already has 2 downloads streaming from this server, as many as one team may (of 4): retry in 1 second.'),
    );
    // A download that gave up waiting leaves the team's count as it was: the next one is refused too.
    expect((await get(h.url(small.id))).status).toBe(503);
    const them = await signUpAdmin(server, 'Slot neighbours');
    const theirs = await makeExport({ team: them.user.team.id });
    const at = performance.now();
    expect(await get(h.url(theirs.id), cookie(them.client))).toMatchObject({ status: 200, body: theirs.bytes });
    expect(ms(at)).toBeLessThan(450);
    // Once the team's downloads end, its share is free again.
    for (const a of aborts) a.abort();
    await Promise.all(h.done.slice(0, 2));
    expect(await get(h.url(small.id))).toMatchObject({ status: 200, body: small.bytes });
  });

  it('with two slots, one team may hold both: past them it is told that every slot is busy', { timeout: 30_000 }, async () => {
    const h = await serve({ slots: 2, waitSeconds: 0.3 });
    const aborts = await stall(h);
    const refused = await get(h.url((await makeExport()).id));
    expect(refused).toMatchObject({ status: 503, json: error(503, 'service_unavailable', 'Every download slot of this server is busy: retry in 1 second.') });
    for (const a of aborts) a.abort();
  });
});

describe('a client that stops reading', () => {
  it("is cut once it has taken nothing for EXPORT_DOWNLOAD_STALL_SECONDS: its slot freed, logged, its key's usage log downloaded: false", {
    timeout: 30_000,
  }, async () => {
    const key = await createKey(admin, { name: 'Stalling key', permission: 'FULL_ACCESS' });
    const h = await serve({ slots: 1, waitSeconds: 10, stallSeconds: 1 });
    const mb = Buffer.alloc(1 << 20, 0x45);
    const big = await makeExport({ chunks: Array.from({ length: 16 }, () => mb) });
    const small = await makeExport();
    const started = performance.now();
    const stalled = await fetch(h.url(big.id), { headers: bearer(key.token) });
    expect(stalled.status).toBe(200);
    // Waits for the one slot, which the stalled download holds until it is cut.
    expect(await get(h.url(small.id))).toMatchObject({ status: 200, body: small.bytes });
    expect(ms(started)).toBeGreaterThanOrEqual(950);
    await h.done[0];
    expect(h.logs).toEqual([expect.objectContaining({ level: 40, msg: 'export download cut: its client read nothing', exportId: big.id, stallSeconds: 1 })]);
    // What it had not read is never a whole file.
    expect(await readRest(stalled.body!.getReader(), [])).toMatchObject({ ended: false });
    expect((await logsOf(key.id, 1)).map((l) => [l.status_code, l.response_body])).toEqual([[200, { downloaded: false }]]);
  });

  it('is not cut while it keeps reading, however slowly: only a write waited for longer than the limit counts', { timeout: 60_000 }, async () => {
    const h = await serve({ slots: 1, stallSeconds: 3 });
    const mb = Buffer.alloc(1 << 20, 0x46);
    const big = await makeExport({ chunks: Array.from({ length: 32 }, () => mb) });
    // A client on a bare socket that reads nothing for 500 ms, then reads on until it has taken
    // one more chunk's worth (1 MB), and so on to the end: longer than the limit in all, and each
    // of the server's writes taken well within it, however loaded the machine.
    const { hostname, port, pathname } = new URL(h.url(big.id));
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nCookie: ${admin.cookie}\r\nConnection: close\r\n\r\n`);
    const parts: Buffer[] = [];
    let received = 0;
    let closed = false;
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      received += d.length;
    });
    const ended = new Promise<void>((resolve) =>
      socket.on('close', () => {
        closed = true;
        resolve();
      }),
    );
    const started = performance.now();
    socket.pause();
    while (!closed) {
      await new Promise((r) => setTimeout(r, 500));
      const target = received + (1 << 20);
      socket.resume();
      while (!closed && received < target) await new Promise((r) => setTimeout(r, 5));
      socket.pause();
    }
    await ended;
    const answer = Buffer.concat(parts);
    const body = answer.subarray(answer.indexOf('\r\n\r\n') + 4);
    expect(answer.subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK');
    expect(ms(started)).toBeGreaterThan(3000);
    expect(body.equals(big.bytes)).toBe(true);
    expect(h.logs).toEqual([]);
  });
});

describe('HEAD of a download', () => {
  it("is the GET's status and headers without its body (READY, without its file, FAILED, EXPIRED); logged for a key with no response body", async () => {
    const key = await createKey(admin, { name: 'Head key', permission: 'FULL_ACCESS' });
    const h = await serve();
    const cases = [
      await makeExport(),
      await makeExport({ fileAttempt: false }),
      await makeExport({ status: 'FAILED' }),
      await makeExport({ status: 'EXPIRED' }),
    ];
    const statuses: number[] = [];
    for (const made of cases) {
      const head = await fetch(h.url(made.id), { method: 'HEAD', headers: bearer(key.token) });
      const got = await get(h.url(made.id), bearer(key.token));
      statuses.push(head.status);
      expect(head.status).toBe(got.status);
      // The error answers' Content-Length is their JSON's: a HEAD says the same as its GET's body.
      for (const name of ['content-type', 'content-length', 'content-disposition', 'cache-control'])
        expect([name, head.headers.get(name)]).toEqual([name, got.headers.get(name)]);
      expect(await head.text()).toBe('');
    }
    expect(statuses).toEqual([200, 409, 409, 410]);
    const logs = await logsOf(key.id, 8);
    expect(logs.filter((l) => l.status_code === 200).map((l) => [l.method, l.response_body])).toEqual([
      ['HEAD', null],
      ['GET', { downloaded: true }],
    ]);
  });
});

describe('a download while the export is written', () => {
  let h: Handler;
  beforeAll(async () => {
    h = await serve({ slots: 2, waitSeconds: 5 });
  });

  it('follows the attempt: chunked, no Content-Length, each chunk as it is committed, ending with exactly the file', async () => {
    const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: ['id,name\n'] });
    const res = await fetch(h.url(made.id), { headers: cookie(admin) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="keyring-domains-${new Date().toISOString().slice(0, 10)}-${made.id.slice(0, 8)}.csv"`,
    );
    const reader = res.body!.getReader();
    const parts: Buffer[] = [];
    expect((await readAtLeast(reader, 8, parts)).toString()).toBe('id,name\n');
    // Announced: at once.
    await insertChunk(made.id, made.attempt, 1, 'a,1\n');
    let started = performance.now();
    await notify(made.id);
    expect((await readAtLeast(reader, 12, parts)).toString()).toBe('id,name\na,1\n');
    expect(ms(started)).toBeLessThan(200);
    // Not announced (another instance writes, its NOTIFY lost): found by the poll, within 250 ms.
    await insertChunk(made.id, made.attempt, 2, 'b,2\n');
    started = performance.now();
    expect((await readAtLeast(reader, 16, parts)).toString()).toBe('id,name\na,1\nb,2\n');
    expect(ms(started)).toBeLessThan(600);
    await insertChunk(made.id, made.attempt, 3, 'c,3\n');
    await finish(made.id, made.attempt, 20);
    expect(await readRest(reader, parts)).toEqual({ body: Buffer.from('id,name\na,1\nb,2\nc,3\n'), ended: true });
  });

  it('chunks handed over on this instance are sent from memory, at most HELD_CHUNKS held; the rest, gaps and other attempts are read back', async () => {
    // The bytes handed over in memory are marked `m`, those stored `d`, so the file shows where each chunk came from.
    const label = (c: string, seq: number) => `${c}${seq}`.padEnd(3);
    // One more than can be held, handed over at once; the seqs after them follow on.
    const n = HELD_CHUNKS + 2;
    const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: [label('d', 0)] });
    const res = await fetch(h.url(made.id), { headers: cookie(admin) });
    const reader = res.body!.getReader();
    const parts: Buffer[] = [];
    let expected = label('d', 0);
    expect((await readAtLeast(reader, 3, parts)).toString()).toBe(expected);
    // Another attempt's chunk, then n of this one handed over at once (and stored after): HELD_CHUNKS - 1 + the other's = HELD_CHUNKS held.
    chunkCommitted(h.s, made.id, randomUUID(), 1, Buffer.from(label('x', 1)));
    const handedOver = performance.now();
    for (let seq = 1; seq <= n; seq++) chunkCommitted(h.s, made.id, made.attempt, seq, Buffer.from(label('m', seq)));
    // Sent at once, without waiting for a poll.
    expect((await readAtLeast(reader, 6, parts)).subarray(0, 6).toString()).toBe(`${label('d', 0)}${label('m', 1)}`);
    expect(ms(handedOver)).toBeLessThan(200);
    for (let seq = 1; seq <= n; seq++) await insertChunk(made.id, made.attempt, seq, label('d', seq));
    for (let seq = 1; seq <= n; seq++) expected += label(seq <= HELD_CHUNKS - 1 ? 'm' : 'd', seq);
    expect((await readAtLeast(reader, expected.length, parts)).toString()).toBe(expected);
    // Read back after a NOTIFY; their hand-over comes late (n + 1) with the next (n + 3): the late copy is not sent again.
    await writer.query(`insert into export_chunk (export_id, attempt, seq, data) values ($1, $2, $5, $3), ($1, $2, $6, $4)`, [
      made.id,
      made.attempt,
      label('d', n + 1),
      label('d', n + 2),
      n + 1,
      n + 2,
    ]);
    await notify(made.id);
    expected += label('d', n + 1) + label('d', n + 2);
    expect((await readAtLeast(reader, expected.length, parts)).toString()).toBe(expected);
    chunkCommitted(h.s, made.id, made.attempt, n + 1, Buffer.from(label('m', n + 1)));
    chunkCommitted(h.s, made.id, made.attempt, n + 3, Buffer.from(label('m', n + 3)));
    await insertChunk(made.id, made.attempt, n + 3, label('d', n + 3));
    expected += label('m', n + 3);
    expect((await readAtLeast(reader, expected.length, parts)).toString()).toBe(expected);
    // A gap: n + 5 handed over, n + 4 not: both read back.
    chunkCommitted(h.s, made.id, made.attempt, n + 5, Buffer.from(label('m', n + 5)));
    await writer.query(`insert into export_chunk (export_id, attempt, seq, data) values ($1, $2, $5, $3), ($1, $2, $6, $4)`, [
      made.id,
      made.attempt,
      label('d', n + 4),
      label('d', n + 5),
      n + 4,
      n + 5,
    ]);
    expected += label('d', n + 4) + label('d', n + 5);
    expect((await readAtLeast(reader, expected.length, parts)).toString()).toBe(expected);
    // READY when it wakes (after a read that found nothing, so the state is read again), ten more
    // handed over: the rest in one read from PostgreSQL, not from memory.
    await new Promise((r) => setTimeout(r, 600));
    for (let seq = n + 6; seq <= n + 15; seq++) {
      await insertChunk(made.id, made.attempt, seq, label('d', seq));
      expected += label('d', seq);
    }
    await writer.query(`update export set status = 'READY', file_attempt = $2, file_size = $3, writing_attempt = null where id = $1`, [
      made.id,
      made.attempt,
      expected.length,
    ]);
    for (let seq = n + 6; seq <= n + 15; seq++) chunkCommitted(h.s, made.id, made.attempt, seq, Buffer.from(label('m', seq)));
    expect(await readRest(reader, parts)).toEqual({ body: Buffer.from(expected), ended: true });
    expect(h.logs).toEqual([]);
  });

  it('an attempt replaced before the first byte: follows the new one', async () => {
    const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: [] });
    const pending = fetch(h.url(made.id), { headers: cookie(admin) });
    await new Promise((r) => setTimeout(r, 100));
    const retry = randomUUID();
    await writer.query('update export set writing_attempt = $2 where id = $1', [made.id, retry]);
    await insertChunk(made.id, retry, 0, 'retried\n');
    await notify(made.id);
    const res = await pending;
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const parts: Buffer[] = [];
    await readAtLeast(reader, 8, parts);
    await finish(made.id, retry, 8);
    expect(await readRest(reader, parts)).toEqual({ body: Buffer.from('retried\n'), ended: true });
  });

  it('an attempt that gives up before the first byte: waits for the next one and follows it', async () => {
    const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: [] });
    const pending = fetch(h.url(made.id), { headers: cookie(admin) });
    await new Promise((r) => setTimeout(r, 100));
    await writer.query('update export set writing_attempt = null where id = $1', [made.id]);
    await notify(made.id);
    await new Promise((r) => setTimeout(r, 300));
    const next = randomUUID();
    await insertChunk(made.id, next, 0, 'next\n');
    await writer.query('update export set writing_attempt = $2 where id = $1', [made.id, next]);
    await notify(made.id);
    const res = await pending;
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const parts: Buffer[] = [];
    await readAtLeast(reader, 5, parts);
    await finish(made.id, next, 5);
    expect(await readRest(reader, parts)).toEqual({ body: Buffer.from('next\n'), ended: true });
  });

  it('waits without spinning: a few statements per poll, other exports ignored; its listeners go when it ends', async () => {
    const one = await serve({ slots: 1, waitSeconds: 0.6 });
    const { made, reader, parts } = await followFromFirst(one.url, 'id\n');
    expect(one.listening()).toBe(1);
    const before = one.counts.downloading;
    await notify(made.id);
    for (let i = 0; i < 15; i++) {
      await notify(randomUUID());
      await new Promise((r) => setTimeout(r, 40));
    }
    // About 600 ms: two statements (state, new chunks) per poll or wake-up.
    expect(one.counts.downloading - before).toBeLessThan(20);
    await finish(made.id, made.attempt, 3);
    expect(await readRest(reader, parts)).toEqual({ body: Buffer.from('id\n'), ended: true });
    await one.done.at(-1);
    expect(one.listening()).toBe(0);
    // The same while waiting for a queued export to start.
    const queued = await makeExport({ status: 'PROCESSING', chunks: [] });
    const waited = get(one.url(queued.id));
    await new Promise((r) => setTimeout(r, 100));
    expect(one.listening()).toBe(1);
    await notify(queued.id);
    for (let i = 0; i < 10; i++) {
      await notify(randomUUID());
      await new Promise((r) => setTimeout(r, 30));
    }
    expect((await waited).status).toBe(409);
    expect(one.counts.waiting).toBeLessThan(10);
    expect(one.listening()).toBe(0);
  });

  /** Holds every read of stored chunks (a lock on export_chunk) until `release` runs, once the follower waits on it. */
  async function whileItReads(release: () => Promise<unknown> | unknown) {
    await writer.query('begin');
    await writer.query('lock table export_chunk in access exclusive mode');
    try {
      await waitFor(
        async () =>
          (
            await sql(
              server.databaseUrl,
              `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'copy (select data from export_chunk%'`,
            )
          ).length
            ? true
            : undefined,
        5000,
        'a read waiting for the lock',
      );
      await release();
    } finally {
      await writer.query('commit');
    }
  }

  it('a hand-over or a client gone while it reads is not lost: acted on as soon as the read ends, not at the next poll', async () => {
    const one = await serve({ slots: 1, waitSeconds: 0.3 });
    const { made, reader, parts } = await followFromFirst(one.url, 'd0 ');
    await whileItReads(() => chunkCommitted(one.s, made.id, made.attempt, 1, Buffer.from('m1 ')));
    const released = performance.now();
    expect((await readAtLeast(reader, 6, parts)).toString()).toBe('d0 m1 ');
    expect(ms(released)).toBeLessThan(150);
    await finish(made.id, made.attempt, 6);
    expect(await readRest(reader, parts)).toEqual({ body: Buffer.from('d0 m1 '), ended: true });
    // The client goes while the follower reads: it ends as soon as the read does.
    const next = await makeExport({ status: 'PROCESSING', writing: true, chunks: ['d0 '] });
    const abort = new AbortController();
    const res2 = await fetch(one.url(next.id), { headers: cookie(admin), signal: abort.signal });
    await readAtLeast(res2.body!.getReader(), 3, []);
    await whileItReads(async () => {
      abort.abort();
      await new Promise((r) => setTimeout(r, 50));
    });
    const releasedAgain = performance.now();
    await one.done.at(-1);
    expect(ms(releasedAgain)).toBeLessThan(150);
    expect(one.listening()).toBe(0);
  });

  it("another instance's chunk announced while a read waits is read as soon as that read ends, not at the next poll", async () => {
    const one = await serve({ slots: 1, waitSeconds: 0.3 });
    const { made, reader, parts } = await followFromFirst(one.url, 'd0 ');
    // Stored by another instance, unannounced, while the follower sleeps out its poll: its next read finds it.
    await insertChunk(made.id, made.attempt, 1, 'd1 ');
    await whileItReads(async () => {
      // The next is stored (committed with the lock's release) and announced while that read waits.
      await insertChunk(made.id, made.attempt, 2, 'd2 ');
      await notify(made.id);
      await new Promise((r) => setTimeout(r, 50));
    });
    const released = performance.now();
    expect((await readAtLeast(reader, 9, parts)).toString()).toBe('d0 d1 d2 ');
    expect(ms(released)).toBeLessThan(150);
    await finish(made.id, made.attempt, 9);
    expect(await readRest(reader, parts)).toEqual({ body: Buffer.from('d0 d1 d2 '), ended: true });
  });

  it('READY with another attempt before the first byte: that file, read from PostgreSQL', async () => {
    const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: [] });
    const pending = fetch(h.url(made.id), { headers: cookie(admin) });
    await new Promise((r) => setTimeout(r, 100));
    const other = randomUUID();
    await insertChunk(made.id, other, 0, 'other\n');
    await insertChunk(made.id, other, 1, 'file\n');
    await finish(made.id, other, 11);
    const got = await readAll(await pending);
    expect(got).toMatchObject({ status: 200, ended: true });
    expect(got.body.toString()).toBe('other\nfile\n');
  });

  const cutAfterFirstByte = async (change: (made: Made) => Promise<unknown>, token?: string) => {
    const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: ['id\n'] });
    const res = await fetch(h.url(made.id), { headers: token ? bearer(token) : cookie(admin) });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const parts: Buffer[] = [];
    await readAtLeast(reader, 3, parts);
    await change(made);
    await notify(made.id);
    const rest = await readRest(reader, parts);
    await h.done.at(-1);
    return rest;
  };

  it('cut short, never ended, when the attempt fails, is replaced or ends with another size after bytes were sent', async () => {
    const key = await createKey(admin, { name: 'Streaming key', permission: 'FULL_ACCESS' });
    expect(
      await cutAfterFirstByte((m) => writer.query(`update export set status = 'FAILED', writing_attempt = null where id = $1`, [m.id]), key.token),
    ).toEqual({
      body: Buffer.from('id\n'),
      ended: false,
    });
    expect((await logsOf(key.id, 1))[0]).toMatchObject({ status_code: 200, response_body: { downloaded: false } });
    const replaced = await cutAfterFirstByte((m) => writer.query('update export set writing_attempt = $2 where id = $1', [m.id, randomUUID()]));
    expect(replaced.ended).toBe(false);
    const otherFile = await cutAfterFirstByte(async (m) => {
      const attempt = randomUUID();
      await insertChunk(m.id, attempt, 0, 'id\n');
      await writer.query(`update export set status = 'READY', file_attempt = $2, file_size = 3, writing_attempt = null where id = $1`, [m.id, attempt]);
    });
    expect(otherFile.ended).toBe(false);
    const wrongSize = await cutAfterFirstByte((m) => finish(m.id, m.attempt, 4));
    expect(wrongSize).toEqual({ body: Buffer.from('id\n'), ended: false });
    const deleted = await cutAfterFirstByte((m) => writer.query('delete from export where id = $1', [m.id]));
    expect(deleted.ended).toBe(false);
    const gaveUp = await cutAfterFirstByte((m) => writer.query('update export set writing_attempt = null where id = $1', [m.id]));
    expect(gaveUp.ended).toBe(false);
    // Each cut is logged with its reason.
    const restarted = 'The export was restarted while it was downloaded: download it again.';
    expect(h.logs.map((l) => [l.level, l.msg, l.reason])).toEqual([
      [40, 'export download cut short', 'This export failed.'],
      [40, 'export download cut short', restarted],
      [40, 'export download cut short', restarted],
      [40, 'export download cut short', 'Sent 3 bytes of 4.'],
      [40, 'export download cut short', 'Export not found.'],
      [40, 'export download cut short', restarted],
    ]);
    expect(h.logs.every((l) => typeof l.exportId === 'string')).toBe(true);
    h.logs.length = 0;
  });

  const beforeFirstByte = async (change: (made: Made) => Promise<unknown>) => {
    const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: [] });
    const pending = fetch(h.url(made.id), { headers: cookie(admin) });
    await new Promise((r) => setTimeout(r, 100));
    await change(made);
    await notify(made.id);
    return readAll(await pending);
  };

  it('before the first byte, a clear JSON answer instead: failed 409, gone 404, expired 409, wrong size 500', async () => {
    const failed = await beforeFirstByte((m) => writer.query(`update export set status = 'FAILED', writing_attempt = null where id = $1`, [m.id]));
    expect(failed).toMatchObject({ status: 409, json: error(409, 'export_not_ready', 'This export failed.') });
    expect(failed.headers.get('content-type')).toMatch(/^application\/json/);
    expect(failed.headers.get('content-disposition')).toBeNull();
    expect(failed.headers.get('cache-control')).toBeNull();
    expect((await beforeFirstByte((m) => writer.query('delete from export where id = $1', [m.id]))).json).toEqual(error(404, 'not_found', 'Export not found.'));
    expect((await beforeFirstByte((m) => writer.query(`update export set status = 'EXPIRED' where id = $1`, [m.id]))).json).toEqual(
      error(409, 'export_not_ready', 'This export is expired.'),
    );
    expect((await beforeFirstByte((m) => finish(m.id, m.attempt, 7))).json).toEqual(error(500, 'internal_server_error', 'Sent 0 bytes of 7.'));
  });

  it('a client that goes away while it follows (between two chunks) ends it at once, without one more statement, and frees its slot', async () => {
    const one = await serve({ slots: 1, waitSeconds: 0.3 });
    const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: ['id\n'] });
    const abort = new AbortController();
    const res = await fetch(one.url(made.id), { headers: cookie(admin), signal: abort.signal });
    await readAtLeast(res.body!.getReader(), 3, []);
    // Sent: it now sleeps until the next chunk or its 250 ms poll.
    await new Promise((r) => setTimeout(r, 60));
    const before = one.counts.downloading;
    const started = performance.now();
    abort.abort();
    await one.done.at(-1);
    expect(ms(started)).toBeLessThan(150);
    expect(one.counts.downloading - before).toBe(0);
    expect(one.listening()).toBe(0);
    const ready = await makeExport();
    expect((await get(one.url(ready.id))).status).toBe(200);
    expect(one.logs).toEqual([]);
  });
});

describe('a client that goes away while a download waits for the writer', () => {
  /** Until the handler ends, at most `ms`: a follower that spins after its client left never would. */
  const endsWithin = (h: Handler, ms: number) => Promise.race([h.done.at(-1)!.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

  it('in the middle of the rest of a file that became READY: ends as gone, nothing logged, its connection closed', { timeout: 30_000 }, async () => {
    const one = await serve({ slots: 1, waitSeconds: 0.3 });
    const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: ['id\n'] });
    const abort = new AbortController();
    const res = await fetch(one.url(made.id), { headers: cookie(admin), signal: abort.signal });
    const reader = res.body!.getReader();
    await readAtLeast(reader, 3, []);
    // The rest of the file and READY in one commit: the follower finds it READY and reads the rest at once.
    const mb = Buffer.alloc(1 << 20, 0x44);
    await writer.query('begin');
    for (let seq = 1; seq <= 16; seq++) await insertChunk(made.id, made.attempt, seq, mb);
    await finish(made.id, made.attempt, 3 + 16 * mb.length);
    await writer.query('commit');
    await notify(made.id);
    await readAtLeast(reader, 100_000, []);
    abort.abort();
    expect(await endsWithin(one, 5000)).toBe(true);
    // Not taken for a download that failed (a size that does not match), and the COPY not kept open.
    expect(one.logs).toEqual([]);
    expect(one.pool.totalCount).toBe(0);
  });

  it('while the next attempt is awaited (the last one gave up before the first byte): stops at once, without one more statement', async () => {
    const one = await serve({ slots: 1, waitSeconds: 0.3 });
    const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: [] });
    const abort = new AbortController();
    const pending = fetch(one.url(made.id), { headers: cookie(admin), signal: abort.signal }).catch((e: Error) => e);
    // Following the attempt: its state read and its (no) chunks read on a download connection.
    await waitFor(async () => (one.counts.downloading >= 2 ? true : undefined), 5000, 'the attempt followed');
    await writer.query('update export set writing_attempt = null where id = $1', [made.id]);
    await notify(made.id);
    // It read the state (no attempt now) and sleeps until the next change or its 250 ms poll.
    await waitFor(async () => (one.counts.downloading >= 3 ? true : undefined), 5000, 'the state read again');
    await new Promise((r) => setTimeout(r, 60));
    const before = one.counts.downloading;
    abort.abort();
    expect(await pending).toBeInstanceOf(Error);
    expect(await endsWithin(one, 1000)).toBe(true);
    expect(one.counts.downloading - before).toBe(0);
    expect(one.listening()).toBe(0);
  });
});

describe('a download of an export that has not started', () => {
  it('waits EXPORT_DOWNLOAD_WAIT_SECONDS, holding no slot, then 409 with Retry-After: 10', async () => {
    const h = await serve({ slots: 1, waitSeconds: 0.4 });
    const queued = await makeExport({ status: 'PROCESSING', chunks: [] });
    const started = performance.now();
    const pending = get(h.url(queued.id));
    // Meanwhile the one slot serves another download.
    const ready = await makeExport();
    expect((await get(h.url(ready.id))).status).toBe(200);
    const res = await pending;
    expect(ms(started)).toBeGreaterThanOrEqual(380);
    expect(res.status).toBe(409);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(res.json).toEqual(error(409, 'export_not_ready', 'This export is still waiting for its turn: try again in 10 seconds.'));
  });

  const startsWhileWaiting = async (change: (made: Made) => Promise<unknown>, announce = true) => {
    const h = await serve({ waitSeconds: 5 });
    const made = await makeExport({ status: 'PROCESSING', chunks: [] });
    const started = performance.now();
    const pending = fetch(h.url(made.id), { headers: cookie(admin) });
    await new Promise((r) => setTimeout(r, 100));
    await change(made);
    if (announce) await notify(made.id);
    return { res: await pending, made, started };
  };

  it('follows it once an attempt starts writing, announced or found by its poll', async () => {
    for (const announce of [true, false]) {
      const { res, made, started } = await startsWhileWaiting(async (m) => {
        await insertChunk(m.id, m.attempt, 0, 'id\n');
        await writer.query('update export set writing_attempt = $2 where id = $1', [m.id, m.attempt]);
      }, announce);
      expect(res.status).toBe(200);
      expect(ms(started)).toBeLessThan(announce ? 400 : 1000);
      expect(res.headers.get('content-length')).toBeNull();
      const reader = res.body!.getReader();
      const parts: Buffer[] = [];
      await readAtLeast(reader, 3, parts);
      await finish(made.id, made.attempt, 3);
      expect(await readRest(reader, parts)).toEqual({ body: Buffer.from('id\n'), ended: true });
    }
  });

  it('the file with its size if it became READY meanwhile; 409 if it failed or is gone', async () => {
    const { res, started } = await startsWhileWaiting(async (m) => {
      await insertChunk(m.id, m.attempt, 0, 'done\n');
      await writer.query(
        `update export set status = 'READY', file_attempt = $2, file_size = 5, completed_at = now(), expires_at = now() + interval '7 days' where id = $1`,
        [m.id, m.attempt],
      );
    });
    expect(ms(started)).toBeLessThan(1000);
    const got = await readAll(res);
    expect(got).toMatchObject({ status: 200, ended: true, body: Buffer.from('done\n') });
    expect(got.headers.get('content-length')).toBe('5');
    const failed = await readAll((await startsWhileWaiting((m) => writer.query(`update export set status = 'FAILED' where id = $1`, [m.id]))).res);
    expect(failed.json).toEqual(error(409, 'export_not_ready', 'This export failed.'));
    const gone = await readAll((await startsWhileWaiting((m) => writer.query('delete from export where id = $1', [m.id]))).res);
    expect(gone.json).toEqual(error(409, 'export_not_ready', 'This export failed.'));
  });

  it('a client that goes away while it waits ends the wait at once', async () => {
    const h = await serve({ waitSeconds: 5 });
    const made = await makeExport({ status: 'PROCESSING', chunks: [] });
    const abort = new AbortController();
    const pending = fetch(h.url(made.id), { headers: cookie(admin), signal: abort.signal }).catch(() => undefined);
    await waitFor(() => (h.done.length ? true : undefined), 2000, 'the request');
    await new Promise((r) => setTimeout(r, 100));
    // Woken and read again: it waits a whole poll (250 ms) from here.
    await notify(made.id);
    await new Promise((r) => setTimeout(r, 30));
    const started = performance.now();
    abort.abort();
    await pending;
    await h.done[0];
    expect(ms(started)).toBeLessThan(150);
  });
});

describe('a download that follows an export asks again whether its caller may download it', () => {
  /** Another admin of the team, signed in: their client and membership. */
  async function newAdmin() {
    const invite = await admin.gql(`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, {
      input: { email: uniqueEmail('second-admin'), role: 'ADMIN' },
    });
    const client = server.client();
    const joined = await client.gql(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id } }`, {
      input: { token: invite.data!.inviteMember.token, password: PASSWORD },
    });
    const [{ id }] = await sql<{ id: string }>(server.databaseUrl, 'select id from membership where user_id = $1 and team_id = $2', [
      joined.data!.acceptInvitation.id,
      teamId,
    ]);
    return { client, membershipId: id };
  }

  /**
   * A download (with `headers`) of a PROCESSING export whose attempt has written nothing yet, once it
   * follows that attempt; `change` made then, and the first chunk and READY written over half a second
   * later (two checks' time): the whole answer.
   */
  async function changedBeforeFirstByte(headers: Record<string, string>, change: () => Promise<unknown>): Promise<Got> {
    const h = await serve({ waitSeconds: 5 });
    const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: [] });
    const pending = fetch(h.url(made.id), { headers }).then((r) => readAll(r));
    // Following the attempt: its state read and its (no) chunks read on a download connection.
    await waitFor(async () => (h.counts.downloading >= 2 ? true : undefined), 5000, 'the attempt followed');
    await change();
    await new Promise((r) => setTimeout(r, 2 * FOLLOW_RECHECK_MS + 100));
    await insertChunk(made.id, made.attempt, 0, 'id\n');
    await finish(made.id, made.attempt, 3);
    return pending;
  }

  it('a key deleted meanwhile: 403 invalid_api_key before the first byte; cut short after it, nothing written since sent', async () => {
    const early = await createKey(admin, { name: 'Deleted before the first byte', permission: 'FULL_ACCESS' });
    const deleteKey = (id: string) => admin.gql('mutation($id: ID!) { deleteApiKey(id: $id) }', { id });
    expect((await changedBeforeFirstByte(bearer(early.token), () => deleteKey(early.id))).json).toEqual(error(403, 'invalid_api_key', 'API key is invalid.'));

    const key = await createKey(admin, { name: 'Deleted mid-file', permission: 'FULL_ACCESS' });
    const h = await serve({ waitSeconds: 5 });
    const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: ['id\n'] });
    const res = await fetch(h.url(made.id), { headers: bearer(key.token) });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const parts: Buffer[] = [];
    await readAtLeast(reader, 3, parts);
    await deleteKey(key.id);
    await new Promise((r) => setTimeout(r, 2 * FOLLOW_RECHECK_MS + 100));
    await insertChunk(made.id, made.attempt, 1, 'a\n');
    await finish(made.id, made.attempt, 5);
    expect(await readRest(reader, parts)).toEqual({ body: Buffer.from('id\n'), ended: false });
    expect(h.logs).toEqual([expect.objectContaining({ msg: 'export download cut short', reason: 'API key is invalid.', exportId: made.id })]);
  });

  it("a session's user removed from the team meanwhile: 401, the session has ended", async () => {
    const second = await newAdmin();
    const removed = await changedBeforeFirstByte(cookie(second.client), async () =>
      expect((await admin.gql('mutation($id: ID!) { removeMember(id: $id) }', { id: second.membershipId })).errors).toBeUndefined(),
    );
    expect(removed.json).toEqual(error(401, 'missing_api_key', 'Your session has ended: sign in again to download exports.'));
  });

  it('an admin made a member meanwhile: 403 forbidden', async () => {
    const second = await newAdmin();
    const demoted = await changedBeforeFirstByte(cookie(second.client), async () =>
      expect(
        (await admin.gql('mutation($id: ID!, $role: Role!) { updateMemberRole(id: $id, role: $role) { id } }', { id: second.membershipId, role: 'MEMBER' }))
          .errors,
      ).toBeUndefined(),
    );
    expect(demoted.json).toEqual(error(403, 'forbidden', 'Only admins can download exports.'));
  });

  it(`asks at most every FOLLOW_RECHECK_MS (${FOLLOW_RECHECK_MS} ms), not before every chunk`, async () => {
    // The server's ORM with its forks counted: one for the request, one for each time the caller is looked up again.
    const forks = { n: 0 };
    const orm = {
      em: {
        fork: () => {
          forks.n++;
          return services.orm.em.fork();
        },
      },
    } as unknown as MikroORM;
    const h = await serve({ orm, waitSeconds: 5 });
    const made = await makeExport({ status: 'PROCESSING', writing: true, chunks: ['c00\n'] });
    const res = await fetch(h.url(made.id), { headers: cookie(admin) });
    const reader = res.body!.getReader();
    const parts: Buffer[] = [];
    await readAtLeast(reader, 4, parts);
    const before = forks.n;
    const started = performance.now();
    // 20 chunks, each announced once the one before it has come: 20 wake-ups, each with a chunk to send.
    for (let seq = 1; seq <= 20; seq++) {
      await insertChunk(made.id, made.attempt, seq, `c${String(seq).padStart(2, '0')}\n`);
      await notify(made.id);
      await readAtLeast(reader, 4 * (seq + 1), parts);
    }
    const elapsed = ms(started);
    const checks = forks.n - before;
    await finish(made.id, made.attempt, 4 * 21);
    expect((await readRest(reader, parts)).ended).toBe(true);
    expect(checks).toBeLessThanOrEqual(1 + Math.floor(elapsed / FOLLOW_RECHECK_MS));
  });
});

describe('the audit trail', () => {
  const downloads = (id: string) =>
    sql<{ action: string; actor_id: string | null; actor_api_key_id: string | null; metadata: unknown }>(
      server.databaseUrl,
      `select action, actor_id, actor_api_key_id, metadata from audit_event where target_id = $1 order by created_at`,
      [id],
    );

  it('records each download served as export.downloaded, with who and { resource, whileWritten }; a refused one is not', async () => {
    const h = await serve({ waitSeconds: 5 });
    const ready = await makeExport({ resource: 'CONTACTS' });
    expect((await get(h.url(ready.id), cookie(member))).status).toBe(403);
    expect((await get(h.url(ready.id), {})).status).toBe(401);
    expect((await get(h.url(ready.id), bearer(sending.token))).status).toBe(401);
    expect(await downloads(ready.id)).toEqual([]);
    expect((await get(h.url(ready.id), bearer(full.token))).status).toBe(200);
    expect(await downloads(ready.id)).toEqual([
      { action: 'export.downloaded', actor_id: null, actor_api_key_id: full.id, metadata: { resource: 'CONTACTS', whileWritten: false } },
    ]);

    const { made, reader, parts } = await followFromFirst(h.url, 'id\n');
    await finish(made.id, made.attempt, 3);
    expect(await readRest(reader, parts)).toEqual({ body: Buffer.from('id\n'), ended: true });
    expect(await downloads(made.id)).toEqual([
      { action: 'export.downloaded', actor_id: adminId, actor_api_key_id: null, metadata: { resource: 'DOMAINS', whileWritten: true } },
    ]);
  });

  it('a download whose audit entry cannot be written is not served, and its slot is free again', async () => {
    const h = await serve({ slots: 1, waitSeconds: 0.3 });
    const made = await makeExport();
    await sql(
      server.databaseUrl,
      `create function refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit refused'; end $$;
       create trigger refuse_audit before insert on audit_event for each row when (new.target_id = '${made.id}') execute function refuse_audit();`,
    );
    try {
      const res = await get(h.url(made.id));
      expect(res.status).toBe(500);
      expect(res.headers.get('content-disposition')).toBeNull();
      expect(res.body.includes(made.bytes)).toBe(false);
    } finally {
      await sql(server.databaseUrl, 'drop trigger refuse_audit on audit_event; drop function refuse_audit()');
    }
    const next = await makeExport();
    expect(await get(h.url(next.id))).toMatchObject({ status: 200, body: next.bytes });
  });
});
