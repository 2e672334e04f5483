import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, sql, startTestServer, type TestClient, type TestServer } from './harness.js';

/*
 * EXPORTS_PER_TEAM_PER_HOUR: a team's exports, small ones included (each keeps its file for 7
 * days), are limited per hour; a session could otherwise store one a request.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ EXPORTS_PER_TEAM_PER_HOUR: '3' });
});
afterAll(() => server?.stop());

const CREATE = `mutation { createExport(input: { resource: API_KEYS }) { id status } }`;
type Created = { data?: { createExport: { id: string; status: string } } | null; errors?: { message: string; extensions: Record<string, unknown> }[] };
const create = (client: TestClient) => client.gql(CREATE) as Promise<Created>;
const exportsOf = async (teamId: string) => Number((await sql(server.databaseUrl, `select count(*) from export where team_id = $1`, [teamId]))[0].count);

describe('EXPORTS_PER_TEAM_PER_HOUR', () => {
  it('refuses the export past the hour’s limit with RATE_LIMITED and the wait, stores nothing, and leaves other teams alone', async () => {
    const a = await signUpAdmin(server);
    for (let i = 0; i < 3; i++) expect((await create(a.client)).data?.createExport.status).toBe('READY');
    const refused = await create(a.client);
    expect(refused.data?.createExport ?? null).toBeNull();
    expect(refused.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect(refused.errors?.[0].message).toMatch(/3 exports in the last hour/);
    const wait = Number(refused.errors?.[0].extensions.retryAfter);
    expect(wait).toBeGreaterThan(3500);
    expect(wait).toBeLessThanOrEqual(3600);
    expect(await exportsOf(a.user.team.id)).toBe(3);
    // Another team's first export is not held up by it.
    const b = await signUpAdmin(server);
    expect((await create(b.client)).data?.createExport.status).toBe('READY');
  });

  it('counts exports created at once exactly: of 8 concurrent, 3 are created', async () => {
    const { client, user } = await signUpAdmin(server);
    const results = await Promise.all(Array.from({ length: 8 }, () => create(client)));
    expect(results.filter((r) => r.data?.createExport).length).toBe(3);
    expect(results.filter((r) => r.errors?.[0].extensions.code === 'RATE_LIMITED').length).toBe(5);
    expect(await exportsOf(user.team.id)).toBe(3);
  });

  it('lets the team export again once its oldest export of the hour is an hour old', async () => {
    const { client, user } = await signUpAdmin(server);
    for (let i = 0; i < 3; i++) expect((await create(client)).errors).toBeUndefined();
    expect((await create(client)).errors?.[0].extensions.code).toBe('RATE_LIMITED');
    await sql(
      server.databaseUrl,
      `update export set created_at = now() - interval '61 minutes' where id = (select id from export where team_id = $1 order by created_at limit 1)`,
      [user.team.id],
    );
    expect((await create(client)).data?.createExport.status).toBe('READY');
    expect((await create(client)).errors?.[0].extensions.code).toBe('RATE_LIMITED');
  });
});
