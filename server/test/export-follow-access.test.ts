import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../src/modules/export/export.file.js';
import { PASSWORD, signUpAdmin, sql, startTestServer, type TestClient, type TestServer, uniqueEmail, waitFor } from './harness.js';

// A download that follows a large export while it is written lasts as long as the export: the
// caller's right to it is asked again as it goes. A key deleted, or an admin made a member, while it
// followed went on receiving every row written afterwards, while the same key was refused anything
// else at once (and the export's progress subscription ended). The writer is paused at a chosen
// chunk by a trigger on export_chunk (this test's database only), as in export-stream.test.ts.

const CREATE = `mutation($input: CreateExportInput!) { createExport(input: $input) { id status streamUrl } }`;
const ROWS = 20_000;
const HOLD_LOCK = 4343;

let server: TestServer;
let owner: TestClient;
let teamId: string;
let holder: pg.Client;

const local = (link: string) => link.replace(server.config.PUBLIC_URL, server.url);

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

/** The rest of a body: whether it ended (or was cut short), and how many bytes came in all. */
async function readRest(reader: ReadableStreamDefaultReader<Uint8Array>, into: Buffer[]): Promise<{ ended: boolean; bytes: number }> {
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { ended: true, bytes: Buffer.concat(into).length };
      into.push(Buffer.from(value));
    }
  } catch {
    return { ended: false, bytes: Buffer.concat(into).length };
  }
}

const statusOf = async (id: string) => (await sql<{ status: string }>(server.databaseUrl, 'select status from export where id = $1', [id]))[0].status;

/** Pauses the team's export writer when it inserts chunk `seq` (until the test lets go of HOLD_LOCK). */
async function holdAt(seq: number) {
  await sql(server.databaseUrl, 'delete from follow_fault where team_id = $1', [teamId]);
  await sql(server.databaseUrl, 'insert into follow_fault (team_id, at_seq) values ($1, $2)', [teamId, seq]);
  await holder.query('select pg_advisory_lock($1)', [HOLD_LOCK]);
}

const release = () => holder.query('select pg_advisory_unlock($1)', [HOLD_LOCK]);

async function fullKey(name: string) {
  const key = await owner.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { id } } }`, {
    input: { name, permission: 'FULL_ACCESS' },
  });
  return { token: key.data!.createApiKey.token as string, id: key.data!.createApiKey.apiKey.id as string };
}

beforeAll(async () => {
  server = await startTestServer();
  const a = await signUpAdmin(server, 'Followers');
  owner = a.client;
  teamId = a.user.team.id;
  await sql(
    server.databaseUrl,
    `insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, created_at)
     select gen_random_uuid(), $1, null, null, 'POST', '/emails', 200, 'follow/1.0 ' || i, i % 50, now() - i * interval '1 second'
       from generate_series(1, $2::int) as i`,
    [teamId, ROWS],
  );
  await sql(
    server.databaseUrl,
    `create table follow_fault (team_id uuid primary key, at_seq int not null);
     create function follow_fault() returns trigger language plpgsql as $$
     begin
       if exists (select 1 from follow_fault f join export e on e.team_id = f.team_id where e.id = new.export_id and new.seq = f.at_seq) then
         perform pg_advisory_lock_shared(${HOLD_LOCK});
         perform pg_advisory_unlock_shared(${HOLD_LOCK});
       end if;
       return new;
     end $$;
     create trigger follow_fault before insert on export_chunk for each row execute function follow_fault();`,
  );
  holder = new pg.Client({ connectionString: server.databaseUrl });
  await holder.connect();
});

afterAll(async () => {
  await holder?.end();
  await server?.stop();
});

describe('a download following an export while it is written', () => {
  it('made with a key deleted meanwhile: cut short, nothing written after the deletion is sent', { timeout: 60_000 }, async () => {
    const key = await fullKey('Follow key');
    await holdAt(2);
    try {
      const created = (await owner.gql(CREATE, { input: { resource: 'LOGS' } })).data!.createExport;
      expect(created.status).toBe('PROCESSING');
      const res = await fetch(local(created.streamUrl), { headers: { authorization: `Bearer ${key.token}` } });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const parts: Buffer[] = [];
      expect(await readAtLeast(reader, 2 * CHUNK_BYTES, parts)).toBe(2 * CHUNK_BYTES);
      expect((await owner.gql(`mutation($id: ID!) { deleteApiKey(id: $id) }`, { id: key.id })).errors).toBeUndefined();
      // The key is refused everything else at once.
      expect((await fetch(local(created.streamUrl), { headers: { authorization: `Bearer ${key.token}` } })).status).toBe(403);
      await new Promise((r) => setTimeout(r, 400));
      await release();
      expect(await readRest(reader, parts)).toEqual({ ended: false, bytes: 2 * CHUNK_BYTES });
      await waitFor(async () => ((await statusOf(created.id)) === 'READY' ? true : undefined), 30_000, 'READY');
    } finally {
      await release().catch(() => undefined);
    }
  });

  it('by an admin made a member meanwhile: cut short; before the first byte, 403 as JSON', { timeout: 60_000 }, async () => {
    const invite = await owner.gql(`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, {
      input: { email: uniqueEmail('second-admin'), role: 'ADMIN' },
    });
    const second = server.client();
    const joined = await second.gql(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id } }`, {
      input: { token: invite.data!.inviteMember.token, password: PASSWORD },
    });
    const [{ id: membershipId }] = await sql<{ id: string }>(server.databaseUrl, 'select id from membership where user_id = $1 and team_id = $2', [
      joined.data!.acceptInvitation.id,
      teamId,
    ]);
    const setRole = async (role: string) =>
      expect(
        (await owner.gql(`mutation($id: ID!, $role: Role!) { updateMemberRole(id: $id, role: $role) { id } }`, { id: membershipId, role })).errors,
      ).toBeUndefined();

    await holdAt(2);
    try {
      const created = (await owner.gql(CREATE, { input: { resource: 'LOGS' } })).data!.createExport;
      const res = await fetch(local(created.streamUrl), { headers: { cookie: second.cookie! } });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const parts: Buffer[] = [];
      expect(await readAtLeast(reader, 2 * CHUNK_BYTES, parts)).toBe(2 * CHUNK_BYTES);
      await setRole('MEMBER');
      await new Promise((r) => setTimeout(r, 400));
      await release();
      expect(await readRest(reader, parts)).toEqual({ ended: false, bytes: 2 * CHUNK_BYTES });
      await waitFor(async () => ((await statusOf(created.id)) === 'READY' ? true : undefined), 30_000, 'READY');
    } finally {
      await release().catch(() => undefined);
    }

    // Made a member before anything was written: a clear answer, not the file.
    await setRole('ADMIN');
    await holdAt(0);
    try {
      const created = (await owner.gql(CREATE, { input: { resource: 'LOGS' } })).data!.createExport;
      const answer = fetch(local(created.streamUrl), { headers: { cookie: second.cookie! } });
      await waitFor(
        async () =>
          (await sql(server.databaseUrl, 'select 1 from export where id = $1 and writing_attempt is not null', [created.id])).length ? true : undefined,
        10_000,
        'the attempt to start',
      );
      await new Promise((r) => setTimeout(r, 300));
      await setRole('MEMBER');
      await new Promise((r) => setTimeout(r, 400));
      await release();
      const res = await answer;
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ statusCode: 403, name: 'forbidden', message: 'Only admins can download exports.' });
      await waitFor(async () => ((await statusOf(created.id)) === 'READY' ? true : undefined), 30_000, 'READY');
    } finally {
      await release().catch(() => undefined);
    }
  });
});
