import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, sql, startTestServer, type TestServer } from './harness.js';

/*
 * Defects found by attacking a running server over GraphQL (POST /graphql and the graphql-ws
 * subscriptions), each pinned here with the request that showed it.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const exportsOf = async (teamId: string) => (await sql<{ id: string }>(server.databaseUrl, 'select id from export where team_id = $1', [teamId])).length;

describe('createExport: a JSON filter written in the query text', () => {
  it.each([
    ['an enum value where a string belongs', '{ emailStatus: SENT }', 'filters.emailStatus', 'SENT'],
    ['an unquoted word', '{ status: sent }', 'filters.status', 'sent'],
    ['an unquoted word in a list', '{ status: [sent] }', 'filters.status.0', 'sent'],
  ])('holding %s is refused naming the field, and no export is written (it was read as no filter: every email)', async (_label, literal, field, word) => {
    const { client, user } = await signUpAdmin(server);
    for (const op of [
      `mutation { createExport(input: { resource: EMAILS, filters: ${literal} }) { id filters } }`,
      `query { exportEstimate(input: { resource: EMAILS, filters: ${literal} }) { rowCount } }`,
    ]) {
      const res = await client.gql(op);
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
      expect(res.errors?.[0].message).toContain(`write it as a string ("${word}")`);
    }
    expect(await exportsOf(user.team.id)).toBe(0);
    expect(await sql(server.databaseUrl, `select 1 from audit_event where team_id = $1 and action = 'export.created'`, [user.team.id])).toEqual([]);
  });

  it('the same filter quoted, or given through a variable, still works', async () => {
    const { client, user } = await signUpAdmin(server);
    const quoted = await client.gql(`mutation { createExport(input: { resource: EMAILS, filters: { emailStatus: "SENT" } }) { filters } }`);
    expect(quoted.errors).toBeUndefined();
    expect(quoted.data?.createExport.filters).toEqual({ emailStatus: 'sent' });
    const variable = await client.gql(`mutation($f: JSON) { createExport(input: { resource: EMAILS, filters: $f }) { filters } }`, {
      f: { emailStatus: 'SENT' },
    });
    expect(variable.errors).toBeUndefined();
    expect(variable.data?.createExport.filters).toEqual({ emailStatus: 'sent' });
    expect(await exportsOf(user.team.id)).toBe(2);
  });
});
