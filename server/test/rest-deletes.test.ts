import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, count, createDomain, createKey, sdk, setUpTeam, type Team } from './rest-harness.js';

// Deletes of one row at once: exactly one is answered 200 and the others 404 not_found, as
// Resend answers them; a delete of a row already gone is a 404. A read before the delete let
// every one of them answer 200 (deleted: true) for the one row removed.

let server: TestServer;
let acme: Team;

const AT_ONCE = 5;
const ROUNDS = 3;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
});
afterAll(() => server?.stop());

const del = (path: string) => api(server, path, { method: 'DELETE', token: acme.full.token });

/** Deletes at once of one row (each by one of `paths`): one 200 with `deleted`, the others `missing`; then a 404 again. */
async function expectOneDeletes(paths: string[], deleted: Record<string, unknown>, missing: string) {
  const answers = await Promise.all(paths.map(del));
  const notFound = { statusCode: 404, name: 'not_found', message: missing };
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses, JSON.stringify(answers.map((a) => a.body))).toEqual([200, ...Array(paths.length - 1).fill(404)]);
  for (const a of answers) expect(a.body).toEqual(a.status === 200 ? deleted : notFound);
  for (const path of new Set(paths)) expect(await del(path)).toMatchObject({ status: 404, body: notFound });
}

describe('DELETE of one row, at once', () => {
  it('contacts: by id and by email, one 200 and the rest 404', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const email = `race-${round}@example.com`;
      const id = (await sdk(server, acme.full.token).contacts.create({ email })).data!.id;
      const paths = Array.from({ length: AT_ONCE }, (_, i) => `/contacts/${i % 2 ? encodeURIComponent(email) : id}`);
      await expectOneDeletes(paths, { object: 'contact', id, contact: id, deleted: true }, 'Contact not found.');
      expect(await count(server, 'contact', 'id = $1', [id])).toBe(0);
    }
  });

  it('broadcasts: one 200 and the rest 404', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const created = await sdk(server, acme.full.token).broadcasts.create({
        segmentId: 'seg',
        from: 'hi@acme.com',
        subject: `Race ${round}`,
        html: '<p>Hi</p>',
      });
      const id = created.data!.id;
      await expectOneDeletes(Array(AT_ONCE).fill(`/broadcasts/${id}`), { object: 'broadcast', id, deleted: true }, 'Broadcast not found.');
      expect(await count(server, 'broadcast', 'id = $1', [id])).toBe(0);
    }
  });

  it('a sent broadcast: every one refused (422) and it stays', async () => {
    const id = (await sdk(server, acme.full.token).broadcasts.create({ segmentId: 'seg', from: 'hi@acme.com', subject: 'Sent', html: '<p>Hi</p>' })).data!.id;
    await sql(server.databaseUrl, `update broadcast set status = 'sent', sent_at = now() where id = $1`, [id]);
    const answers = await Promise.all(Array.from({ length: AT_ONCE }, () => del(`/broadcasts/${id}`)));
    for (const a of answers) {
      expect(a).toMatchObject({
        status: 422,
        body: { statusCode: 422, name: 'validation_error', message: 'Only a draft broadcast can be deleted; this one has been sent.' },
      });
    }
    expect(await count(server, 'broadcast', 'id = $1', [id])).toBe(1);
  });

  it('API keys: one 200 and the rest 404', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { id } = await createKey(acme.admin, { name: `race ${round}`, permission: 'SENDING_ACCESS' });
      await expectOneDeletes(Array(AT_ONCE).fill(`/api-keys/${id}`), { object: 'api_key', id, deleted: true }, 'API key not found.');
      expect(await count(server, 'api_key', 'id = $1', [id])).toBe(0);
    }
  });

  it('domains: one 200 and the rest 404', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const id = await createDomain(acme.admin, `race-${round}.example.com`);
      await expectOneDeletes(Array(AT_ONCE).fill(`/domains/${id}`), { object: 'domain', id, deleted: true }, 'Domain not found.');
      expect(await count(server, 'domain', 'id = $1', [id])).toBe(0);
    }
  });
});
