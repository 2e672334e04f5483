import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { initOrm, migrate } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';
import { listLogPartitions } from '../src/modules/usage-log/usage-log.partitions.js';
import { createClient, createTestDatabase, PASSWORD, revokedEverywhere, sql, type TestClient, uniqueEmail, waitFor } from './harness.js';

// Three instances of Keyring on one database, behind a round-robin load balancer: what runs in
// production as N instances. Two run background jobs, one serves requests only.
type Instance = { app: App; orm: MikroORM; url: string };
let databaseUrl: string;
let instances: Instance[];
let balancer: http.Server;
let lb: string;
let admin: TestClient;
let teamId: string;
const hits = [0, 0, 0];

async function startInstance(workers: boolean): Promise<Instance> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    CLIENT_DIST: '/nonexistent',
    RATE_LIMIT_PER_SECOND: '0',
    WORKERS: String(workers),
  });
  const orm = await initOrm(databaseUrl, createLogger('silent'));
  await migrate(orm);
  const app = await createApp({ config, orm, logger: createLogger('silent') });
  return { app, orm, url: await app.listen(0, '127.0.0.1') };
}

/** A round-robin HTTP load balancer: each request to the next instance, as nginx or an ALB would. */
function startBalancer(): Promise<string> {
  let next = 0;
  balancer = http.createServer((req, res) => {
    const i = next++ % instances.length;
    hits[i]++;
    const target = new URL(instances[i].url);
    const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => balancer.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(balancer.address() as AddressInfo).port}`)));
}

async function send(token: string, body: unknown, path = '/api/emails', method = 'POST') {
  const res = await fetch(`${lb}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: method === 'GET' ? undefined : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

async function createKey(): Promise<{ id: string; token: string }> {
  const res = await admin.gql(`mutation { createApiKey(input: { name: "LB", permission: FULL_ACCESS }) { token apiKey { id } } }`);
  expect(res.errors).toBeUndefined();
  return { id: res.data!.createApiKey.apiKey.id, token: res.data!.createApiKey.token };
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase('three');
  // Started together: each migrates and makes the log partitions at once, and must not trip over the others.
  instances = await Promise.all([startInstance(true), startInstance(true), startInstance(false)]);
  lb = await startBalancer();
  admin = createClient(lb);
  const res = await admin.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { team { id } } }`, {
    input: { email: uniqueEmail('lb'), password: PASSWORD, teamName: 'Balanced' },
  });
  expect(res.errors).toBeUndefined();
  teamId = res.data!.signUp.team.id;
  expect((await admin.gql(`mutation { createDomain(input: { name: "balanced.example.com" }) { id } }`)).errors).toBeUndefined();
}, 120_000);

afterAll(async () => {
  await new Promise((r) => balancer?.close(r));
  for (const i of instances ?? []) {
    await i.app.close().catch(() => undefined);
    await i.orm.close().catch(() => undefined);
  }
});

describe('three instances on one database behind a load balancer', () => {
  it('made each log partition once, whichever instance got there first', async () => {
    const names = (await listLogPartitions(instances[0].app.services.pool)).map((p) => p.name);
    expect(names.length).toBeGreaterThanOrEqual(38);
    expect(new Set(names).size).toBe(names.length);
  });

  it('serves a session signed in on one instance from the others', async () => {
    for (let i = 0; i < 3; i++) expect((await admin.gql('{ me { id } }')).data!.me).not.toBeNull();
    expect(hits.every((n) => n > 0)).toBe(true);
  });

  it('counts every request exactly once, in the logs, the rollups and the keys, whichever instance answered', async () => {
    const keys = await Promise.all([createKey(), createKey()]);
    const statuses: number[] = [];
    for (let round = 0; round < 10; round++) {
      statuses.push(
        ...(await Promise.all([
          ...Array.from({ length: 20 }, (_, i) =>
            send(keys[i % 2].token, { from: 'app@balanced.example.com', to: `r${round}-${i}@example.org`, subject: 'Hi', text: 'Hello' }),
          ),
          send(keys[0].token, {}, '/api/domains', 'GET'),
          send(keys[1].token, { email: 'not an email' }, '/api/contacts'),
        ])),
      );
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(210);
    expect(statuses.filter((s) => s === 422)).toHaveLength(10);
    // Every instance writes the logs it buffered; a graceful stop (as on a deploy) flushes them.
    await Promise.all(instances.map((i) => i.app.services.usageRecorder.flush()));

    const [logs] = await sql<{ n: string }>(databaseUrl, 'select count(*) as n from usage_log where api_key_id = any($1::uuid[])', [keys.map((k) => k.id)]);
    expect(Number(logs.n)).toBe(220);
    const counted = await sql<{ request_count: number; requests: string }>(
      databaseUrl,
      `select k.request_count, (select sum(requests) from usage_rollup r where r.api_key_id = k.id) as requests from api_key k where k.id = any($1::uuid[]) order by k.id`,
      [keys.map((k) => k.id)],
    );
    expect(counted.map((c) => [c.request_count, Number(c.requests)])).toEqual([
      [110, 110],
      [110, 110],
    ]);
  });

  it('delivers each accepted email once, though every worker instance polls for them', async () => {
    const sent = await waitFor(
      async () => {
        const [row] = await sql<{ queued: string; sent: string }>(
          databaseUrl,
          `select count(*) filter (where status = 'queued') as queued, count(*) filter (where status = 'sent') as sent from email where team_id = $1`,
          [teamId],
        );
        return Number(row.queued) === 0 ? Number(row.sent) : undefined;
      },
      30_000,
      'every email to be sent',
    );
    expect(sent).toBe(200);
    const [outbox] = await sql<{ n: string; distinct: string }>(
      databaseUrl,
      `select count(*) as n, count(distinct "to") as distinct from outbox_message where "to" like 'r%@example.org'`,
    );
    expect(Number(outbox.n)).toBe(200);
    expect(Number(outbox.distinct)).toBe(200);
  });

  it('stops a deleted key on every instance at once', async () => {
    const key = await createKey();
    for (let i = 0; i < 3; i++) expect(await send(key.token, {}, '/api/domains', 'GET')).toBe(200);
    // Once each instance has been told (NOTIFY), all three refuse it.
    const deleted = await revokedEverywhere(
      instances.map((i) => i.app),
      key.id,
      () => admin.gql(`mutation($id: ID!) { deleteApiKey(id: $id) }`, { id: key.id }),
    );
    expect(deleted.errors).toBeUndefined();
    for (let i = 0; i < 6; i++) expect(await send(key.token, {}, '/api/domains', 'GET')).toBe(403);
  });

  it('answers a key change only once every instance has dropped the key: the next request anywhere sees it', async () => {
    // No waiting for NOTIFY here: the mutation's answer is the client's only signal.
    const direct = (i: number, token: string) =>
      fetch(`${instances[i].url}/api/domains`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    const onFirst = createClient(instances[0].url);
    onFirst.cookie = admin.cookie;
    const seen: number[] = [];
    for (let round = 0; round < 12; round++) {
      const deleted = await createKey();
      const downgraded = await createKey();
      for (const i of [1, 2]) {
        expect(await direct(i, deleted.token)).toBe(200);
        expect(await direct(i, downgraded.token)).toBe(200);
      }
      expect((await onFirst.gql(`mutation($id: ID!) { deleteApiKey(id: $id) }`, { id: deleted.id })).errors).toBeUndefined();
      seen.push(...(await Promise.all([direct(1, deleted.token), direct(2, deleted.token)])));
      const update = `mutation($id: ID!) { updateApiKey(id: $id, input: { permission: SENDING_ACCESS }) { id } }`;
      expect((await onFirst.gql(update, { id: downgraded.id })).errors).toBeUndefined();
      seen.push(...(await Promise.all([direct(1, downgraded.token), direct(2, downgraded.token)])));
    }
    // 403 invalid_api_key for the deleted key, 401 restricted_api_key for the sending-only one: never a 200.
    expect(seen.filter((status) => status === 200)).toEqual([]);
  });

  it('runs an export created on one instance on a worker, and serves the file from any', async () => {
    const res = await admin.gql(`mutation { createExport(input: { resource: LOGS }) { id status downloadUrl } }`);
    expect(res.errors).toBeUndefined();
    const path = new URL(res.data!.createExport.downloadUrl).pathname;
    const bodies = await Promise.all([0, 1, 2].map(async () => (await fetch(`${lb}${path}`, { headers: { cookie: admin.cookie! } })).text()));
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0].trim().split('\n').length).toBeGreaterThan(220);
  });
});
