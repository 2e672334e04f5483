import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, count, createKey, MISSING_ID, sdk, setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let acme: Team;
let other: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  other = await setUpTeam(server, 'Other');
});
afterAll(() => server?.stop());

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

describe('POST /domains', () => {
  it('creates a domain in Resend’s shape, normalising the name', async () => {
    const { data, error } = await sdk(server, acme.full.token).domains.create({ name: 'Mail.Example.COM.', region: 'eu-west-1' });
    expect(error).toBeNull();
    expect(data).toEqual({
      object: 'domain',
      id: expect.any(String),
      name: 'mail.example.com',
      status: 'not_started',
      created_at: ISO,
      region: 'eu-west-1',
      capabilities: { sending: 'enabled', receiving: 'disabled' },
      records: [
        { record: 'SPF', name: 'send', type: 'MX', ttl: 'Auto', status: 'not_started', value: 'localhost', priority: 10 },
        { record: 'SPF', name: 'send', type: 'TXT', ttl: 'Auto', status: 'not_started', value: 'v=spf1 a:localhost ~all' },
        {
          record: 'DKIM',
          name: 'keyring._domainkey',
          type: 'TXT',
          ttl: 'Auto',
          status: 'not_started',
          value: expect.stringMatching(/^v=DKIM1; k=rsa; p=MIIBIjAN[A-Za-z0-9+/]+=*$/),
        },
      ],
    });
    const [row] = await sql(server.databaseUrl, 'select team_id, name, region from domain where id = $1', [data!.id]);
    expect(row).toEqual({ team_id: acme.teamId, name: 'mail.example.com', region: 'eu-west-1' });
    const [audit] = await sql(server.databaseUrl, 'select action, actor_api_key_id from audit_event where target_id = $1', [data!.id]);
    expect(audit).toEqual({ action: 'domain.created', actor_api_key_id: acme.full.id });
  });

  it('defaults the region to us-east-1', async () => {
    const { data } = await sdk(server, acme.full.token).domains.create({ name: 'default-region.com' });
    expect(data!.region).toBe('us-east-1');
  });

  const refused: [string, Record<string, unknown>, string][] = [
    ['an unknown region', { name: 'region.com', region: 'mars-1' }, 'invalid_region'],
    ['a region that is not a string', { name: 'region.com', region: 1 }, 'validation_error'],
    ['a missing name', { region: 'us-east-1' }, 'missing_required_field'],
    ['an invalid name', { name: 'not a domain' }, 'validation_error'],
    ['a name without a TLD', { name: 'localhost' }, 'validation_error'],
    ['a name that exists in the team', { name: 'ACME.com' }, 'validation_error'],
  ];
  for (const [label, body, name] of refused) {
    it(`refuses ${label} with 422 ${name} and writes nothing`, async () => {
      const before = await count(server, 'domain');
      const res = await api(server, '/domains', { method: 'POST', token: acme.full.token, body: JSON.stringify(body) });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, name, message: expect.stringMatching(/\w/) });
      expect(await count(server, 'domain')).toBe(before);
    });
  }

  it('the SDK reports an unknown region as invalid_region', async () => {
    const { error } = await sdk(server, acme.full.token).domains.create({ name: 'x.com', region: 'mars-1' as 'us-east-1' });
    expect(error).toEqual({
      statusCode: 422,
      name: 'invalid_region',
      message: 'Region must be one of us-east-1, eu-west-1, sa-east-1, ap-northeast-1.',
    });
  });

  it('another team may add a name this team uses', async () => {
    const { error } = await sdk(server, other.full.token).domains.create({ name: 'acme.com' });
    expect(error).toBeNull();
  });
});

describe('GET /domains and /domains/:id', () => {
  it("lists the team's domains only, newest first", async () => {
    const { data, error } = await sdk(server, acme.full.token).domains.list();
    expect(error).toBeNull();
    const rows = await sql<{ id: string }>(server.databaseUrl, 'select id from domain where team_id = $1 order by created_at desc, id desc', [acme.teamId]);
    expect(data!.object).toBe('list');
    expect(data!.has_more).toBe(false);
    expect(data!.data.map((d) => d.id)).toEqual(rows.map((r) => r.id));
    expect(data!.data.find((d) => d.id === acme.domainId)).toEqual({
      id: acme.domainId,
      name: 'acme.com',
      status: 'not_started',
      created_at: ISO,
      region: 'us-east-1',
      capabilities: { sending: 'enabled', receiving: 'disabled' },
    });
  });

  it('gets one domain with its records; the private key is never answered', async () => {
    const { data, error } = await sdk(server, acme.full.token).domains.get(acme.domainId);
    expect(error).toBeNull();
    expect(data).toMatchObject({ object: 'domain', id: acme.domainId, name: 'acme.com' });
    expect(data!.records.map((r) => `${r.record} ${r.type} ${r.name}`)).toEqual(['SPF MX send', 'SPF TXT send', 'DKIM TXT keyring._domainkey']);
    expect(JSON.stringify(data)).not.toMatch(/PRIVATE KEY|dkim_private/i);
  });

  it("answers another team's domain exactly like a missing one", async () => {
    const resend = sdk(server, acme.full.token);
    const theirs = await resend.domains.get(other.domainId);
    expect(theirs.error).toEqual({ statusCode: 404, name: 'not_found', message: 'Domain not found.' });
    expect((await resend.domains.get(MISSING_ID)).error).toEqual(theirs.error);
    expect((await resend.domains.get('nope')).error).toEqual(theirs.error);
  });
});

describe('DELETE /domains/:id', () => {
  it('removes a domain', async () => {
    const resend = sdk(server, acme.full.token);
    const created = (await resend.domains.create({ name: 'remove-me.com' })).data!;
    const { data, error } = await resend.domains.remove(created.id);
    expect(error).toBeNull();
    expect(data).toEqual({ object: 'domain', id: created.id, deleted: true });
    expect((await resend.domains.get(created.id)).error).toMatchObject({ statusCode: 404, name: 'not_found' });
    expect(await count(server, 'domain', 'id = $1', [created.id])).toBe(0);
  });

  it('refuses to remove a domain a key is restricted to', async () => {
    const resend = sdk(server, acme.full.token);
    const created = (await resend.domains.create({ name: 'tied.com' })).data!;
    await createKey(acme.admin, { name: 'Tied', permission: 'SENDING_ACCESS', domainId: created.id });
    const { error } = await resend.domains.remove(created.id);
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(/restricted to this domain/) });
    expect(await count(server, 'domain', 'id = $1', [created.id])).toBe(1);
  });

  it("answers another team's domain like a missing one, and leaves it alone", async () => {
    const resend = sdk(server, acme.full.token);
    const theirs = await resend.domains.remove(other.domainId);
    expect(theirs.error).toEqual({ statusCode: 404, name: 'not_found', message: 'Domain not found.' });
    expect((await resend.domains.remove(MISSING_ID)).error).toEqual(theirs.error);
    expect(await count(server, 'domain', 'id = $1', [other.domainId])).toBe(1);
  });
});
