import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, sql, startTestServer, type TestServer } from './harness.js';

/* Defects found in the Domains list and its export, each pinned with the request that showed it. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe('the DOMAINS export', () => {
  it('lists domains added in the same instant in the order the Domains page does (it took them the other way round)', async () => {
    const { client, user } = await signUpAdmin(server);
    for (const name of ['one', 'two', 'three', 'four']) {
      const res = await client.gql(`mutation($name: String!) { createDomain(input: { name: $name }) { id } }`, { name: `${name}.example.com` });
      expect(res.errors).toBeUndefined();
    }
    await sql(server.databaseUrl, `update domain set created_at = '2026-06-01T00:00:00Z' where team_id = $1`, [user.team.id]);
    const page = await client.gql<{ domains: { name: string }[] }>(`{ domains { name } }`);
    const listed = page.data!.domains.map((d) => d.name);
    expect(listed).toHaveLength(4);
    const res = await client.gql(`mutation { createExport(input: { resource: DOMAINS }) { downloadUrl } }`);
    expect(res.errors).toBeUndefined();
    const csv = await (
      await fetch(String(res.data!.createExport.downloadUrl).replace(server.config.PUBLIC_URL, server.url), { headers: { cookie: client.cookie! } })
    ).text();
    const [header, ...rows] = csv.trim().split('\n');
    const column = header.split(',').indexOf('name');
    expect(rows.map((r) => r.split(',')[column])).toEqual(listed);
  });
});
