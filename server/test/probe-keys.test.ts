import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin, sql, startTestServer, type TestServer } from './harness.js';
import { api, count, createDomain, createKey, setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let t: Team;
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  t = await setUpTeam(server, 'Probe', 'example.com');
}, 60_000);
afterAll(() => server?.stop());

const send = (token: string, from: string, extra: Record<string, unknown> = {}) =>
  api(server, '/emails', { method: 'POST', token, body: JSON.stringify({ from, to: 'z@x.com', subject: 's', text: 't', ...extra }) });

describe('an internationalised sending domain, added in its punycode form', () => {
  it('sends from its Unicode spelling too: a key tied to it accepts it, the Message-ID is ASCII, and deleting the domain stops it', async () => {
    const domainId = await createDomain(t.admin, 'xn--bcher-kva.example');
    const tied = await createKey(t.admin, { name: 'idn', permission: 'SENDING_ACCESS', domainId });

    // The same domain, as a person writes it: the tied key and an unrestricted key both send.
    const byTied = await send(tied.token, 'Ann <ann@bücher.example>');
    expect(byTied.status, JSON.stringify(byTied.body)).toBe(200);
    const byAny = await send(t.sending.token, 'ann@BÜCHER.example');
    expect(byAny.status, JSON.stringify(byAny.body)).toBe(200);
    const got = await api(server, `/emails/${(byTied.body as { id: string }).id}`, { token: t.full.token });
    expect(got.body).toMatchObject({ from: 'Ann <ann@bücher.example>', message_id: expect.stringMatching(/@xn--bcher-kva\.example>$/) });

    // Another domain's key is still refused it, and another name is still another domain.
    const other = await createKey(t.admin, { name: 'ex', permission: 'SENDING_ACCESS', domainId: t.domainId });
    expect((await send(other.token, 'ann@bücher.example')).body).toMatchObject({ statusCode: 403, name: 'invalid_from_address' });
    expect((await send(tied.token, 'ann@bucher.example')).body).toMatchObject({ statusCode: 403, name: 'invalid_from_address' });

    // A scheduled email from the Unicode spelling is stopped when the domain goes.
    const scheduled = await send(t.sending.token, 'ann@bücher.example', { scheduled_at: 'in 1 hour' });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    await api(server, `/api-keys/${tied.id}`, { method: 'DELETE', token: t.full.token });
    expect((await api(server, `/domains/${domainId}`, { method: 'DELETE', token: t.full.token })).status).toBe(200);
    const [row] = await sql<{ status: string }>(server.databaseUrl, 'select status from email where id = $1', [(scheduled.body as { id: string }).id]);
    expect(row.status).toBe('canceled');
  });
});

describe('how many domains a team holds', () => {
  it('at most 1,000, as GET /domains answers every one of them: the next is refused on REST and GraphQL, concurrent adds included, and nothing is written', async () => {
    const { client, user } = await signUpAdmin(server, 'Many');
    const full = await createKey(client, { name: 'full', permission: 'FULL_ACCESS' });
    // 997 added directly (each add makes an RSA key pair): the team is three short of the limit.
    await sql(
      server.databaseUrl,
      `insert into domain (id, team_id, name, region, status, created_at)
       select gen_random_uuid(), $1, 'd' || i || '.example', 'us-east-1', 'not_started', now() from generate_series(1, 997) as i`,
      [user.team.id],
    );
    // Five adds at once for the three places left: three are taken, two refused.
    const adds = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => api(server, '/domains', { method: 'POST', token: full.token, body: JSON.stringify({ name: `new${i}.example` }) })),
    );
    expect(adds.map((r) => r.status).sort()).toEqual([200, 200, 200, 422, 422]);
    for (const r of adds.filter((a) => a.status === 422)) {
      expect(r.body).toEqual({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(/at most 1,000 domains/) });
    }
    expect(await count(server, 'domain', 'team_id = $1', [user.team.id])).toBe(1000);
    const gql = await client.gql('mutation { createDomain(input: { name: "one-more.example" }) { id } }');
    expect(gql.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/at most 1,000 domains/) });
    const all = await api(server, '/domains', { token: full.token });
    expect(all.body).toMatchObject({ has_more: false });
    expect((all.body as { data: unknown[] }).data).toHaveLength(1000);
    expect(await count(server, 'audit_event', "team_id = $1 and action = 'domain.created'", [user.team.id])).toBe(3);
    // Another team is not held to this one's count.
    expect((await api(server, '/domains', { method: 'POST', token: t.full.token, body: JSON.stringify({ name: 'elsewhere.example' }) })).status).toBe(200);
  }, 60_000);
});

describe("REST: a key's permission", () => {
  it("is full_access or sending_access, and a name Object.prototype has (constructor, toString, __proto__) is refused in REST's words, changing nothing", async () => {
    for (const permission of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const before = await count(server, 'api_key');
      const created = await api(server, '/api-keys', { method: 'POST', token: t.full.token, body: JSON.stringify({ name: 'p', permission }) });
      expect(created.body).toEqual({ statusCode: 422, name: 'invalid_parameter', message: '`permission` must be `full_access` or `sending_access`.' });
      const patched = await api(server, `/api-keys/${t.sending.id}`, { method: 'PATCH', token: t.full.token, body: JSON.stringify({ permission }) });
      expect(patched.body).toEqual({ statusCode: 422, name: 'invalid_parameter', message: '`permission` must be `full_access` or `sending_access`.' });
      expect(await count(server, 'api_key')).toBe(before);
    }
    const [key] = await sql<{ permission: string }>(server.databaseUrl, 'select permission from api_key where id = $1', [t.sending.id]);
    expect(key.permission).toBe('SENDING_ACCESS');
  });
});

describe('a domain deleted while its DNS records are being checked', () => {
  let slow: TestServer;
  let quiet: dgram.Socket;
  beforeAll(async () => {
    // A DNS server that never answers: a check takes its resolver's whole timeout, seconds.
    quiet = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => quiet.bind(0, '127.0.0.1', () => resolve()));
    slow = await startTestServer({ RATE_LIMIT_PER_SECOND: '0', DNS_SERVERS: `127.0.0.1:${quiet.address().port}` });
  }, 60_000);
  afterAll(async () => {
    await slow?.stop();
    quiet?.close();
  });

  it('the check answers not found, on REST and GraphQL, and the audit trail has no status change after the delete', async () => {
    const team = await setUpTeam(slow, 'Slow', 'slow.example');
    const verifying = api(slow, `/domains/${team.domainId}/verify`, { method: 'POST', token: team.full.token });
    await new Promise((r) => setTimeout(r, 300));
    expect((await api(slow, `/domains/${team.domainId}`, { method: 'DELETE', token: team.full.token })).status).toBe(200);
    expect(await verifying).toMatchObject({ status: 404, body: { statusCode: 404, name: 'not_found', message: 'Domain not found.' } });

    const other = await createDomain(team.admin, 'other.example');
    const verifyingGql = team.admin.gql('mutation($id: ID!) { verifyDomain(id: $id) { id status } }', { id: other });
    await new Promise((r) => setTimeout(r, 300));
    expect((await team.admin.gql('mutation($id: ID!) { deleteDomain(id: $id) }', { id: other })).data).toEqual({ deleteDomain: other });
    const answer = await verifyingGql;
    expect(answer.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const audit = await sql<{ action: string }>(
      slow.databaseUrl,
      "select action from audit_event where team_id = $1 and action like 'domain.%' order by created_at, action",
      [team.teamId],
    );
    expect(audit.map((a) => a.action)).toEqual(['domain.created', 'domain.deleted', 'domain.created', 'domain.deleted']);
  }, 60_000);
});

describe("a rolled key's previous token, when the key expires first", () => {
  it('is shown stopping when the key expires, not at the end of a grace period it will never reach', async () => {
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const key = await createKey(t.admin, { name: 'expiring', permission: 'FULL_ACCESS', expiresAt });
    const rolled = await t.admin.gql(
      'mutation($id: ID!) { rollApiKey(id: $id, input: { gracePeriodSeconds: 604800 }) { apiKey { expiresAt previousTokenExpiresAt previousTokenStart } } }',
      { id: key.id },
    );
    expect(rolled.errors).toBeUndefined();
    expect(rolled.data!.rollApiKey.apiKey).toEqual({ expiresAt, previousTokenExpiresAt: expiresAt, previousTokenStart: key.token.slice(0, 8) });
    // Once the key has expired, no token of it works: nothing is shown as still working.
    await sql(server.databaseUrl, "update api_key set expires_at = now() - interval '1 second' where id = $1", [key.id]);
    const after = await t.admin.gql('query($id: ID!) { apiKey(id: $id) { previousTokenExpiresAt previousTokenStart } }', { id: key.id });
    expect(after.data!.apiKey).toEqual({ previousTokenExpiresAt: null, previousTokenStart: null });
  });
});

describe('an empty domain id', () => {
  it("is refused, never read as 'no domain': an edit does not lift a key's restriction, a create makes no key", async () => {
    const tied = await createKey(t.admin, { name: 'tied', permission: 'SENDING_ACCESS', domainId: t.domainId });
    const domainOf = async () =>
      (await sql<{ domain_id: string | null }>(server.databaseUrl, 'select domain_id from api_key where id = $1', [tied.id]))[0].domain_id;

    const gql = await t.admin.gql('mutation($id: ID!, $input: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $input) { id } }', {
      id: tied.id,
      input: { domainId: '' },
    });
    expect(gql.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'domainId' }, message: expect.stringMatching(/null/) });
    expect(await domainOf()).toBe(t.domainId);
    const rest = await api(server, `/api-keys/${tied.id}`, { method: 'PATCH', token: t.full.token, body: JSON.stringify({ domain_id: '' }) });
    expect(rest.body).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(/null/) });
    expect(await domainOf()).toBe(t.domainId);
    // The send it was tied for is still the only one it may make.
    expect((await send(tied.token, 'a@elsewhere.example')).body).toMatchObject({ name: 'invalid_from_address' });

    const before = await count(server, 'api_key');
    const created = await api(server, '/api-keys', {
      method: 'POST',
      token: t.full.token,
      body: JSON.stringify({ name: 'meant to be tied', permission: 'sending_access', domain_id: '' }),
    });
    expect(created.body).toMatchObject({ statusCode: 422, name: 'validation_error' });
    const createdGql = await t.admin.gql('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token } }', {
      input: { name: 'meant to be tied', permission: 'SENDING_ACCESS', domainId: '' },
    });
    expect(createdGql.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'domainId' } });
    expect(await count(server, 'api_key')).toBe(before);

    // null still lifts the restriction, as documented.
    const lifted = await api(server, `/api-keys/${tied.id}`, { method: 'PATCH', token: t.full.token, body: JSON.stringify({ domain_id: null }) });
    expect(lifted.body).toMatchObject({ domain_id: null });
  });
});

describe("a key's name", () => {
  it('may not hold a line or paragraph separator (U+2028, U+2029): line breaks, as LF and NEL are, refused on GraphQL and REST, changing nothing', async () => {
    const before = await count(server, 'api_key');
    for (const name of ['Prod\u2028Key', 'Prod\u2029Key']) {
      const gql = await t.admin.gql('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token } }', {
        input: { name, permission: 'FULL_ACCESS' },
      });
      expect(gql.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'name' }, message: expect.stringMatching(/line breaks/) });
      const created = await api(server, '/api-keys', { method: 'POST', token: t.full.token, body: JSON.stringify({ name }) });
      expect(created.body).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(/line breaks/) });
      const renamed = await api(server, `/api-keys/${t.sending.id}`, { method: 'PATCH', token: t.full.token, body: JSON.stringify({ name }) });
      expect(renamed.body).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(/line breaks/) });
    }
    expect(await count(server, 'api_key')).toBe(before);
    expect((await sql<{ name: string }>(server.databaseUrl, 'select name from api_key where id = $1', [t.sending.id]))[0].name).toBe('Probe sending');
  });
});

describe('a sender domain written with a letter that lower-cases into ASCII', () => {
  it("the Kelvin sign (U+212A, like K) is refused as a look-alike, not read as k: a key tied to kappa.example does not send from 'Kappa.example' with it", async () => {
    const domainId = await createDomain(t.admin, 'kappa.example');
    const tied = await createKey(t.admin, { name: 'kappa', permission: 'SENDING_ACCESS', domainId });
    const before = await count(server, 'email');
    for (const token of [tied.token, t.sending.token]) {
      for (const from of ['ann@\u212Aappa.example', 'Ann <ann@\u212AAPPA.example>']) {
        const res = await send(token, from);
        expect(res.body).toEqual({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(/`from`/) });
      }
    }
    expect(await count(server, 'email')).toBe(before);
    // Plain upper case is the same domain, and sends.
    expect((await send(tied.token, 'Ann <ann@KAPPA.example>')).status).toBe(200);
  });
});

describe('searching keys by token', () => {
  it('the whole token (or any start of it longer than the token start) finds its key, as its token start does', async () => {
    const key = await createKey(t.admin, { name: 'found by its token', permission: 'FULL_ACCESS' });
    const search = async (s: string) =>
      ((await t.admin.gql('query($s: String) { apiKeys(filter: { search: $s }) { id } }', { s })).data!.apiKeys as { id: string }[]).map((k) => k.id);
    expect(await search(key.token.slice(0, 8))).toEqual([key.id]);
    expect(await search(key.token)).toEqual([key.id]);
    expect(await search(key.token.slice(0, 20))).toEqual([key.id]);
    // A token start that differs is still no match.
    expect(await search(`${key.token.slice(0, 7)}${key.token[7] === 'a' ? 'b' : 'a'}${key.token.slice(8)}`)).toEqual([]);
  });
});

describe('searching keys by name', () => {
  it('finds a name in any case, letters outside ASCII included (the database folds only ASCII in ILIKE)', async () => {
    const key = await createKey(t.admin, { name: 'Équipe Ωmega', permission: 'FULL_ACCESS' });
    const search = async (s: string) =>
      ((await t.admin.gql('query($s: String) { apiKeys(filter: { search: $s }) { id } }', { s })).data!.apiKeys as { id: string }[]).map((k) => k.id);
    for (const s of ['équipe', 'ÉQUIPE', 'ωMEGA', 'pe ω']) expect(await search(s), s).toEqual([key.id]);
    // Other characters are taken literally, not as a pattern.
    expect(await search('É.uipe')).toEqual([]);
    expect(await search('Équipe%')).toEqual([]);
  });
});
