import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, gql, runScript, type ServerProcess, signUpTeam, sql, startServer, type Team } from './helpers.js';

let databaseUrl: string;
let server: ServerProcess;
let team: Team;

beforeAll(async () => {
  databaseUrl = await createDatabase();
  server = await startServer(databaseUrl);
  team = await signUpTeam(server.url);
  const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
  const keys = await gql<{ old: { token: string; apiKey: { id: string } } }>(
    server.url,
    { cookie: team.cookie },
    `mutation($soon: DateTimeISO!, $later: DateTimeISO!) {
      old: createApiKey(input: { name: "Old cron", permission: FULL_ACCESS }) { token apiKey { id } }
      soon: createApiKey(input: { name: "Temp contractor", permission: FULL_ACCESS, expiresAt: $soon }) { token }
      later: createApiKey(input: { name: "Yearly audit", permission: FULL_ACCESS, expiresAt: $later }) { token }
    }`,
    { soon: inDays(3), later: inDays(200) },
  );
  // Three requests with "Tools" (ACTIVE), one with "Old cron", which is then made 40 days old (INACTIVE).
  for (const key of [team.fullKey, team.fullKey, team.fullKey, keys.old.token]) {
    const res = await fetch(`${server.url}/api/domains`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
  }
  const oldId = keys.old.apiKey.id;
  await new Promise((r) => setTimeout(r, 600)); // usage logs are written every 250 ms
  await sql(databaseUrl, `update api_key set last_used_at = now() - interval '40 days' where id = $1`, [oldId]);
});

afterAll(async () => {
  await server?.stop();
});

const row = (out: string, name: string) => {
  const line = out.split('\n').find((l) => l.includes(` ${name} `));
  if (!line) throw new Error(`no row for ${name} in:\n${out}`);
  return line
    .split('│')
    .map((c) => c.trim())
    .filter(Boolean);
};

describe('key-report', () => {
  it('prints every key with status, last use, requests and expiry, flagging inactive and expiring keys', async () => {
    const run = runScript('key-report', [], { KEYRING_URL: server.url, KEYRING_API_KEY: team.fullKey });
    expect(await run.exited, run.stderr()).toBe(0);
    const out = run.stdout();
    expect(out).toMatch(/Name\s+│ Token\s+│ Permission\s+│ Status\s+│ Last used\s+│ Requests │ Expires\s+│ Flags/);
    expect(row(out, 'Tools')).toEqual(['Tools', expect.stringMatching(/^re_\w+…$/), 'full access', 'active', 'just now', '3', 'never']);
    expect(row(out, 'Old cron')).toEqual(['Old cron', expect.any(String), 'full access', 'inactive', '40 days ago', '1', 'never', 'INACTIVE']);
    expect(row(out, 'Temp contractor')).toEqual(['Temp contractor', expect.any(String), 'full access', 'never used', '—', '0', 'in 3 days', 'EXPIRING']);
    expect(row(out, 'Yearly audit')).toEqual(['Yearly audit', expect.any(String), 'full access', 'never used', '—', '0', 'in 200 days']);
    expect(row(out, 'Mailer')).toEqual(['Mailer', expect.any(String), 'sending', 'never used', '—', '0', 'never']);
    expect(out).toContain('5 keys: 1 inactive, 1 expiring soon, 3 never used, 4 with full access; 2 flagged');
  });

  it('exits 1 with --strict when a key is flagged, for cron to mail the report', async () => {
    const run = runScript('key-report', ['--strict'], { KEYRING_URL: server.url, KEYRING_API_KEY: team.fullKey });
    expect(await run.exited).toBe(1);
    expect(run.stdout()).toContain('2 flagged');
  });

  it('shows an expired key as EXPIRED', async () => {
    await sql(databaseUrl, `update api_key set expires_at = now() - interval '1 hour' where name = 'Yearly audit'`);
    const run = runScript('key-report', [], { KEYRING_URL: server.url, KEYRING_API_KEY: team.fullKey });
    expect(await run.exited).toBe(0);
    expect(row(run.stdout(), 'Yearly audit')).toEqual(['Yearly audit', expect.any(String), 'full access', 'never used', '—', '0', '1 hour ago', 'EXPIRED']);
  });

  it('exits 1 with UNAUTHENTICATED for a key that does not verify', async () => {
    const run = runScript('key-report', [], { KEYRING_URL: server.url, KEYRING_API_KEY: `re_${'x'.repeat(38)}` });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/^UNAUTHENTICATED: /m);
  });
});
