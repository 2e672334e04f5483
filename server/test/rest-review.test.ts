import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';
import { api, count, sdk, setUpTeam, type Team } from './rest-harness.js';

// Defects found by attacking a running server over REST: each answered a 500 or took input it
// could not keep. Every test here failed on the code before its fix.

let server: TestServer;
let team: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  team = await setUpTeam(server, 'Review');
});
afterAll(() => server?.stop());

const email = { from: 'hello@review.com', to: 'ada@example.org', subject: 'Hi', text: 'Hello' };
const post = (path: string, body: unknown, token = team.sending.token) => api(server, path, { method: 'POST', token, body: JSON.stringify(body) });
const emailsFrom = (from: string) => count(server, 'email', '"from" = $1', [from]);

describe('`from` longer than the column that keeps it', () => {
  // The address field may be 998 characters (a header line); `email.from` is varchar(320).
  const longFrom = `${'A'.repeat(400)} <hello@review.com>`;

  it('POST /emails: a 419-character `from` is 422 naming `from`, not a 500, and stores nothing', async () => {
    const res = await post('/emails', { ...email, from: longFrom });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body).toEqual({ statusCode: 422, name: 'validation_error', message: expect.stringContaining('`from`') });
    expect(await emailsFrom(longFrom)).toBe(0);
  });

  it('POST /emails/batch: refused the same way, naming the email', async () => {
    const res = await post('/emails/batch', [email, { ...email, from: longFrom }]);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body).toEqual({ statusCode: 422, name: 'validation_error', message: expect.stringMatching(/^emails\[1\]: .*`from`/) });
    expect(await emailsFrom(longFrom)).toBe(0);
  });

  it('the SDK gets the error, not a 500', async () => {
    const { data, error } = await sdk(server, team.sending.token).emails.send({ ...email, from: longFrom });
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error' });
  });

  it('320 characters fit, counted as PostgreSQL counts them (code points: an emoji is one)', async () => {
    const address = ' <hello@review.com>';
    for (const from of [`${'A'.repeat(320 - address.length)}${address}`, `${'😀'.repeat(320 - address.length)}${address}`]) {
      const res = await post('/emails', { ...email, from });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(await emailsFrom(from)).toBe(1);
    }
    const res = await post('/emails', { ...email, from: `${'A'.repeat(321 - address.length)}${address}` });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
  });
});
