import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUpAdmin, sql, startTestServer, type TestClient, type TestServer, uniqueEmail } from './harness.js';

const CREATE = `mutation($input: CreateDomainInput!) { createDomain(input: $input) { id name region status createdAt } }`;
const DELETE = `mutation($id: ID!) { deleteDomain(id: $id) }`;
const LIST = `{ domains { id name region status } }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** `n` labels of the longest length DNS allows, joined by dots. */
const labels = (n: number) => Array.from({ length: n }, () => 'a'.repeat(63)).join('.');

const domainCount = async (teamId: string) =>
  Number((await sql<{ n: string }>(server.databaseUrl, 'select count(*) as n from domain where team_id = $1', [teamId]))[0].n);

async function create(client: TestClient, name: string, region?: string) {
  const res = await client.gql(CREATE, { input: { name, ...(region ? { region } : {}) } });
  if (res.errors) throw new Error(`createDomain failed: ${JSON.stringify(res.errors)}`);
  return res.data!.createDomain as { id: string; name: string; region: string; status: string };
}

/** A client signed in as a MEMBER of the admin's team. */
async function memberOf(admin: TestClient): Promise<TestClient> {
  const invited = await admin.gql(`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, {
    input: { email: uniqueEmail('member') },
  });
  const member = server.client();
  const res = await member.gql(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { role } }`, {
    input: { token: invited.data!.inviteMember.token, password: PASSWORD },
  });
  expect(res.data?.acceptInvitation.role).toBe('MEMBER');
  return member;
}

describe('domains: happy path', () => {
  it('creates a domain with its name in lower case, region us-east-1 by default and status not_started', async () => {
    const { client } = await signUpAdmin(server);
    const res = await client.gql(CREATE, { input: { name: '  Mail.Example.COM. ' } });
    expect(res.errors).toBeUndefined();
    const domain = res.data!.createDomain;
    expect(domain).toMatchObject({ name: 'mail.example.com', region: 'us-east-1', status: 'not_started' });
    expect(domain.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(new Date(domain.createdAt).getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('accepts a name of 234 characters, the longest whose DKIM record (keyring._domainkey.<name>) fits in DNS’s 253', async () => {
    const { client } = await signUpAdmin(server);
    const name = `${labels(3)}.${'b'.repeat(42)}`;
    expect(name).toHaveLength(234);
    expect((await create(client, name)).name).toBe(name);
  });

  it.each(['us-east-1', 'eu-west-1', 'sa-east-1', 'ap-northeast-1'])('accepts region %s', async (region) => {
    const { client } = await signUpAdmin(server);
    expect((await create(client, 'example.com', region)).region).toBe(region);
  });

  it('lists only the team’s own domains, newest first', async () => {
    const { client } = await signUpAdmin(server);
    const other = await signUpAdmin(server);
    await create(other.client, 'theirs.com');
    expect((await client.gql(LIST)).data?.domains).toEqual([]);
    const a = await create(client, 'a.example.com');
    const b = await create(client, 'b.example.com', 'eu-west-1');
    const list = await client.gql(LIST);
    expect(list.data?.domains).toEqual([
      { id: b.id, name: 'b.example.com', region: 'eu-west-1', status: 'not_started' },
      { id: a.id, name: 'a.example.com', region: 'us-east-1', status: 'not_started' },
    ]);
  });

  it('a MEMBER can list the team’s domains', async () => {
    const admin = await signUpAdmin(server);
    const domain = await create(admin.client, 'shared.example.com');
    const member = await memberOf(admin.client);
    expect((await member.gql(LIST)).data?.domains.map((d: { id: string }) => d.id)).toEqual([domain.id]);
  });

  it('deletes a domain: it leaves the list and the name can be used again', async () => {
    const { client, user } = await signUpAdmin(server);
    const domain = await create(client, 'gone.example.com');
    const res = await client.gql(DELETE, { id: domain.id });
    expect(res.errors).toBeUndefined();
    expect(res.data?.deleteDomain).toBe(domain.id);
    expect((await client.gql(LIST)).data?.domains).toEqual([]);
    expect(await domainCount(user.team.id)).toBe(0);
    await create(client, 'gone.example.com');
  });

  it('the same name may exist in two teams', async () => {
    const one = await signUpAdmin(server);
    const two = await signUpAdmin(server);
    await create(one.client, 'common.example.com');
    await create(two.client, 'common.example.com');
  });
});

describe('domains: errors', () => {
  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['without a dot', 'nodot'],
    ['with an underscore', 'bad_domain.com'],
    ['with a leading hyphen', '-a.com'],
    ['with a trailing hyphen in a label', 'a-.com'],
    ['with an empty label', 'a..com'],
    ['with a numeric top-level label', 'example.123'],
    ['with a space', 'bad domain.com'],
    ['with a scheme', 'https://example.com'],
    ['of 300 characters', `${labels(4)}.${'b'.repeat(40)}.com`],
    ['of 254 characters', `${labels(3)}.${'b'.repeat(62)}`],
    ['with a 64-character label', `${'a'.repeat(64)}.com`],
  ])('a name %s is BAD_USER_INPUT on name and writes nothing', async (label, name) => {
    if (label.startsWith('of ')) expect(name).toHaveLength(Number(label.split(' ')[1]));
    const { client, user } = await signUpAdmin(server);
    const res = await client.gql(CREATE, { input: { name } });
    expect(res.data).toBeNull();
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(await domainCount(user.team.id)).toBe(0);
  });

  it.each(['us-east-2', '', 'US-EAST-1', 'mars-1'])('region %j is BAD_USER_INPUT on region and writes nothing', async (region) => {
    const { client, user } = await signUpAdmin(server);
    const res = await client.gql(CREATE, { input: { name: 'example.com', region } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'region' });
    expect(res.errors?.[0].message).toContain('us-east-1');
    expect(await domainCount(user.team.id)).toBe(0);
  });

  it('a duplicate name, in any case, is BAD_USER_INPUT on name', async () => {
    const { client, user } = await signUpAdmin(server);
    await create(client, 'dup.example.com');
    for (const name of ['dup.example.com', 'DUP.Example.com', 'dup.example.com.']) {
      const res = await client.gql(CREATE, { input: { name, region: 'eu-west-1' } });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
      expect(res.errors?.[0].message).not.toMatch(/constraint|duplicate key/i);
    }
    expect(await domainCount(user.team.id)).toBe(1);
  });

  it('simultaneous creates of one name make one domain', async () => {
    const { client, user } = await signUpAdmin(server);
    const results = await Promise.all(['race.example.com', 'RACE.example.com', 'Race.Example.Com'].map((name) => client.gql(CREATE, { input: { name } })));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    for (const r of results.filter((r) => r.errors)) {
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    }
    expect(await domainCount(user.team.id)).toBe(1);
  });

  it('deleting an unknown, malformed or already deleted id is NOT_FOUND', async () => {
    const { client } = await signUpAdmin(server);
    const domain = await create(client, 'once.example.com');
    await client.gql(DELETE, { id: domain.id });
    for (const id of [domain.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid', "1' or '1'='1", '']) {
      const res = await client.gql(DELETE, { id });
      expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
  });
});

describe('domains: security', () => {
  it("another team's domain id is NOT_FOUND on delete, exactly like a missing id, and is kept", async () => {
    const mine = await signUpAdmin(server);
    const theirs = await signUpAdmin(server);
    const domain = await create(theirs.client, 'theirs.example.com');
    const res = await mine.client.gql(DELETE, { id: domain.id });
    const missing = await mine.client.gql(DELETE, { id: '00000000-0000-4000-8000-000000000000' });
    expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(res.errors?.[0].message).toBe(missing.errors?.[0].message);
    expect((await theirs.client.gql(LIST)).data?.domains.map((d: { id: string }) => d.id)).toEqual([domain.id]);
  });

  it('a MEMBER cannot create or delete a domain', async () => {
    const admin = await signUpAdmin(server);
    const domain = await create(admin.client, 'kept.example.com');
    const member = await memberOf(admin.client);
    const created = await member.gql(CREATE, { input: { name: 'member.example.com' } });
    expect(created.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const deleted = await member.gql(DELETE, { id: domain.id });
    expect(deleted.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await domainCount(admin.user.team.id)).toBe(1);
  });

  it('a signed-out caller gets UNAUTHENTICATED for list, create and delete', async () => {
    const admin = await signUpAdmin(server);
    const domain = await create(admin.client, 'private.example.com');
    const anonymous = server.client();
    for (const res of [
      await anonymous.gql(LIST),
      await anonymous.gql(CREATE, { input: { name: 'anon.example.com' } }),
      await anonymous.gql(DELETE, { id: domain.id }),
    ]) {
      expect(res.data).toBeNull();
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(await domainCount(admin.user.team.id)).toBe(1);
  });

  it('domain changes are recorded in the audit trail', async () => {
    const { client, user } = await signUpAdmin(server);
    const domain = await create(client, 'audited.example.com');
    await client.gql(DELETE, { id: domain.id });
    const rows = await sql<{ action: string; actor_id: string }>(
      server.databaseUrl,
      `select action, actor_id from audit_event where target_id = $1 order by created_at`,
      [domain.id],
    );
    expect(rows).toEqual([
      { action: 'domain.created', actor_id: user.id },
      { action: 'domain.deleted', actor_id: user.id },
    ]);
  });
});
