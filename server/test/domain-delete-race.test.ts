import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN_DELETED_ERROR } from '../src/modules/domain/domain.service.js';
import { sql, startTestServer, type TestServer, waitFor } from './harness.js';
import { api, sdk, setUpTeam } from './rest-harness.js';

// A send whose insert is under way when its domain is deleted. The insert had checked the domain
// before the delete committed, and was stored after it: the delete, looking for the domain's
// pending emails to stop, could not see it yet, and the email stayed queued to go out from a
// domain the team no longer had. Delivery is stopped on this server, so what the delete leaves
// behind is what stays.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  await server.app.services.emailDelivery.close();
});
afterAll(() => server?.stop());

/** Holds an uncommitted email under the idempotency key, so that a send with that key waits in its insert. */
async function holdIdempotencyKey(teamId: string, from: string, key: string) {
  const holder = new pg.Client({ connectionString: server.databaseUrl });
  await holder.connect();
  // Its own row takes no lock on the team (no foreign-key check), so only the key's index waits.
  await holder.query('set session_replication_role = replica');
  await holder.query('begin');
  await holder.query(
    `insert into email (id, team_id, "from", "to", cc, bcc, reply_to, subject, status, idempotency_key, created_at)
     values (gen_random_uuid(), $1, $2, '[]', '[]', '[]', '[]', 'held', 'queued', $3, now())`,
    [teamId, from, key],
  );
  return {
    release: async () => {
      await holder.query('rollback');
      await holder.end();
    },
  };
}

const insertWaiting = () =>
  // The writer's statement (email.writer.ts), by its start: the activity view keeps only a query's first 1,024 bytes.
  sql(server.databaseUrl, `select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like 'with allowed as (%'`);

describe('deleting a domain while a send from it is being stored', () => {
  it('the email is refused, or stored before the delete and stopped by it: never left queued from a deleted domain', async () => {
    const team = await setUpTeam(server, 'Racer', 'racer-delete.com');
    const held = await holdIdempotencyKey(team.teamId, 'x@racer-delete.com', 'racer-1');
    const send = sdk(server, team.sending.token).emails.send(
      { from: 'Racer <hello@racer-delete.com>', to: 'ada@example.org', subject: 'mid-delete', text: 'Hello' },
      { idempotencyKey: 'racer-1' },
    );
    // The send's insert has checked the domain and waits on the held row's key.
    await waitFor(async () => ((await insertWaiting()).length > 0 ? true : undefined), 10_000, "the send's insert to wait");
    const del = api(server, `/domains/${team.domainId}`, { method: 'DELETE', token: team.full.token });
    // Long enough for the delete to finish, had it nothing to wait for.
    await new Promise((r) => setTimeout(r, 1000));
    await held.release();
    const [sent, deleted] = await Promise.all([send, del]);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    const stored = await sql<{ status: string; error: string | null }>(
      server.databaseUrl,
      `select status, error from email where team_id = $1 and subject = 'mid-delete'`,
      [team.teamId],
    );
    if (sent.error) {
      expect(sent.error).toMatchObject({ name: 'validation_error' });
      expect(stored).toEqual([]);
    } else {
      expect(stored).toEqual([{ status: 'failed', error: DOMAIN_DELETED_ERROR }]);
    }
  }, 30_000);
});
