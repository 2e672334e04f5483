import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';
import { api, setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let acme: Team;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
});
afterAll(() => server?.stop());

const send = async (body: Record<string, unknown>) => {
  const res = await api(server, '/emails', { method: 'POST', token: acme.full.token, body: JSON.stringify({ from: 'a@acme.com', text: 'x', ...body }) });
  expect(res.status).toBe(200);
  return (res.body as { id: string }).id;
};
const search = async (q: string) => {
  const res = await api(server, `/emails?search=${encodeURIComponent(q)}`, { token: acme.full.token });
  expect(res.status).toBe(200);
  return (res.body as { data: { id: string }[] }).data.map((e) => e.id);
};

describe('GET /emails?search= over the recipients', () => {
  it('finds a recipient by what was sent, not by the JSON the list of recipients is stored as', async () => {
    const quoted = await send({ to: ['"Bob, Jr." <bob@x.com>', 'carol@x.com'], subject: 'alpha' });
    const plain = await send({ to: 'dave@x.com', subject: 'beta' });
    // The display name as written: stored as JSON it read `\"Bob, Jr.\"`, and was not found.
    expect(await search('"Bob, Jr."')).toEqual([quoted]);
    expect(await search('"bob')).toEqual([quoted]);
    // JSON's own brackets, quotes and separators are in no recipient: they matched every email.
    expect(await search('[')).toEqual([]);
    expect(await search('"]')).toEqual([]);
    expect(await search('", "')).toEqual([]);
    expect(await search('dave@x.com')).toEqual([plain]);
    expect(await search('CAROL@')).toEqual([quoted]);
  });
});
