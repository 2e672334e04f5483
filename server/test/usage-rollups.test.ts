import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRootDir } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { maintainLogPartitions, utcDay } from '../src/modules/usage-log/usage-log.partitions.js';
import { UsageRecorder } from '../src/modules/usage-log/usage-recorder.js';
import { sql, startTestServer, type TestServer } from './harness.js';
import { api, createKey, sdk, setUpTeam, type Team } from './rest-harness.js';

const DAY = 86_400_000;

/** The rollups as stored, and as counted from the raw logs: they must be equal. */
const ROLLUPS = `select team_id, api_key_id, to_char(day, 'YYYY-MM-DD') as day, requests, status_2xx, status_3xx, status_4xx, status_5xx, last_used_at
                   from usage_rollup order by 1, 2 nulls first, 3`;
// A log counts the requests it stands for: 1, or the refused requests a rate-limit summary sums up.
const inClass = (lo: number) => `coalesce(sum(requests) filter (where status_code between ${lo} and ${lo + 99}), 0)::int`;
const COUNTED = `select team_id, api_key_id, to_char((created_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, sum(requests)::int as requests,
                        ${inClass(200)} as status_2xx, ${inClass(300)} as status_3xx, ${inClass(400)} as status_4xx, ${inClass(500)} as status_5xx,
                        max(created_at) as last_used_at
                   from usage_log group by 1, 2, 3 order by 1, 2 nulls first, 3`;

async function expectRollupsToCountTheLogs(server: TestServer) {
  const [stored, counted] = await Promise.all([sql(server.databaseUrl, ROLLUPS), sql(server.databaseUrl, COUNTED)]);
  expect(counted.length).toBeGreaterThan(0);
  expect(stored).toEqual(counted);
  // And every key's count and last use is what its rollups add up to.
  const keys = await sql<{ id: string; request_count: number; last_used_at: Date | null; requests: string | null; last: Date | null }>(
    server.databaseUrl,
    `select k.id, k.request_count, k.last_used_at, sum(r.requests) as requests, max(r.last_used_at) as last
       from api_key k left join usage_rollup r on r.api_key_id = k.id group by k.id`,
  );
  for (const k of keys) {
    expect(k.request_count, k.id).toBe(Number(k.requests ?? 0));
    expect(k.last_used_at, k.id).toEqual(k.last);
  }
}

const rebuild = (databaseUrl: string) =>
  promisify(execFile)('pnpm', ['rollups:rebuild'], { cwd: repoRootDir, env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 60_000 });

let server: TestServer;
let acme: Team;
let other: Team;

const random = (n: number) => Math.floor(Math.random() * n);

/** One request as an application would make it, answered 2xx, 4xx or refused. */
function randomRequest(team: Team, extraKey: { token: string }) {
  const full = [team.full.token, extraKey.token][random(2)];
  switch (random(7)) {
    case 0:
      return sdk(server, full).domains.list();
    case 1:
      return api(server, '/contacts', { method: 'POST', token: full, body: JSON.stringify({ email: 'not an email' }) });
    case 2:
      return api(server, '/domains', { method: 'PUT', token: full, body: '{}' });
    case 3:
      return api(server, `/emails/${crypto.randomUUID()}`, { token: full });
    case 4:
      return sdk(server, team.sending.token).emails.send({ from: `a@${team === acme ? 'acme' : 'other'}.com`, to: 'x@example.org', subject: 's', text: 't' });
    case 5:
      return api(server, '/domains', { token: team.sending.token });
    default:
      return fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${full}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ domains { id } }' }),
      });
  }
}

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  acme = await setUpTeam(server, 'Acme');
  other = await setUpTeam(server, 'Other');
});
afterAll(() => server?.stop());

describe('usage rollups', () => {
  it('count exactly what the raw logs hold after random traffic from two teams, and writes from two instances at once', async () => {
    const acmeExtra = await createKey(acme.admin, { name: 'Extra', permission: 'FULL_ACCESS' });
    const otherExtra = await createKey(other.admin, { name: 'Extra', permission: 'FULL_ACCESS' });
    const doomed = await createKey(acme.admin, { name: 'Doomed', permission: 'FULL_ACCESS' });
    // A second instance's recorder on the same database, writing for the same keys at the same time,
    // with statuses no request here provokes (5xx, 3xx) and days in the past.
    const second = new UsageRecorder(server.app.services.pool, createLogger('silent'), { intervalMs: 5, maxBatch: 7 });
    const keys = [acme.full, acmeExtra, doomed, other.full, otherExtra];
    for (let i = 0; i < 400; i++) {
      const key = keys[random(keys.length)];
      const summary = random(10) === 0;
      second.record({
        teamId: key === other.full || key === otherExtra ? other.teamId : acme.teamId,
        apiKeyId: key.id,
        // Now and then the gate's summary of a minute's rate-limited requests, which counts them all.
        ...(summary ? { method: '*', endpoint: '(rate limited)', requests: 2 + random(50) } : { method: 'POST', endpoint: '/emails' }),
        statusCode: summary ? 429 : [200, 201, 302, 404, 422, 429, 500, 503][random(8)],
        userAgent: 'second-instance',
        durationMs: random(100),
        requestBody: null,
        responseBody: null,
        createdAt: new Date(Date.now() - random(5) * DAY - random(DAY / 2)),
      });
    }
    for (let round = 0; round < 6; round++) {
      await Promise.all(Array.from({ length: 25 }, (_, i) => randomRequest(i % 3 ? acme : other, i % 3 ? acmeExtra : otherExtra)));
      if (round === 2) await api(server, `/api-keys/${doomed.id}`, { method: 'DELETE', token: acme.full.token });
    }
    await Promise.all([second.close(), server.app.services.usageRecorder.flush()]);
    await expectRollupsToCountTheLogs(server);
  });

  it('are what the usage chart shows: requests and errors per day', async () => {
    const res = await acme.admin.gql(`query($id: ID!) { apiKey(id: $id) { requestCount usage(days: 7) { date requests errors } } }`, { id: acme.full.id });
    expect(res.errors).toBeUndefined();
    const [counted] = await sql<{ requests: string; errors: string }>(
      server.databaseUrl,
      `select sum(requests) as requests, coalesce(sum(requests) filter (where status_code >= 400), 0) as errors from usage_log
        where api_key_id = $1 and created_at >= (now() at time zone 'UTC')::date - 6`,
      [acme.full.id],
    );
    const usage = res.data!.apiKey.usage as { date: string; requests: number; errors: number }[];
    expect(usage).toHaveLength(7);
    expect(usage.at(-1)!.date).toBe(new Date().toISOString().slice(0, 10));
    expect(usage.reduce((n, b) => n + b.requests, 0)).toBe(Number(counted.requests));
    expect(usage.reduce((n, b) => n + b.errors, 0)).toBe(Number(counted.errors));
    expect(Number(counted.errors)).toBeGreaterThan(0);
  });

  it('are recomputed from the raw logs by `pnpm rollups:rebuild`, idempotently, keeping the days whose logs are gone', async () => {
    const oldest = (await sql<{ day: string }>(server.databaseUrl, `select min(relname) as day from pg_class where relname ~ '^usage_log_p[0-9]{8}$'`))[0].day;
    // A day before the oldest partition: retention dropped its logs, its rollup is all that is left.
    await sql(
      server.databaseUrl,
      `insert into usage_rollup (team_id, api_key_id, day, requests, status_2xx, status_3xx, status_4xx, status_5xx, last_used_at)
       values ($1, $2, to_date($3, '"usage_log_p"YYYYMMDD') - 3, 4242, 4240, 0, 2, 0, now() - interval '40 days')`,
      [acme.teamId, acme.full.id, oldest],
    );
    const survivor = await sql(server.databaseUrl, `${ROLLUPS.replace('order by', `where requests = 4242 order by`)}`);
    // Broken three ways: a count off, a row lost, a row for a day with no logs.
    await sql(
      server.databaseUrl,
      `update usage_rollup set requests = requests + 5, status_5xx = 0 where team_id = $1 and day = (now() at time zone 'UTC')::date`,
      [acme.teamId],
    );
    await sql(server.databaseUrl, `delete from usage_rollup where team_id = $1 and day < (now() at time zone 'UTC')::date and requests <> 4242`, [
      other.teamId,
    ]);
    await sql(
      server.databaseUrl,
      `insert into usage_rollup (team_id, api_key_id, day, requests, last_used_at) values ($1, null, (now() at time zone 'UTC')::date + 2, 9, now() + interval '2 days')`,
      [other.teamId],
    );

    const first = await rebuild(server.databaseUrl);
    expect(first.stdout).toMatch(/Rebuilt \d+ days/);
    const withoutSurvivor = (rows: Record<string, unknown>[]) => rows.filter((r) => r.requests !== 4242);
    expect(withoutSurvivor(await sql(server.databaseUrl, ROLLUPS))).toEqual(await sql(server.databaseUrl, COUNTED));
    expect(await sql(server.databaseUrl, `${ROLLUPS.replace('order by', `where requests = 4242 order by`)}`)).toEqual(survivor);

    const before = await sql(server.databaseUrl, ROLLUPS);
    await rebuild(server.databaseUrl);
    expect(await sql(server.databaseUrl, ROLLUPS)).toEqual(before);
  });

  it('refuses to run without DATABASE_URL, saying so', async () => {
    const run = promisify(execFile)('pnpm', ['rollups:rebuild'], { cwd: repoRootDir, env: { ...process.env, DATABASE_URL: '' } });
    await expect(run).rejects.toMatchObject({ stderr: expect.stringMatching(/Set DATABASE_URL/) });
  });
});

describe('retention and the rollups', () => {
  let kept: TestServer;
  let team: Team;
  beforeAll(async () => {
    kept = await startTestServer({ RATE_LIMIT_PER_SECOND: '0', LOG_RETENTION_DAYS: '2' });
    team = await setUpTeam(kept, 'Kept');
  });
  afterAll(() => kept?.stop());

  it('keep the request count, last use and usage chart of days whose logs were dropped', async () => {
    // An hour into the UTC day two days back, whatever the time of day now.
    const twoDaysAgo = new Date(utcDay(new Date(Date.now() - 2 * DAY)).getTime() + 3_600_000);
    const recorder = kept.app.services.usageRecorder;
    for (let i = 0; i < 30; i++) {
      recorder.record({
        teamId: team.teamId,
        apiKeyId: team.full.id,
        method: 'POST',
        endpoint: '/emails',
        statusCode: i % 3 ? 200 : 500,
        userAgent: 'old',
        durationMs: 1,
        requestBody: null,
        responseBody: null,
        createdAt: twoDaysAgo,
      });
    }
    expect((await sdk(kept, team.full.token).domains.list()).error).toBeNull();
    await recorder.flush();
    const query = `query($id: ID!) { apiKey(id: $id) { requestCount lastUsedAt usage(days: 3) { date requests errors } } }`;
    const before = await team.admin.gql(query, { id: team.full.id });
    expect(before.data!.apiKey.usage[0]).toEqual({ date: twoDaysAgo.toISOString().slice(0, 10), requests: 30, errors: 10 });
    expect(before.data!.apiKey.requestCount).toBe(31);

    // A day later, that day is past the retention window.
    const done = await maintainLogPartitions(kept.app.services.pool, { retentionDays: 2, drop: true, now: new Date(Date.now() + DAY) });
    expect(done.dropped).toContain(`usage_log_p${twoDaysAgo.toISOString().slice(0, 10).replaceAll('-', '')}`);
    expect(await sql(kept.databaseUrl, `select 1 from usage_log where user_agent = 'old'`)).toEqual([]);

    const after = await team.admin.gql(query, { id: team.full.id });
    expect(after.data).toEqual(before.data);
    // The Logs page no longer says logs go back to that day.
    const retention = await team.admin.gql('{ usageLogRetention { days oldestAt } }');
    expect(retention.data!.usageLogRetention).toEqual({ days: 2, oldestAt: `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z` });
    // Nor does a rebuild lose them: only the days whose logs are all there are recomputed.
    await rebuild(kept.databaseUrl);
    expect((await team.admin.gql(query, { id: team.full.id })).data).toEqual(before.data);
  });
});
