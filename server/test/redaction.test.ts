import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken } from '../src/lib/crypto.js';
import { generateToken } from '../src/modules/api-key/token.js';
import { PASSWORD, sql, startTestServer, type TestClient, type TestServer, uniqueEmail } from './harness.js';
import { api, setUpTeam, type Team } from './rest-harness.js';

// What a usage log keeps of a request made with a key: members read these (usageLogs), so no secret
// may be stored in them, whatever the field is called, aliased or written into the query text.
let server: TestServer;
let acme: Team;
let member: TestClient;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  const invited = await acme.admin.gql(`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, {
    input: { email: uniqueEmail('member'), role: 'MEMBER' },
  });
  member = server.client();
  const joined = await member.gql(`mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { id } }`, {
    input: { token: invited.data!.inviteMember.token, password: PASSWORD },
  });
  expect(joined.errors).toBeUndefined();
});
afterAll(() => server?.stop());

async function gqlWithKey(query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${acme.full.token}`, 'user-agent': `redaction-${Math.random()}` },
    body: JSON.stringify({ query, variables }),
  });
  return { ua: '', ...((await res.json()) as { data?: Record<string, any>; errors?: unknown[] }) };
}

/** Everything stored for the key's logs, as the member reads it over GraphQL and as PostgreSQL holds it. */
async function storedLogs(): Promise<string> {
  await server.app.services.usageRecorder.flush();
  const seen = await member.gql(`query($id: ID!) { usageLogs(filter: { apiKeyId: $id }, first: 100) { edges { node { id } } } }`, { id: acme.full.id });
  expect(seen.errors).toBeUndefined();
  const bodies: unknown[] = [];
  for (const { node } of seen.data!.usageLogs.edges) {
    const one = await member.gql(`query($id: ID!) { usageLog(id: $id) { endpoint requestBody responseBody } }`, { id: node.id });
    bodies.push(one.data!.usageLog);
  }
  const rows = await sql(server.databaseUrl, 'select request_body, response_body from usage_log where api_key_id = $1', [acme.full.id]);
  return JSON.stringify({ bodies, rows });
}

describe('usage logs keep no secret', () => {
  it('the tokens of createApiKey and rollApiKey, even aliased, and inviteMember with a key', async () => {
    const created = await gqlWithKey(`mutation { made: createApiKey(input: { name: "aliased", permission: FULL_ACCESS }) { t: token k: apiKey { id } } }`);
    const token = created.data!.made.t as string;
    expect(token).toMatch(/^re_/);
    const rolled = await gqlWithKey(
      `mutation($id: ID!) { again: rollApiKey(id: $id, input: { gracePeriodSeconds: 0 }) { ...Secret } } fragment Secret on CreateApiKeyPayload { s: token }`,
      { id: created.data!.made.k.id },
    );
    const rolledToken = rolled.data!.again.s as string;
    expect(rolledToken).toMatch(/^re_/);
    const invited = await gqlWithKey(`mutation { i: inviteMember(input: { email: "x@example.com", role: ADMIN }) { secret: token } }`);
    const invitationToken = invited.data?.i?.secret as string | undefined;

    const stored = await storedLogs();
    expect(stored).toContain('aliased'); // the logs are there…
    expect(stored).not.toContain(token); // …without the tokens
    expect(stored).not.toContain(token.slice(3, 20));
    expect(stored).not.toContain(rolledToken.slice(3, 20));
    if (invitationToken) expect(stored).not.toContain(invitationToken);
  });

  it('a password written inline in the query text, or passed in a variable of another name', async () => {
    await gqlWithKey(`mutation { signIn(input: { email: "someone@example.com", password: "inline hunter2 secret" }) { id } }`);
    await gqlWithKey(`mutation($p: String!) { signIn(input: { email: "someone@example.com", password: $p }) { id } }`, { p: 'variable hunter3 secret' });
    await gqlWithKey(`mutation { acceptInvitation(input: { token: "${randomToken()}", password: """block hunter4 secret""" }) { id } }`);
    const stored = await storedLogs();
    expect(stored).toContain('someone@example.com');
    for (const secret of ['hunter2', 'hunter3', 'hunter4']) expect(stored).not.toContain(secret);
  });

  it('fields named pwd, privateKey, session, bearer (and the like), and token-shaped values anywhere', async () => {
    const invitation = randomToken();
    const key = generateToken();
    const body = {
      email: 'redact@example.com',
      pwd: 'pwd value 1',
      privateKey: '-----BEGIN PRIVATE KEY----- value 2',
      private_key: 'value 3',
      session: 'session value 4',
      bearer: 'bearer value 5',
      clientSecret: 'value 6',
      first_name: `mentions ${key} and ${invitation} and Bearer value7`,
    };
    const res = await api(server, '/contacts', { method: 'POST', token: acme.full.token, body: JSON.stringify(body) });
    expect(res.status).toBeGreaterThanOrEqual(200);
    const stored = await storedLogs();
    expect(stored).toContain('redact@example.com');
    for (const secret of ['value 1', 'value 2', 'value 3', 'value 4', 'value 5', 'value 6', 'value7', key.slice(3), invitation]) {
      expect(stored, secret).not.toContain(secret);
    }
  });
});

describe('usage logs keep no secret in the path or the user agent', () => {
  it('a token written into the path, or sent in the User-Agent, is stored and listed redacted', async () => {
    const key = generateToken();
    const invitation = randomToken();
    const agent = `my-app/1.0 token=${key} session=${invitation}`;
    const res = await fetch(`${server.url}/api/contacts/${key}`, { headers: { authorization: `Bearer ${acme.full.token}`, 'user-agent': agent } });
    expect(res.status).toBe(404);
    await server.app.services.usageRecorder.flush();
    const rows = await sql<{ endpoint: string; user_agent: string }>(
      server.databaseUrl,
      `select endpoint, user_agent from usage_log where api_key_id = $1 and user_agent like 'my-app/1.0%'`,
      [acme.full.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].endpoint).toBe('/contacts/re_[redacted]');
    expect(rows[0].user_agent).toBe('my-app/1.0 token=re_[redacted] session=[redacted]');
    const listed = await member.gql(`query($id: ID!) { usageLogs(filter: { apiKeyId: $id }, first: 100) { edges { node { endpoint userAgent } } } }`, {
      id: acme.full.id,
    });
    const text = JSON.stringify(listed.data);
    expect(text).toContain('/contacts/re_[redacted]');
    for (const secret of [key.slice(3), invitation]) expect(text).not.toContain(secret);
  });
});

describe('mail kept in the outbox', () => {
  it('keeps no live invitation link: the token is redacted', async () => {
    const email = uniqueEmail('outboxed');
    const res = await acme.admin.gql(`mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`, { input: { email, role: 'MEMBER' } });
    const token = res.data!.inviteMember.token as string;
    const [row] = await sql<{ text: string; html: string | null }>(server.databaseUrl, 'select text, html from outbox_message where "to" = $1', [email]);
    expect(row.text).toContain('/accept-invitation?token=[redacted]');
    expect(JSON.stringify(row)).not.toContain(token);
  });
});
