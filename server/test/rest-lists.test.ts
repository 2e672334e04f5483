import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, MISSING_ID, sdk, setUpTeam, type Team } from './rest-harness.js';

/*
 * Resend's list rules that code written for Resend leans on: its older lists (domains, API keys,
 * contacts, broadcasts) answer every item when no `limit` is given, and a cursor stays good when
 * its item has since left the filtered list (cancelled, unsubscribed).
 */
let server: TestServer;
let team: Team;
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  team = await setUpTeam(server, 'Lists', 'lists.example.com');
});
afterAll(() => server?.stop());

type List = { object: string; has_more: boolean; data: { id: string }[] };
const list = async (path: string) => {
  const res = await api(server, path, { token: team.full.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as List;
};

const rows = (table: string, columns: string, values: string, n: number) =>
  sql(server.databaseUrl, `insert into ${table} (id, team_id, ${columns}) select gen_random_uuid(), $1, ${values} from generate_series(1, $2::int) i`, [
    team.teamId,
    n,
  ]);

describe('no limit on the older lists', () => {
  beforeAll(async () => {
    await rows('contact', 'email, unsubscribed, created_at, updated_at', `'c' || i || '@lists.test', false, now() - i * interval '1 ms', now()`, 30);
    await rows('broadcast', 'name, "from", subject, status, created_at', `'b' || i, 'news@lists.example.com', 'Hi', 'draft', now() - i * interval '1 ms'`, 25);
    await rows('domain', 'name, region, created_at', `'d' || i || '.lists.example.com', 'us-east-1', now() - i * interval '1 ms'`, 22);
    await rows(
      'api_key',
      'name, permission, token_start, token_hash, created_at, updated_at',
      `'k' || i, 'SENDING_ACCESS', 're_' || i, md5(random()::text), now() - i * interval '1 ms', now()`,
      21,
    );
  });

  it.each([
    ['/contacts', 30],
    ['/broadcasts', 25],
    ['/domains', 23],
    ['/api-keys', 23],
  ])('GET %s answers all %i items', async (path, total) => {
    const body = await list(path);
    expect(body.data).toHaveLength(total);
    expect(body.has_more).toBe(false);
    // A limit still pages.
    expect((await list(`${path}?limit=20`)).has_more).toBe(true);
  });

  it('the SDK’s list() gets every API key and domain, as it would from Resend', async () => {
    const resend = sdk(server, team.full.token);
    expect((await resend.apiKeys.list()).data?.data).toHaveLength(23);
    expect((await resend.domains.list()).data?.data).toHaveLength(23);
  });

  it('emails keep Resend’s default page of 20', async () => {
    await rows(
      'email',
      `"from", "to", cc, bcc, reply_to, subject, status, created_at`,
      `'a@lists.example.com', '["x@y.test"]', '[]', '[]', '[]', 's', 'delivered', now() - i * interval '1 ms'`,
      25,
    );
    const body = await list('/emails');
    expect(body.data).toHaveLength(20);
    expect(body.has_more).toBe(true);
  });

  it('stops at 1,000 items, with has_more and a cursor to the rest', async () => {
    const big = await setUpTeam(server, 'Big list', 'big.example.com');
    await sql(
      server.databaseUrl,
      `insert into contact (id, team_id, email, unsubscribed, created_at, updated_at)
       select gen_random_uuid(), $1, 'n' || i || '@big.test', false, now() - i * interval '1 ms', now() from generate_series(1, 1001) i`,
      [big.teamId],
    );
    const first = (await api(server, '/contacts', { token: big.full.token })).body as List;
    expect(first.data).toHaveLength(1_000);
    expect(first.has_more).toBe(true);
    const rest = (await api(server, `/contacts?after=${first.data.at(-1)!.id}`, { token: big.full.token })).body as List;
    expect(rest.data).toHaveLength(1);
    expect(rest.has_more).toBe(false);
  });
});

describe('a cursor whose item left the filtered list', () => {
  it('cancelling each scheduled email of a page, then asking for the next page, goes on from the last one', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api(server, '/emails', {
        method: 'POST',
        token: team.full.token,
        body: JSON.stringify({ from: 'a@lists.example.com', to: 'x@y.test', subject: `later ${i}`, text: 'x', scheduled_at: 'in 2 days' }),
      });
      expect(res.status).toBe(200);
      ids.push((res.body as { id: string }).id);
    }
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await list(`/emails?status=scheduled&limit=2${after ? `&after=${after}` : ''}`);
      for (const email of page.data) {
        expect((await api(server, `/emails/${email.id}/cancel`, { method: 'POST', token: team.full.token })).status).toBe(200);
        seen.push(email.id);
      }
      if (!page.has_more) break;
      after = page.data.at(-1)!.id;
    }
    expect(seen.sort()).toEqual([...ids].sort());
    expect((await list('/emails?status=scheduled')).data).toEqual([]);
  });

  it('unsubscribing each contact of a page, then the next page, reaches them all', async () => {
    const other = await setUpTeam(server, 'Unsubscribers', 'unsub.example.com');
    await sql(
      server.databaseUrl,
      `insert into contact (id, team_id, email, unsubscribed, created_at, updated_at)
       select gen_random_uuid(), $1, 'u' || i || '@unsub.test', false, now() - i * interval '1 ms', now() from generate_series(1, 7) i`,
      [other.teamId],
    );
    const get = async (path: string) => (await api(server, path, { token: other.full.token })).body as List;
    let after: string | undefined;
    let reached = 0;
    for (;;) {
      const page = await get(`/contacts?unsubscribed=false&limit=3${after ? `&after=${after}` : ''}`);
      for (const c of page.data) {
        const res = await api(server, `/contacts/${c.id}`, { method: 'PATCH', token: other.full.token, body: JSON.stringify({ unsubscribed: true }) });
        expect(res.status).toBe(200);
        reached++;
      }
      if (!page.has_more) break;
      after = page.data.at(-1)!.id;
    }
    expect(reached).toBe(7);
  });

  it('refuses a cursor naming a deleted item, another team’s, or none, and says so', async () => {
    const other = await setUpTeam(server, 'Cursor owner', 'owner.example.com');
    const keys = await list('/api-keys?limit=2');
    const deleted = keys.data[0].id;
    expect((await api(server, `/api-keys/${deleted}`, { method: 'DELETE', token: team.full.token })).status).toBe(200);
    for (const cursor of [deleted, other.full.id, MISSING_ID, 'not-an-id']) {
      const res = await api(server, `/api-keys?after=${cursor}`, { token: team.full.token });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ statusCode: 422, name: 'invalid_parameter', message: 'The cursor does not name an item of this list (was it deleted?).' });
    }
  });
});
