// Exports attacked by a third reviewer: what broke, fixed, and pinned here as a client would notice it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INLINE_EXPORT_SLOTS } from '../src/modules/export/export.connections.js';
import { expireExports } from '../src/modules/export/export.service.js';
import { signUpAdmin, sql, startTestServer, type TestClient, type TestServer, waitFor } from './harness.js';

const CREATE = `mutation($input: CreateExportInput!) { createExport(input: $input) { id status rowCount downloadUrl } }`;

let server: TestServer;
let admin: TestClient;
let teamId: string;

beforeAll(async () => {
  server = await startTestServer({});
  const a = await signUpAdmin(server, 'Probed exports 3');
  admin = a.client;
  teamId = a.user.team.id;
  await admin.gql(`mutation { createDomain(input: { name: "a.example.com" }) { id } }`);
});

afterAll(async () => {
  await server?.stop();
});

describe('small exports, written during the request', () => {
  it("of one team, however many at once, leave another team's small export a connection: it is READY while they wait", { timeout: 60_000 }, async () => {
    // Every chunk of the busy team's exports waits on a lock the test holds: they hold their
    // connections for as long as the test wants.
    const LOCK = 770_301;
    await sql(
      server.databaseUrl,
      `create function probe_hold_chunks() returns trigger language plpgsql as $$
       begin if (select team_id from export where id = new.export_id) = '${teamId}' then perform pg_advisory_xact_lock(${LOCK}); end if; return new; end $$;
       create trigger probe_hold_chunks before insert on export_chunk for each row execute function probe_hold_chunks();`,
    );
    const holder = new pg.Client({ connectionString: server.databaseUrl });
    await holder.connect();
    await holder.query('select pg_advisory_lock($1)', [LOCK]);
    const busy: Promise<unknown>[] = [];
    try {
      for (let i = 0; i < INLINE_EXPORT_SLOTS + 1; i++) busy.push(admin.gql(CREATE, { input: { resource: 'DOMAINS' } }));
      // The busy team's exports are written (each waits on the lock) before the other team asks.
      const waiting = async () =>
        Number(
          (
            await sql<{ n: string }>(
              server.databaseUrl,
              `select count(*) as n from pg_locks where locktype = 'advisory' and objid = $1 and not granted and database = (select oid from pg_database where datname = current_database())`,
              [LOCK],
            )
          )[0].n,
        );
      await waitFor(async () => ((await waiting()) >= 1 ? true : undefined), 20_000, "the busy team's exports waiting on the lock");
      const other = await signUpAdmin(server, 'Quiet team');
      await other.client.gql(`mutation { createDomain(input: { name: "b.example.com" }) { id } }`);
      const started = Date.now();
      const quick = other.client.gql(CREATE, { input: { resource: 'DOMAINS' } });
      // Before, it queued behind the busy team's exports for a connection pair (until they were
      // done, or 30 s and RATE_LIMITED: "Every export connection of this server is busy").
      const answer = await Promise.race([quick, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), 10_000))]);
      expect(answer).not.toBe('waiting');
      expect((answer as Awaited<typeof quick>).data?.createExport).toMatchObject({ status: 'READY', rowCount: 1 });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await holder.query('select pg_advisory_unlock($1)', [LOCK]);
      await holder.end();
      await sql(server.databaseUrl, 'drop trigger probe_hold_chunks on export_chunk; drop function probe_hold_chunks()');
    }
    // The busy team's exports are all written once the lock is let go (one that waited too long
    // for its count, on a loaded machine, is taken as a large one and written in the background).
    for (const r of (await Promise.all(busy)) as { data?: { createExport: { status: string } } }[]) {
      expect(['READY', 'PROCESSING']).toContain(r.data?.createExport.status);
    }
  });
});

describe('the download of a READY export', () => {
  it('that expires while it waits to start answers 410 like any expired one, not a 500 that counted bytes', { timeout: 30_000 }, async () => {
    const exp = (await admin.gql(CREATE, { input: { resource: 'DOMAINS' } })).data!.createExport;
    expect(exp.status).toBe('READY');
    // The download has found the export READY and waits (for a slot, say; here, to write its
    // audit entry) when the sweep (expireExports) makes it EXPIRED and deletes its file.
    const sweep = new pg.Client({ connectionString: server.databaseUrl });
    await sweep.connect();
    try {
      await sweep.query('begin');
      await sweep.query('lock table audit_event in access exclusive mode');
      const download = fetch(exp.downloadUrl.replace(server.config.PUBLIC_URL, server.url), { headers: { cookie: admin.cookie! } });
      await waitFor(
        async () =>
          (await sql(server.databaseUrl, `select 1 from pg_locks where relation = 'audit_event'::regclass and not granted`)).length ? true : undefined,
        10_000,
        'the download waiting',
      );
      await sweep.query(`update export set status = 'EXPIRED', file_attempt = null, expires_at = now() where id = $1`, [exp.id]);
      await sweep.query('delete from export_chunk where export_id = $1', [exp.id]);
      await sweep.query('commit');
      const res = await download;
      // Before: 500 { name: 'internal_server_error', message: 'Sent 0 bytes of 73.' }.
      expect(res.status).toBe(410);
      expect(await res.json()).toMatchObject({ statusCode: 410, name: 'export_expired' });
    } finally {
      await sweep.end();
    }
  });
});

describe('the sweep of expired exports', () => {
  it('deletes the file of an export it made EXPIRED at a later sweep when the delete failed the first time', async () => {
    const exp = (await admin.gql(CREATE, { input: { resource: 'DOMAINS' } })).data!.createExport;
    const chunks = async () =>
      Number((await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from export_chunk where export_id = $1', [exp.id]))[0].n);
    expect(await chunks()).toBeGreaterThan(0);
    // The delete fails once (a statement timeout over a large file, the connection cut, a lock).
    await sql(
      server.databaseUrl,
      `create function probe_refuse_delete() returns trigger language plpgsql as $$ begin raise exception 'delete refused'; end $$;
       create trigger probe_refuse_delete before delete on export_chunk for each row execute function probe_refuse_delete();`,
    );
    try {
      await sql(server.databaseUrl, `update export set expires_at = now() - interval '1 minute' where id = $1`, [exp.id]);
      await expect(expireExports(server.app.services)).rejects.toThrow(/delete refused/);
    } finally {
      await sql(server.databaseUrl, 'drop trigger probe_refuse_delete on export_chunk; drop function probe_refuse_delete()');
    }
    const [{ status }] = await sql<{ status: string }>(server.databaseUrl, 'select status from export where id = $1', [exp.id]);
    expect(status).toBe('EXPIRED');
    // Before, the next sweeps looked only for READY exports: this one kept its file for ever.
    await expireExports(server.app.services);
    expect(await chunks()).toBe(0);
  });
});

describe('the emailed download link, opened in a browser that is not signed in', () => {
  // What Chromium and Firefox send when a link is opened.
  const NAVIGATION = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

  it("leads to the export's page, which asks to sign in and then offers Download; a client that is no browser still gets 401", async () => {
    const exp = (await admin.gql(CREATE, { input: { resource: 'DOMAINS' } })).data!.createExport;
    const link = exp.downloadUrl.replace(server.config.PUBLIC_URL, server.url);
    // Before: the JSON of a 401 ('Sign in or send a full-access API key to download exports.'), shown as the page.
    const opened = await fetch(link, { headers: { accept: NAVIGATION }, redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe(`${server.config.PUBLIC_URL}/exports/${exp.id}`);
    // curl, fetch, the SDKs: the API's answer as before.
    for (const accept of [undefined, '*/*', 'application/json']) {
      const res = await fetch(link, { headers: accept ? { accept } : {}, redirect: 'manual' });
      expect(res.status, accept).toBe(401);
      expect(await res.json()).toMatchObject({ statusCode: 401, name: 'missing_api_key' });
    }
    // Signed in, the browser gets the file; a wrong key is refused as before, whatever it accepts.
    const signedIn = await fetch(link, { headers: { accept: NAVIGATION, cookie: admin.cookie! }, redirect: 'manual' });
    expect(signedIn.status).toBe(200);
    expect((await signedIn.text()).split('\n')[0]).toBe('id,name,region,status,created_at');
    const badKey = await fetch(link, { headers: { accept: NAVIGATION, authorization: 'Bearer re_nope' }, redirect: 'manual' });
    expect(badKey.status).toBe(403);
    // What is no id at all is sent nowhere: the same 401 as any client gets.
    const junk = await fetch(`${server.url}/api/exports/..%2F..%2Fevil/download`, { headers: { accept: NAVIGATION }, redirect: 'manual' });
    expect(junk.status).toBe(401);
  });
});
