import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killLeftovers, type Proc, type Sent, sendLoad, setUpTeam, sleep, spawnServer, stopProc, type Team } from './faults-harness.js';
import { createClient, createTestDatabase, sql, waitFor } from './harness.js';
import { type FaultyRelay, startFaultyRelay } from './smtp-faulty.js';

afterAll(() => killLeftovers());

/** kill -9: no shutdown, no flush, no cleanup. */
async function kill9(proc: Proc): Promise<void> {
  process.kill(proc.child.pid!, 'SIGKILL');
  await proc.exited;
}

describe('faults: kill -9 of an instance in the middle of its work; another instance takes over', () => {
  let databaseUrl: string;
  let relay: FaultyRelay;
  let team: Team;
  const env = () => ({
    DATABASE_URL: databaseUrl,
    SMTP_URL: relay.url,
    MAIL_LEASE_SECONDS: '2',
    MAIL_RETRY_SECONDS: '0.5',
    EXPORT_JOB_TIMEOUT_SECONDS: '4',
    JOBS_MAINTENANCE_SECONDS: '1',
  });
  let b: Proc | undefined;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('faults_crash');
    relay = await startFaultyRelay();
  });
  afterAll(async () => {
    if (b) await stopProc(b);
    await relay?.close();
  });

  it('sends, deliveries and an export cut short by kill -9 leave no half-written rows, and the next instance finishes them', async () => {
    const a = await spawnServer(env());
    team = await setUpTeam(a.url);
    const client = createClient(a.url);
    client.cookie = team.cookie;

    // Deliveries: the relay takes the messages but never answers, so A holds them 'sending'.
    relay.mode = 'hang';
    // An export large enough to run for a few seconds on A.
    await sql(
      databaseUrl,
      `insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, created_at)
       select gen_random_uuid(), $1, gen_random_uuid(), 'seed', 'POST', '/emails', 200, repeat('x', 200), i % 40, now() - i * interval '1 millisecond'
         from generate_series(1, 150000) as i`,
      [team.teamId],
    );
    const load = sendLoad(a.url, team, { loops: 3, pauseMs: 5, prefix: 'crash' });
    const created = await client.gql(`mutation { createExport(input: { resource: LOGS }) { id status } }`);
    const exportId = created.data!.createExport.id as string;
    expect(created.data!.createExport.status).toBe('PROCESSING');
    await waitFor(
      async () => {
        const [{ n }] = await sql<{ n: string }>(databaseUrl, 'select count(*) as n from export_chunk where export_id = $1', [exportId]);
        return Number(n) > 0 ? true : undefined;
      },
      30_000,
      'the export to be half written',
    );
    await waitFor(
      async () => {
        const [{ n }] = await sql<{ n: string }>(databaseUrl, `select count(*) as n from email where status = 'sending'`);
        return Number(n) > 0 ? true : undefined;
      },
      10_000,
      'emails held by the hung relay',
    );

    await kill9(a);
    const results: Sent[] = await load.stop();
    relay.mode = 'accept';

    // Nothing half-written: every acknowledged email is whole; the export is still PROCESSING with no file.
    const acked = results.filter((r) => r.status === 200).map((r) => r.id!);
    expect(acked.length).toBeGreaterThan(10);
    const stored = await sql<{ id: string }>(
      databaseUrl,
      `select id from email where id = any($1::uuid[]) and message_id is not null and subject like 'crash %'`,
      [acked],
    );
    expect(stored.length).toBe(acked.length);
    const [exp] = await sql<{ status: string; file_attempt: string | null }>(databaseUrl, 'select status, file_attempt from export where id = $1', [exportId]);
    expect(exp).toEqual({ status: 'PROCESSING', file_attempt: null });

    // B takes over: the lapsed claims and the expired job.
    b = await spawnServer(env());
    const all = await waitFor(
      async () => {
        const rows = await sql<{ status: string; message_id: string }>(databaseUrl, `select status, message_id from email where team_id = $1`, [team.teamId]);
        return rows.every((r) => r.status === 'sent') ? rows : undefined;
      },
      30_000,
      'every email to be sent by the second instance',
    );
    for (const row of all) expect(relay.delivered.filter((d) => d.messageId === row.message_id)).toHaveLength(1);
    const ready = await waitFor(
      async () => {
        const [row] = await sql<{ status: string; row_count: number; file_attempt: string }>(
          databaseUrl,
          'select status, row_count, file_attempt from export where id = $1',
          [exportId],
        );
        return row.status === 'READY' ? row : undefined;
      },
      60_000,
      'the export to be finished by the second instance',
    );
    // The seeded logs and those of the sends made before the export started; the file says the same.
    expect(ready.row_count).toBeGreaterThanOrEqual(150_000);
    const file = await fetch(`${b.url}/api/exports/${exportId}/download`, { headers: { cookie: team.cookie } });
    expect(file.status).toBe(200);
    const csv = await file.text();
    expect(csv.trimEnd().split('\n').length).toBe(ready.row_count + 1);
    // Only the finishing attempt's chunks are kept: the killed attempt's half file is gone.
    const attempts = await sql<{ attempt: string }>(databaseUrl, 'select distinct attempt from export_chunk where export_id = $1', [exportId]);
    expect(attempts).toEqual([{ attempt: ready.file_attempt }]);
  }, 180_000);

  it('an instance killed between the relay accepting a message and recording it: the next sends it again under the same Message-ID (at least once, deduplicated by Message-ID)', async () => {
    const victim = b!;
    b = undefined;
    relay.mode = 'accept-then';
    relay.beforeAnswer = () => process.kill(victim.child.pid!, 'SIGKILL');
    const res = await fetch(`${victim.url}/api/emails`, {
      method: 'POST',
      headers: { authorization: `Bearer ${team.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'app@faults.example.com', to: 'someone@example.org', subject: 'twice?', text: 'Hello' }),
    });
    const { id } = (await res.json()) as { id: string };
    await victim.exited;
    const [{ message_id: messageId }] = await sql<{ message_id: string }>(databaseUrl, 'select message_id from email where id = $1', [id]);
    expect(relay.delivered.filter((d) => d.messageId === messageId)).toHaveLength(1);
    relay.mode = 'accept';

    b = await spawnServer(env());
    await waitFor(
      async () => {
        const [row] = await sql<{ status: string }>(databaseUrl, 'select status from email where id = $1', [id]);
        return row.status === 'sent' ? true : undefined;
      },
      20_000,
      'the email to be sent by the next instance',
    );
    const copies = relay.delivered.filter((d) => d.subject === 'twice?');
    expect(copies).toHaveLength(2);
    expect(copies.every((c) => c.messageId === messageId)).toBe(true);
    await sleep(10);
  }, 120_000);
});
