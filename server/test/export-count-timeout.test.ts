import 'reflect-metadata';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, sql, startTestServer, type TestClient, type TestServer, waitFor } from './harness.js';

/*
 * Counting an export's first 1,001 rows can read a whole table when the filter matches few rows.
 * Past EXPORT_COUNT_TIMEOUT_MS the count gives up: the estimate says "more than 1,000" and the
 * export runs in the background, where it counts as it writes. Here the count is held up by a
 * lock on the table, the surest way to make it slow (the planner's estimate waits on it too).
 */
const COUNT_TIMEOUT_MS = 1000;
let server: TestServer;
let admin: TestClient;
let teamId: string;
beforeAll(async () => {
  server = await startTestServer({ EXPORT_COUNT_TIMEOUT_MS: String(COUNT_TIMEOUT_MS) });
  const signedUp = await signUpAdmin(server, 'Slow count');
  admin = signedUp.client;
  teamId = signedUp.user.team.id;
  await sql(
    server.databaseUrl,
    `insert into contact (id, team_id, email, unsubscribed, created_at, updated_at)
     select gen_random_uuid(), $1, 'slow' || i || '@example.org', false, now() - i * interval '1 ms', now() from generate_series(1, 3) i`,
    [teamId],
  );
});
afterAll(() => server?.stop());

/** Holds an exclusive lock on the contact table until released. */
async function lockContacts() {
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  await client.query('begin');
  await client.query('lock table contact in access exclusive mode');
  return async () => {
    await client.query('rollback');
    await client.end();
  };
}

describe('an export whose count takes too long', () => {
  it('is estimated as more than 1,000 rows instead of waiting', async () => {
    const release = await lockContacts();
    try {
      const res = await admin.gql('{ exportEstimate(input: { resource: CONTACTS }) { rowCount exact } }');
      expect(res.data).toEqual({ exportEstimate: { rowCount: 1001, exact: false } });
    } finally {
      await release();
    }
    // Unhindered, the same count is exact.
    const res = await admin.gql('{ exportEstimate(input: { resource: CONTACTS }) { rowCount exact } }');
    expect(res.data).toEqual({ exportEstimate: { rowCount: 3, exact: true } });
  });

  it('runs in the background, and its file holds every row once it can be read', async () => {
    const release = await lockContacts();
    let id: string;
    try {
      const res = await admin.gql('mutation { createExport(input: { resource: CONTACTS }) { id status rowCount estimatedRowCount } }');
      expect(res.errors).toBeUndefined();
      expect(res.data!.createExport).toMatchObject({ status: 'PROCESSING', rowCount: null, estimatedRowCount: 1001 });
      id = res.data!.createExport.id;
    } finally {
      await release();
    }
    const ready = await waitFor(
      async () => {
        const r = await admin.gql('query($id: ID!) { export(id: $id) { status rowCount } }', { id });
        return r.data!.export.status === 'READY' ? r.data!.export : undefined;
      },
      20_000,
      'the export to be READY',
    );
    expect(ready).toEqual({ status: 'READY', rowCount: 3 });
  });

  it('gives up within one EXPORT_COUNT_TIMEOUT_MS for the count and the estimate together, not one each', async () => {
    const release = await lockContacts();
    try {
      for (const query of [
        '{ exportEstimate(input: { resource: CONTACTS }) { rowCount exact } }',
        'mutation { createExport(input: { resource: CONTACTS }) { status estimatedRowCount } }',
      ]) {
        const started = performance.now();
        const res = await admin.gql(query);
        const took = performance.now() - started;
        expect(res.errors).toBeUndefined();
        // Both statements wait on the lock until they are cut short: with a timeout each, the
        // answer took two timeouts at the least; with one deadline, one and the request's own work.
        expect(took).toBeLessThan(1.8 * COUNT_TIMEOUT_MS);
      }
    } finally {
      await release();
    }
  });
});

describe("a burst of one team's exports", () => {
  it('counts at most TEAM_COUNTS (2) at once, each holding a database connection; the rest wait their turn without one, or go on without a count, and other teams are served', async () => {
    const release = await lockContacts();
    const other = (await signUpAdmin(server, 'Neighbour')).client;
    try {
      // Eight at once, every count held by the lock. Watched from PostgreSQL: how many counts
      // wait on it at the same time (each one a connection of the server's pool held).
      let settled = false;
      const burst = Promise.all(
        Array.from({ length: 8 }, async () => {
          const res = await admin.gql('mutation { createExport(input: { resource: CONTACTS }) { status } }');
          return res.errors?.[0].extensions?.code ?? res.data!.createExport.status;
        }),
      ).finally(() => {
        settled = true;
      });
      let most = 0;
      while (!settled) {
        const [{ n }] = await sql<{ n: number }>(
          server.databaseUrl,
          `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%count(*)%'`,
        );
        most = Math.max(most, n);
        await new Promise((r) => setTimeout(r, 10));
      }
      const codes = await burst;
      expect(most).toBeGreaterThanOrEqual(1);
      expect(most).toBeLessThanOrEqual(2);
      for (const c of codes) expect(['PROCESSING', 'RATE_LIMITED']).toContain(c);
      // Another team is served meanwhile.
      expect((await other.gql('{ exports(first: 5) { edges { node { id } } } }')).errors).toBeUndefined();
      // Three estimates at once: two count, the third waits its turn (holding no connection) and,
      // none coming within the count's share of the deadline, says "more than 1,000".
      const estimate = '{ exportEstimate(input: { resource: CONTACTS }) { rowCount exact } }';
      const asked = Promise.all([1, 2, 3].map(() => admin.gql(estimate)));
      let waitingMost = 0;
      let done = false;
      void asked.finally(() => {
        done = true;
      });
      while (!done) {
        const [{ n }] = await sql<{ n: number }>(
          server.databaseUrl,
          `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%count(*)%'`,
        );
        waitingMost = Math.max(waitingMost, n);
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(waitingMost).toBeLessThanOrEqual(2);
      for (const r of await asked) expect(r.data).toEqual({ exportEstimate: { rowCount: 1001, exact: false } });
    } finally {
      await release();
    }
  });
});
