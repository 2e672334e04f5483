import 'reflect-metadata';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessServer, sendEmail, setUpTeam, startInProcess, type Team } from './faults-harness.js';
import { createClient, createTestDatabase, PASSWORD, sql, uniqueEmail, waitFor } from './harness.js';

/**
 * A request's connection killed (pg_terminate_backend) in the middle of the request: the request
 * is held on a table lock another session takes, its backend is found waiting on that lock, and
 * killed. The client must get a clear 503 (never a 500, never a hang), nothing may be half-written,
 * and the same request must work right after, without a restart.
 */
async function killMidStatement<T>(
  databaseUrl: string,
  table: string,
  fire: () => Promise<T>,
  { mode = 'access exclusive', query = `%${table}%` } = {},
): Promise<T> {
  const locker = new pg.Client({ connectionString: databaseUrl });
  await locker.connect();
  try {
    await locker.query('begin');
    await locker.query(`lock table ${table} in ${mode} mode`);
    const lockerPid = (await locker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
    const answer = fire();
    const pid = await waitFor(
      async () => {
        const rows = await sql<{ pid: number; query: string }>(
          databaseUrl,
          `select pid from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and pid <> $1 and query ilike $2
              and query not ilike 'with claimed as%' and query not ilike 'update email set status = ''sending''%'`,
          [lockerPid, query],
        );
        return rows[0]?.pid;
      },
      10_000,
      `a statement on ${table} to wait on the lock`,
    );
    await sql(databaseUrl, 'select pg_terminate_backend($1)', [pid]);
    await locker.query('rollback');
    return await answer;
  } finally {
    await locker.end().catch(() => undefined);
  }
}

/** The email writer's statement (its text names the table past what pg_stat_activity keeps). */
const WRITER = { query: 'with allowed as%' };

type Gql = { status: number; errors?: { message: string; extensions?: { code?: string; retryAfter?: number } }[]; data?: Record<string, any> | null };

function expectUnavailable(res: Gql) {
  // GraphQL answers a resolver's error with HTTP 200; the error says what it is.
  expect(res.status).not.toBe(500);
  expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfter: 2 });
  expect(res.errors?.[0]?.message).not.toMatch(/terminat|administrator|insert|select|update/i);
}

describe('faults probe: a connection killed in the middle of each kind of request', () => {
  let server: InProcessServer;
  let databaseUrl: string;
  let team: Team;
  const admin = () => {
    const c = createClient(server.url);
    c.cookie = team.cookie;
    return c;
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('faults_probe');
    server = await startInProcess(databaseUrl, { DATABASE_STATEMENT_TIMEOUT_SECONDS: '20' });
    team = await setUpTeam(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('POST /api/emails: 503 with Retry-After, no email kept, and the next send works', async () => {
    const before = await sql<{ n: string }>(databaseUrl, 'select count(*) as n from email');
    const res = await killMidStatement(databaseUrl, 'email', () => sendEmail(server.url, team, 'cut'), WRITER);
    expect({ status: res.status, name: res.name, retryAfter: res.retryAfter }).toEqual({ status: 503, name: 'service_unavailable', retryAfter: '2' });
    const after = await sql<{ n: string }>(databaseUrl, 'select count(*) as n from email');
    expect(after[0].n).toBe(before[0].n);
    expect((await sendEmail(server.url, team, 'after')).status).toBe(200);
  }, 30_000);

  it('POST /api/emails/batch: 503, none of the batch kept', async () => {
    const before = await sql<{ n: string }>(databaseUrl, 'select count(*) as n from email');
    const res = await killMidStatement(
      databaseUrl,
      'email',
      () =>
        fetch(`${server.url}/api/emails/batch`, {
          method: 'POST',
          headers: { authorization: `Bearer ${team.token}`, 'content-type': 'application/json' },
          body: JSON.stringify([1, 2, 3].map((i) => ({ from: 'app@faults.example.com', to: 'a@example.org', subject: `b${i}`, text: 'x' }))),
          signal: AbortSignal.timeout(15_000),
        }),
      WRITER,
    );
    const body = (await res.json()) as { name?: string; message?: string };
    expect({ status: res.status, name: body.name, retryAfter: res.headers.get('retry-after') }).toEqual({
      status: 503,
      name: 'service_unavailable',
      retryAfter: '2',
    });
    const after = await sql<{ n: string }>(databaseUrl, 'select count(*) as n from email');
    expect(after[0].n).toBe(before[0].n);
  }, 30_000);

  it('createApiKey: SERVICE_UNAVAILABLE, and no key without its audit event', async () => {
    const res = (await killMidStatement(databaseUrl, 'audit_event', () =>
      admin().gql(`mutation { createApiKey(input: { name: "cut-key", permission: SENDING_ACCESS }) { token apiKey { id } } }`),
    )) as Gql;
    expectUnavailable(res);
    const keys = await sql(databaseUrl, `select id from api_key where name = 'cut-key'`);
    expect(keys).toHaveLength(0);
    const again = (await admin().gql(`mutation { createApiKey(input: { name: "after-key", permission: SENDING_ACCESS }) { token apiKey { id } } }`)) as Gql;
    expect(again.errors).toBeUndefined();
  }, 30_000);

  it('rollApiKey: SERVICE_UNAVAILABLE, the old token still works and no roll is half-kept', async () => {
    const created = (await admin().gql(`mutation { createApiKey(input: { name: "roll-key", permission: FULL_ACCESS }) { token apiKey { id } } }`)) as Gql;
    const { token, apiKey } = created.data!.createApiKey;
    const res = (await killMidStatement(databaseUrl, 'audit_event', () =>
      admin().gql(`mutation($id: ID!) { rollApiKey(id: $id, input: { gracePeriodSeconds: 0 }) { token } }`, { id: apiKey.id }),
    )) as Gql;
    expectUnavailable(res);
    const rolled = await sql(databaseUrl, `select id from audit_event where action = 'api_key.rolled' and target_id = $1`, [apiKey.id]);
    expect(rolled).toHaveLength(0);
    const send = await sendEmail(server.url, { ...team, token }, 'old token');
    expect(send.status).toBe(200);
  }, 30_000);

  it('inviteMember and acceptInvitation: SERVICE_UNAVAILABLE, nothing half-kept, and both work after', async () => {
    const email = uniqueEmail('cut-invite');
    const res = (await killMidStatement(databaseUrl, 'audit_event', () =>
      admin().gql(`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, { input: { email, role: 'MEMBER' } }),
    )) as Gql;
    expectUnavailable(res);
    expect(await sql(databaseUrl, 'select id from invitation where email = $1', [email])).toHaveLength(0);

    const ok = (await admin().gql(`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, {
      input: { email, role: 'MEMBER' },
    })) as Gql;
    expect(ok.errors).toBeUndefined();
    const invitee = createClient(server.url);
    const accept = (await killMidStatement(databaseUrl, 'audit_event', () =>
      invitee.gql(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id } }`, {
        input: { token: ok.data!.inviteMember.token, password: PASSWORD },
      }),
    )) as Gql;
    expectUnavailable(accept);
    expect(await sql(databaseUrl, `select u.id from app_user u where u.email = $1`, [email])).toHaveLength(0);
    const again = (await invitee.gql(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id } }`, {
      input: { token: ok.data!.inviteMember.token, password: PASSWORD },
    })) as Gql;
    expect(again.errors).toBeUndefined();
  }, 30_000);

  it('createExport (small, written during the request): SERVICE_UNAVAILABLE, and not PROCESSING for ever', async () => {
    const res = (await killMidStatement(databaseUrl, 'export_chunk', () =>
      admin().gql(`mutation { createExport(input: { resource: EMAILS }) { id status } }`),
    )) as Gql;
    expectUnavailable(res);
    await waitFor(
      async () => {
        const rows = await sql<{ status: string }>(databaseUrl, `select status from export where team_id = $1`, [team.teamId]);
        return rows.every((r) => r.status !== 'PROCESSING') ? rows : undefined;
      },
      15_000,
      'no export left PROCESSING',
    );
    const again = (await admin().gql(`mutation { createExport(input: { resource: EMAILS }) { id status } }`)) as Gql;
    expect(again.errors).toBeUndefined();
    expect(again.data!.createExport.status).toBe('READY');
  }, 40_000);

  it('verifyDomain: SERVICE_UNAVAILABLE, and verifying works after', async () => {
    const [domain] = await sql<{ id: string }>(databaseUrl, 'select id from domain where team_id = $1', [team.teamId]);
    const res = (await killMidStatement(
      databaseUrl,
      'domain',
      () => admin().gql(`mutation($id: ID!) { verifyDomain(id: $id) { id status } }`, { id: domain.id }),
      { mode: 'exclusive' },
    )) as Gql;
    expectUnavailable(res);
    const again = (await admin().gql(`mutation($id: ID!) { verifyDomain(id: $id) { id status } }`, { id: domain.id })) as Gql;
    expect(again.errors).toBeUndefined();
  }, 30_000);

  it("usage logs: a send answered 503 is logged and counted, and the log count and the key's count agree", async () => {
    await waitFor(
      async () => {
        const [row] = await sql<{ logs: string; count: number }>(
          databaseUrl,
          'select (select count(*) from usage_log where api_key_id = $1) as logs, request_count as count from api_key where id = $1',
          [team.keyId],
        );
        return Number(row.logs) === row.count && row.count > 0 ? row : undefined;
      },
      10_000,
      'the usage logs and the key count to agree',
    );
    const logged = await sql<{ status_code: number }>(databaseUrl, 'select status_code from usage_log where api_key_id = $1 and status_code = 503', [
      team.keyId,
    ]);
    expect(logged.length).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('usage-log flush: killed while it waits, the logs are written once when it is retried, and the key count agrees', async () => {
    const count = async () =>
      (
        await sql<{ logs: string; count: number }>(
          databaseUrl,
          'select (select count(*) from usage_log where api_key_id = $1) as logs, request_count as count from api_key where id = $1',
          [team.keyId],
        )
      )[0];
    const before = await waitFor(
      async () => {
        const c = await count();
        return Number(c.logs) === c.count ? c : undefined;
      },
      10_000,
      'the logs so far to be written',
    );
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table usage_log in access exclusive mode');
      for (let i = 0; i < 3; i++) expect((await sendEmail(server.url, team, `flush ${i}`)).status).toBe(200);
      const lockerPid = (await locker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
      const pid = await waitFor(
        async () =>
          (
            await sql<{ pid: number }>(
              databaseUrl,
              `select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> $1`,
              [lockerPid],
            )
          )[0]?.pid,
        10_000,
        'the flush to wait on usage_log',
      );
      await sql(databaseUrl, 'select pg_terminate_backend($1)', [pid]);
      await locker.query('rollback');
    } finally {
      await locker.end().catch(() => undefined);
    }
    const after = await waitFor(
      async () => {
        const c = await count();
        return Number(c.logs) >= Number(before.logs) + 3 ? c : undefined;
      },
      15_000,
      'the held logs to be written',
    );
    await new Promise((r) => setTimeout(r, 1500));
    const settled = await count();
    expect(settled).toEqual(after);
    expect({ logs: Number(settled.logs), count: settled.count }).toEqual({ logs: Number(before.logs) + 3, count: before.count + 3 });
  }, 40_000);

  it('createExport (large, written in the background): its writer killed mid-file, it is retried and READY, not PROCESSING for ever', async () => {
    // 1,100 more emails: past the 1,000 rows written during the request.
    for (let b = 0; b < 11; b++) {
      const sent = await fetch(`${server.url}/api/emails/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${team.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(
          Array.from({ length: 100 }, (_, i) => ({ from: 'app@faults.example.com', to: 'a@example.org', subject: `bulk ${b} ${i}`, text: 'x' })),
        ),
      });
      expect(sent.status).toBe(200);
    }
    let res: Gql | undefined;
    await killMidStatement(databaseUrl, 'export_chunk', async () => {
      res = (await admin().gql(`mutation { createExport(input: { resource: EMAILS }) { id status } }`)) as Gql;
    });
    expect(res!.errors).toBeUndefined();
    expect(res!.data!.createExport.status).toBe('PROCESSING');
    const { id } = res!.data!.createExport;
    const done = await waitFor(
      async () => {
        const [row] = await sql<{ status: string; row_count: number | null }>(databaseUrl, 'select status, row_count from export where id = $1', [id]);
        return row.status !== 'PROCESSING' ? row : undefined;
      },
      30_000,
      'the export to be written',
    );
    expect(done.status).toBe('READY');
    const file = await fetch(`${server.url}/api/exports/${id}/download`, { headers: { cookie: team.cookie } });
    expect(file.status).toBe(200);
    expect((await file.text()).trim().split('\n').length - 1).toBe(done.row_count);
  }, 60_000);
});

describe('faults probe: a slow database (a lock held past DATABASE_STATEMENT_TIMEOUT_SECONDS) in the middle of a mutation', () => {
  it('createApiKey, rollApiKey and inviteMember answer SERVICE_UNAVAILABLE within the timeout and keep nothing of it', async () => {
    const databaseUrl = await createTestDatabase('faults_probe');
    const server = await startInProcess(databaseUrl, { DATABASE_STATEMENT_TIMEOUT_SECONDS: '1' });
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      const team = await setUpTeam(server.url);
      const admin = createClient(server.url);
      admin.cookie = team.cookie;
      await locker.query('begin');
      await locker.query('lock table audit_event in access exclusive mode');
      const email = uniqueEmail('slow-invite');
      for (const [query, variables] of [
        [`mutation { createApiKey(input: { name: "slow-key", permission: SENDING_ACCESS }) { token } }`, {}],
        [`mutation($id: ID!) { rollApiKey(id: $id, input: { gracePeriodSeconds: 0 }) { token } }`, { id: team.keyId }],
        [`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, { input: { email, role: 'MEMBER' } }],
      ] as const) {
        const t0 = performance.now();
        const res = (await admin.gql(query, variables)) as Gql;
        expect(performance.now() - t0).toBeLessThan(3000);
        expectUnavailable(res);
      }
      await locker.query('rollback');
      expect(await sql(databaseUrl, `select id from api_key where name = 'slow-key'`)).toHaveLength(0);
      expect(await sql(databaseUrl, 'select id from invitation where email = $1', [email])).toHaveLength(0);
      // The key was not rolled: its token still sends.
      expect((await sendEmail(server.url, team, 'not rolled')).status).toBe(200);
    } finally {
      await locker.end().catch(() => undefined);
      await server.stop();
    }
  }, 60_000);
});

describe('faults probe: an export download while export_chunk is locked (a slow database)', () => {
  it('gives up within the statement timeout (503, or the connection cut), not waiting for as long as the lock is held', async () => {
    const databaseUrl = await createTestDatabase('faults_probe');
    const server = await startInProcess(databaseUrl, { DATABASE_STATEMENT_TIMEOUT_SECONDS: '1' });
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      const team = await setUpTeam(server.url);
      const admin = createClient(server.url);
      admin.cookie = team.cookie;
      const created = (await admin.gql(`mutation { createExport(input: { resource: EMAILS }) { id status } }`)) as Gql;
      const { id } = created.data!.createExport;
      await locker.query('begin');
      await locker.query('lock table export_chunk in access exclusive mode');
      const t0 = performance.now();
      const answer = await fetch(`${server.url}/api/exports/${id}/download`, { headers: { cookie: team.cookie }, signal: AbortSignal.timeout(20_000) }).then(
        async (res) => ({ status: res.status, body: await res.text().catch(() => 'cut') }),
        (err: Error) => ({ status: 0, body: err.name }),
      );
      expect(answer.body).not.toBe('TimeoutError');
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect([0, 503]).toContain(answer.status);
      await locker.query('rollback');
      const again = await fetch(`${server.url}/api/exports/${id}/download`, { headers: { cookie: team.cookie } });
      expect(again.status).toBe(200);
    } finally {
      await locker.end().catch(() => undefined);
      await server.stop();
    }
  }, 60_000);
});
