import 'reflect-metadata';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, sql, startTestServer, type TestServer, waitFor } from './harness.js';

/*
 * Changes to one key that arrive together run one after another, each on what the one before
 * left: one made after a delete is NOT_FOUND, not a success on a key that is gone (a roll handed
 * out a token that could never work, and the audit trail read "deleted, rolled, updated").
 */
let server: TestServer;
let admin: Awaited<ReturnType<typeof signUpAdmin>>;
beforeAll(async () => {
  server = await startTestServer();
  admin = await signUpAdmin(server, 'Races');
});
afterAll(() => server?.stop());

const CREATE = 'mutation($name: String!) { createApiKey(input: { name: $name, permission: FULL_ACCESS }) { token apiKey { id } } }';
const createKey = async (name: string) => (await admin.client.gql(CREATE, { name })).data!.createApiKey.apiKey.id as string;
const audit = async (id: string) =>
  (await sql<{ action: string }>(server.databaseUrl, 'select action from audit_event where target_id = $1 order by created_at, id', [id])).map((r) => r.action);
const waiting = async () =>
  Number(
    (
      await sql<{ n: string }>(server.databaseUrl, `select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`)
    )[0].n,
  );

describe('changes to one key made at once', () => {
  it('after a delete, a roll and an edit that were waiting are NOT_FOUND and audited as nothing', async () => {
    const id = await createKey('Raced');
    // Hold the key's row, so that the three queue behind it in this order.
    const holder = new pg.Client({ connectionString: server.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from api_key where id = $1 for update', [id]);
      const deleted = admin.client.gql('mutation($id: ID!) { deleteApiKey(id: $id) }', { id });
      await waitFor(async () => ((await waiting()) >= 1 ? true : undefined), 5000, 'the delete to wait');
      const rolled = admin.client.gql('mutation($id: ID!) { rollApiKey(id: $id, input: { gracePeriodSeconds: 0 }) { token } }', { id });
      await waitFor(async () => ((await waiting()) >= 2 ? true : undefined), 5000, 'the roll to wait');
      const updated = admin.client.gql('mutation($id: ID!) { updateApiKey(id: $id, input: { name: "after delete", enabled: false }) { name } }', { id });
      await waitFor(async () => ((await waiting()) >= 3 ? true : undefined), 5000, 'the edit to wait');
      await holder.query('commit');
      expect((await deleted).errors).toBeUndefined();
      expect((await rolled).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect((await updated).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    } finally {
      await holder.end();
    }
    expect(await audit(id)).toEqual(['api_key.created', 'api_key.deleted']);
  });

  it('eight deletes of one key: one succeeds, the rest are NOT_FOUND, one audit event', async () => {
    const id = await createKey('Deleted eight times');
    const results = await Promise.all(Array.from({ length: 8 }, () => admin.client.gql('mutation($id: ID!) { deleteApiKey(id: $id) }', { id })));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0].extensions?.code === 'NOT_FOUND')).toHaveLength(7);
    expect(await audit(id)).toEqual(['api_key.created', 'api_key.deleted']);
  });

  it('two rolls at once: the token each returns works until the next roll, and the second keeps the first as its previous token', async () => {
    const id = await createKey('Rolled twice');
    const roll = () =>
      admin.client.gql('mutation($id: ID!) { rollApiKey(id: $id, input: { gracePeriodSeconds: 600 }) { token apiKey { tokenStart previousTokenStart } } }', {
        id,
      });
    const [a, b] = await Promise.all([roll(), roll()]);
    const tokens = [a, b].map((r) => r.data!.rollApiKey);
    // Whichever ran second kept the other's token as its previous one: both work now.
    const second = tokens.find((t) => tokens.some((o) => o !== t && t.apiKey.previousTokenStart === o.apiKey.tokenStart));
    expect(second).toBeDefined();
    for (const { token } of tokens) {
      const res = await fetch(`${server.url}/api/domains`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    }
  });
});
