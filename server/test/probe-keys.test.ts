import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, createDomain, createKey, setUpTeam, type Team } from './rest-harness.js';

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
