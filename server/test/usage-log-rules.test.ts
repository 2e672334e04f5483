import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded.js';
import { createClient, createTestDatabase, PASSWORD, sql, uniqueEmail, waitFor } from './harness.js';

// The server as `pnpm start` runs it, in a process of its own with logging at its most verbose:
// nobody can flush its usage logs by hand, and everything it prints can be scanned for secrets.
const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('a server process with LOG_LEVEL=trace', () => {
  it('writes usage logs on its own timer, and never prints a token, password or invitation token', async () => {
    const databaseUrl = await createTestDatabase('logscan');
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: SERVER_DIR,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'trace',
        CLIENT_DIST: '/nonexistent',
        RATE_LIMIT_PER_SECOND: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child!.on('exit', resolve));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => ((await fetch(`${url}/api/health`).catch(() => undefined))?.status === 200 ? true : undefined),
      60_000,
      `the server to start:\n${out}`,
    );

    const admin = createClient(url);
    const email = uniqueEmail('logscan');
    expect(
      (await admin.gql(`mutation($i: SignUpInput!) { signUp(input: $i) { id } }`, { i: { email, password: PASSWORD, teamName: 'Log scan' } })).errors,
    ).toBeUndefined();
    const created = await admin.gql(`mutation { createApiKey(input: { name: "scanned", permission: FULL_ACCESS }) { token apiKey { id } } }`);
    const { token, apiKey } = created.data!.createApiKey;
    const rolled = (await admin.gql(`mutation($id: ID!) { rollApiKey(id: $id, input: { gracePeriodSeconds: 60 }) { token } }`, { id: apiKey.id })).data!
      .rollApiKey.token;
    const invitation = (
      await admin.gql(`mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }`, { i: { email: uniqueEmail('invitee'), role: 'MEMBER' } })
    ).data!.inviteMember.token;
    // A wrong password, a sign-in, requests with both tokens and a refused one, a token in a body and a query string.
    await createClient(url).gql(`mutation($i: SignInInput!) { signIn(input: $i) { id } }`, { i: { email, password: `${PASSWORD} wrong` } });
    await createClient(url).gql(`mutation($i: SignInInput!) { signIn(input: $i) { id } }`, { i: { email, password: PASSWORD } });
    const requests = [
      fetch(`${url}/api/domains`, { headers: { authorization: `Bearer ${token}` } }),
      fetch(`${url}/api/domains?key=${rolled}`, { headers: { authorization: `Bearer ${rolled}` } }),
      fetch(`${url}/api/emails`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rolled}`, 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'a@nowhere.example', to: 'b@example.org', subject: rolled, text: invitation }),
      }),
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rolled}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ apiKeys { id } }' }),
      }),
      // Its last character changed (one in ~60 tokens already ends in `x`, and that one would be the key's own).
      fetch(`${url}/api/domains`, { headers: { authorization: `Bearer ${rolled.slice(0, -1)}${rolled.endsWith('x') ? 'y' : 'x'}` } }),
    ];
    for (const r of await Promise.all(requests)) await r.text();
    // Four requests made with a valid key: their logs and the key's count appear without anyone flushing.
    const logged = await waitFor(
      async () => {
        const [{ n }] = await sql<{ n: string }>(databaseUrl, 'select count(*) as n from usage_log where api_key_id = $1', [apiKey.id]);
        return Number(n) >= 4 ? Number(n) : undefined;
      },
      10_000,
      'usage logs written by the timer',
    );
    expect(logged).toBe(4);
    const [{ request_count }] = await sql(databaseUrl, 'select request_count from api_key where id = $1', [apiKey.id]);
    expect(request_count).toBe(4);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Logging was on (the start line at info, the jobs at debug)…
    expect(out).toContain('Keyring is listening');
    expect(out.split('\n').length).toBeGreaterThan(10);
    // …and no secret, whole or in part, reached it.
    for (const secret of [token, rolled, invitation, PASSWORD]) {
      expect(out).not.toContain(secret);
      expect(out).not.toContain(secret.slice(3, 23));
    }
    expect(out).not.toContain(admin.cookie!.split('=')[1].split(';')[0]);
  }, 120_000);
});
