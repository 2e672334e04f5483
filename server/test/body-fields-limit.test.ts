import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer } from './harness.js';
import { setUpTeam, type Team } from './rest-harness.js';

// A JSON body holds at most 10,000 fields (object keys) in all. A sending key's 12 MB body of a
// million unknown fields held the server's one thread for ~3 s before its 422 (parsed, its keys
// listed by the field check and by the usage log's redaction): ten a second would have stopped
// the instance. It is refused before it is parsed.
let server: TestServer;
let acme: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Fields');
});
afterAll(() => server?.stop());

const post = (path: string, body: string, token = acme.sending.token) =>
  fetch(`${server.url}/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });

const manyFields = (n: number, sep = '') => {
  const parts = ['"from":"a@fields.com"', '"to":"b@example.org"', '"subject":"s"', '"text":"t"'];
  for (let i = 0; i < n; i++) parts.push(`"k${i}"${sep}:1`);
  return `{${parts.join(',')}}`;
};

describe('a JSON body with more than 10,000 fields', () => {
  it('is refused 422 before it is parsed, with spaces before the colons too, and nothing is sent', async () => {
    // Keys ending in an escaped backslash (`"k1\\":` in the JSON text) are keys too.
    for (const sep of ['', ' \n ', '\\\\']) {
      const res = await post('/emails', sep.startsWith('\\') ? manyFields(200_000).replaceAll(/"(k\d+)":/g, `"$1${sep}":`) : manyFields(200_000, sep));
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ name: 'validation_error', message: expect.stringMatching(/more than 10,000 fields/) });
    }
    const [{ count }] = await sql<{ count: string }>(server.databaseUrl, 'select count(*) from email where team_id = $1', [acme.teamId]);
    expect(Number(count)).toBe(0);
  });

  it('is refused in a batch and on another route alike; 10,000 fields in all are read as usual', async () => {
    const batch = `[${Array.from({ length: 3 }, () => manyFields(4_000)).join(',')}]`;
    expect((await post('/emails/batch', batch)).status).toBe(422);
    const contact = await post('/contacts', `{"email":"c@example.com",${Array.from({ length: 10_001 }, (_, i) => `"x${i}":1`).join(',')}}`, acme.full.token);
    expect(contact.status).toBe(422);
    expect(((await contact.json()) as { message: string }).message).toMatch(/more than 10,000 fields/);
    // Under the bound, the body is read and its unknown fields named as before.
    const under = await post('/emails', manyFields(9_000));
    expect(under.status).toBe(422);
    expect(((await under.json()) as { message: string }).message).toMatch(/Unknown field `k0`/);
  });

  it('is refused alike when it comes chunked (read by body-parser)', async () => {
    const text = new TextEncoder().encode(manyFields(200_000));
    const res = await fetch(`${server.url}/api/emails`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme.sending.token}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(c) {
          c.enqueue(text);
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ name: 'validation_error', message: expect.stringMatching(/more than 10,000 fields/) });
  });

  it('text holding quotes and colons is not counted as fields', async () => {
    // In JSON text a quote inside a string is escaped: `\"x1\": y` is no field.
    const html = Array.from({ length: 20_000 }, (_, i) => `<p style="color:red">"x${i}": y</p>`).join('');
    const res = await post('/emails', JSON.stringify({ from: 'a@fields.com', to: 'b@example.org', subject: 's', html }));
    expect(res.status).toBe(200);
  });
});
