import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, sql, startTestServer, type TestServer } from './harness.js';

/*
 * Defects found by a third hostile review of the GraphQL layer: the query cost limit and the
 * graphql-ws server, each pinned with the request that showed it.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** A base64 DKIM public key as long as a 2048-bit one's. */
const DKIM = 'M'.repeat(392);

/** `count` domains for a team, written directly (creating 1,000 through the API makes 1,000 RSA key pairs). */
async function domains(teamId: string, count: number) {
  await sql(
    server.databaseUrl,
    `insert into domain (id, team_id, name, region, status, created_at, dkim_public_key)
     select gen_random_uuid(), $1, 'mail-' || i || '.example.com', 'us-east-1', 'not_started', now() - i * interval '1 second', $3
     from generate_series(1, $2) as i`,
    [teamId, count, DKIM],
  );
}

const RECORDS = 'records { record name fqdn type value priority status }';

describe('the query cost of `domains`', () => {
  it('counts a team’s real number of domains (up to 1,000), so aliases of `domains { records }` are refused with no data (13 of them answered megabytes)', async () => {
    const { client, user } = await signUpAdmin(server);
    await domains(user.team.id, 1000);
    const aliases = Array.from({ length: 13 }, (_, i) => `d${i}: domains { id name ${RECORDS} }`).join('\n');
    const res = await client.gql(`query Heavy { ${aliases} }`);
    expect(res.status).toBe(400);
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0].message).toMatch(/^Query is too costly: [\d,]+ exceeds the limit of 10,000/);
    // One list of every domain's records: about 700 kB at 1,000 domains, over the limit too.
    const one = await client.gql(`{ domains { id ${RECORDS} } }`);
    expect(one.data ?? null).toBeNull();
    expect(one.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers what the dashboard asks at 1,000 domains (the Domains page, the key dialog’s domains), and one domain’s records', async () => {
    const { client, user } = await signUpAdmin(server);
    await domains(user.team.id, 1000);
    const page = await client.gql<{ domains: { id: string }[] }>(`query DomainsPage { domains { id name region status createdAt } }`);
    expect(page.errors).toBeUndefined();
    expect(page.data?.domains).toHaveLength(1000);
    const names = await client.gql<{ domains: unknown[] }>(`query ApiKeyDomains { domains { id name } }`);
    expect(names.data?.domains).toHaveLength(1000);
    const one = await client.gql<{ domain: { records: unknown[] } }>(`query($id: ID!) { domain(id: $id) { id status checkedAt ${RECORDS} } }`, {
      id: page.data!.domains[0].id,
    });
    expect(one.errors).toBeUndefined();
    expect(one.data?.domain.records).toHaveLength(3);
  });

  it('answers `domains { records }` to a team with a few domains, aliased, beside variables of every kind', async () => {
    const { client, user } = await signUpAdmin(server);
    await domains(user.team.id, 30);
    const res = await client.gql<Record<string, unknown[]>>(
      `query($from: DateTimeISO, $p: Permission, $s: EmailStatus, $skip: Boolean!) {
        a: domains(filter: { from: $from }) { id ${RECORDS} }
        b: domains { id records @skip(if: $skip) { value } }
        apiKeys(filter: { permission: $p }) { id }
        emails(filter: { emailStatus: $s }, first: 5) { edges { node { id } } }
      }`,
      { from: '2020-01-01T00:00:00.000Z', p: 'FULL_ACCESS', s: 'SENT', skip: false },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.a).toHaveLength(30);
    expect(res.data?.b).toHaveLength(30);
  });
});
