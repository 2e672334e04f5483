// The API-key verifier on a real PostgreSQL, without a server: which tokens it accepts (a rolled
// key's old token in its grace period, an expired key refused), what it reports of a key (team,
// permission, domain binding, enabled, until when), and when it asks the database again (cached
// keys and misses, revocations through NOTIFY, resets, the caches' bounds). `beforeLookup` runs
// exactly when the answer needs the database, which is how these tests see the caches. The
// boundaries against now (an expiry, the key cache's TTL, the miss's) are met with Date faked.
// Fast enough for every mutant of api-key.verifier.ts to run it (pnpm test:mutation api-key-verifier).
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isConnectionError } from '../src/db/connection.js';
import { Notifier } from '../src/db/notifier.js';
import { initOrm, migrate } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';
import { ApiKeyVerifier, VERIFIER_DEFAULTS, type VerifierOptions } from '../src/modules/api-key/api-key.verifier.js';
import { generateToken, tokenHash } from '../src/modules/api-key/token.js';
import { createTestDatabase, sql, waitFor } from './harness.js';

const logger = createLogger('silent');
let url: string;
let orm: MikroORM;
const notifiers: Notifier[] = [];
let teamId: string;
let domainId: string;

beforeAll(async () => {
  url = await createTestDatabase('verifier');
  orm = await initOrm(url, logger);
  await migrate(orm);
  teamId = randomUUID();
  domainId = randomUUID();
  await sql(url, `insert into team (id, name, created_at) values ($1, 'Verifier', now())`, [teamId]);
  await sql(url, `insert into domain (id, team_id, name, region, created_at) values ($1, $2, 'mail.example.com', 'us-east-1', now())`, [domainId, teamId]);
});
afterAll(async () => {
  for (const n of notifiers) await n.close();
  await orm?.close();
});

async function verifier(opts: Partial<VerifierOptions> = {}) {
  const notifier = new Notifier(url, orm, logger);
  await notifier.start();
  notifiers.push(notifier);
  const v = new ApiKeyVerifier(orm, notifier, opts);
  let lookups = 0;
  const verify = (token: string) =>
    v.verify(token, async () => {
      lookups++;
    });
  return { v, verify, lookups: () => lookups, notifier };
}

type KeyRow = {
  permission?: 'FULL_ACCESS' | 'SENDING_ACCESS';
  domain?: boolean;
  expiresAt?: Date | null;
  enabled?: boolean;
  previous?: { token: string; expiresAt: Date | null };
};
async function insertKey(row: KeyRow = {}): Promise<{ id: string; token: string }> {
  const id = randomUUID();
  const token = generateToken();
  await sql(
    url,
    `insert into api_key (id, team_id, name, permission, domain_id, token_start, token_hash, previous_token_hash, previous_token_expires_at,
                          created_at, updated_at, expires_at, enabled)
     values ($1, $2, 'k', $3, $4, 're_xx', $5, $6, $7, now(), now(), $8, $9)`,
    [
      id,
      teamId,
      row.permission ?? 'FULL_ACCESS',
      row.domain ? domainId : null,
      tokenHash(token),
      row.previous ? tokenHash(row.previous.token) : null,
      row.previous?.expiresAt ?? null,
      row.expiresAt ?? null,
      row.enabled ?? true,
    ],
  );
  return { id, token };
}
const setEnabled = (id: string, enabled: boolean) => sql(url, 'update api_key set enabled = $2 where id = $1', [id, enabled]);
const hour = 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('what a token is worth', () => {
  it('a key: its team, permission, no domain, no limit, enabled', async () => {
    const { verify } = await verifier();
    const key = await insertKey({ permission: 'SENDING_ACCESS' });
    expect(await verify(key.token)).toEqual({
      kind: 'apiKey',
      apiKeyId: key.id,
      teamId,
      permission: 'SENDING_ACCESS',
      domainId: null,
      domainName: null,
      validUntil: null,
      enabled: true,
      tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('a key bound to a domain: its id and name; a disabled key is reported disabled (refused by the gate with its own message)', async () => {
    const { verify } = await verifier();
    const key = await insertKey({ domain: true, enabled: false });
    expect(await verify(key.token)).toMatchObject({ domainId, domainName: 'mail.example.com', enabled: false, permission: 'FULL_ACCESS' });
  });

  it('malformed tokens and a wrong checksum are refused without asking the database', async () => {
    const { verify, lookups } = await verifier();
    const key = await insertKey();
    const last = key.token.at(-1) === 'A' ? 'B' : 'A';
    const typo = key.token.slice(0, -1) + last;
    for (const t of ['', 'nope', `${key.token}x`, key.token.slice(1), ` ${key.token}`, typo]) expect(await verify(t)).toBeNull();
    expect(lookups()).toBe(0);
  });

  it('a key with an expiry: valid until then, refused once past it', async () => {
    const { verify } = await verifier();
    const until = new Date(Date.now() + hour);
    const live = await insertKey({ expiresAt: until });
    expect((await verify(live.token))?.validUntil).toBe(until.getTime());
    const expired = await insertKey({ expiresAt: new Date(Date.now() - 1000) });
    expect(await verify(expired.token)).toBeNull();
  });

  it('a key that expires while cached is refused from then on', async () => {
    const { verify } = await verifier();
    const key = await insertKey({ expiresAt: new Date(Date.now() + 150) });
    expect(await verify(key.token)).not.toBeNull();
    await sleep(200);
    expect(await verify(key.token)).toBeNull();
  });

  it("a rolled key: the old token works through its grace period (until the earlier of it and the key's expiry); the new one has no grace limit", async () => {
    const { verify } = await verifier();
    const old = generateToken();
    const grace = new Date(Date.now() + hour);
    const expiry = new Date(Date.now() + 2 * hour);
    const key = await insertKey({ previous: { token: old, expiresAt: grace }, expiresAt: expiry });
    expect((await verify(old))?.validUntil).toBe(grace.getTime());
    expect((await verify(key.token))?.validUntil).toBe(expiry.getTime());
  });

  it('a rolled key without a grace period: the old token is refused at once; past its grace period, too', async () => {
    const { verify } = await verifier();
    const old = generateToken();
    const key = await insertKey({ previous: { token: old, expiresAt: null } });
    expect(await verify(old)).toBeNull();
    expect(await verify(key.token)).toMatchObject({ apiKeyId: key.id, validUntil: null });
    const older = generateToken();
    await insertKey({ previous: { token: older, expiresAt: new Date(Date.now() - 1000) } });
    expect(await verify(older)).toBeNull();
  });

  it("the old token's limit is the key's expiry when that comes first", async () => {
    const { verify } = await verifier();
    const old = generateToken();
    const expiry = new Date(Date.now() + hour);
    await insertKey({ previous: { token: old, expiresAt: new Date(Date.now() + 2 * hour) }, expiresAt: expiry });
    expect((await verify(old))?.validUntil).toBe(expiry.getTime());
  });
});

describe('the caches', () => {
  it('a verified key is answered from the cache (a change without a revocation is not seen) until its TTL ends', async () => {
    const { verify, lookups } = await verifier({ ttlMs: 300 });
    const key = await insertKey();
    expect((await verify(key.token))?.enabled).toBe(true);
    await setEnabled(key.id, false);
    expect((await verify(key.token))?.enabled).toBe(true);
    expect(lookups()).toBe(1);
    await sleep(350);
    expect((await verify(key.token))?.enabled).toBe(false);
    expect(lookups()).toBe(2);
  });

  it('a change returns once every other listening instance has dropped the key; one that never answers holds it up ackTimeoutMs at most', async () => {
    const a = await verifier({ ackTimeoutMs: 300 });
    const b = await verifier();
    for (let round = 0; round < 5; round++) {
      const key = await insertKey();
      expect(await b.verify(key.token)).toMatchObject({ apiKeyId: key.id });
      await sql(url, 'delete from api_key where id = $1', [key.id]);
      await a.v.revoke(key.id);
      // No wait for NOTIFY: b answered the change before a returned, so its cache is gone.
      expect(await b.verify(key.token)).toBeNull();
    }
    // An instance listening without a verifier to answer (stuck, say): the change still returns.
    const mute = new Notifier(url, orm, logger);
    await mute.start();
    notifiers.push(mute);
    expect(await a.notifier.listeningInstances()).toContain(mute.instanceId);
    await a.v.revoke(randomUUID());
  });

  it("counts as an instance only the database user's own connections named keyring-listen:", async () => {
    const { notifier } = await verifier();
    const role = `probe_${randomUUID().slice(0, 8)}`;
    await sql(url, `create role ${role} login password 'probe-password'`);
    const stranger = new pg.Client({
      connectionString: url.replace(/\/\/[^@/]*@/, `//${role}:probe-password@`),
      application_name: 'keyring-listen:someone-else',
    });
    const mine = new pg.Client({ connectionString: url, application_name: 'keyring-listen:same-user' });
    await Promise.all([stranger.connect(), mine.connect()]);
    try {
      const listed = await notifier.listeningInstances();
      expect(listed).toContain(notifier.instanceId);
      expect(listed).toContain('same-user');
      expect(listed).not.toContain('someone-else');
    } finally {
      await Promise.all([stranger.end(), mine.end()]);
      await sql(url, `drop role ${role}`);
    }
  });

  it('by default a key is trusted for a minute and a miss remembered for a minute', () => {
    expect(VERIFIER_DEFAULTS).toEqual({ ttlMs: 60_000, missTtlMs: 60_000, maxEntries: 20_000, maxMisses: 10_000, ackTimeoutMs: 2000 });
  });

  it('an unknown token is remembered as unknown until its miss TTL ends (one query per token and TTL)', async () => {
    const { verify, lookups } = await verifier({ missTtlMs: 300 });
    const token = generateToken();
    expect(await verify(token)).toBeNull();
    expect(await verify(token)).toBeNull();
    expect(lookups()).toBe(1);
    const id = randomUUID();
    await sql(
      url,
      `insert into api_key (id, team_id, name, permission, token_start, token_hash, created_at, updated_at) values ($1, $2, 'k', 'FULL_ACCESS', 're_xx', $3, now(), now())`,
      [id, teamId, tokenHash(token)],
    );
    expect(await verify(token)).toBeNull();
    expect(lookups()).toBe(1);
    await sleep(350);
    expect(await verify(token)).toMatchObject({ apiKeyId: id });
    expect(lookups()).toBe(2);
    expect(await verify(token)).toMatchObject({ apiKeyId: id });
    expect(lookups()).toBe(2);
  });

  it('beforeLookup may refuse (a throttled address): its error is thrown, and the next attempt asks again', async () => {
    const { v } = await verifier();
    const key = await insertKey();
    const refused = new Error('throttled');
    await expect(
      v.verify(key.token, async () => {
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(await v.verify(key.token)).toMatchObject({ apiKeyId: key.id });
  });

  it('a revocation drops every cached token of the key at once (the old one of a roll too); other keys stay cached', async () => {
    const { v, verify, lookups } = await verifier();
    const old = generateToken();
    const key = await insertKey({ previous: { token: old, expiresAt: new Date(Date.now() + hour) } });
    const other = await insertKey();
    await verify(key.token);
    await verify(old);
    await verify(other.token);
    expect(lookups()).toBe(3);
    await setEnabled(key.id, false);
    await v.revoke(key.id);
    expect((await verify(key.token))?.enabled).toBe(false);
    expect((await verify(old))?.enabled).toBe(false);
    await verify(other.token);
    expect(lookups()).toBe(5);
  });

  it('a revocation on one instance reaches the others by NOTIFY', async () => {
    const a = await verifier();
    const b = await verifier();
    const key = await insertKey();
    await a.verify(key.token);
    await b.verify(key.token);
    await setEnabled(key.id, false);
    await a.v.revoke(key.id);
    expect((await a.verify(key.token))?.enabled).toBe(false);
    await waitFor(async () => ((await b.verify(key.token))?.enabled === false ? true : undefined), 5000, "B's copy dropped");
  });

  it('unconfirm (LISTEN lost): every cached key and miss is read again before its next use', async () => {
    const { v, verify, lookups } = await verifier();
    const key = await insertKey();
    const unknown = generateToken();
    await verify(key.token);
    await verify(unknown);
    await setEnabled(key.id, false);
    v.unconfirm();
    expect((await verify(key.token))?.enabled).toBe(false);
    await verify(unknown);
    expect(lookups()).toBe(4);
    await verify(key.token);
    await verify(unknown);
    expect(lookups()).toBe(4);
  });

  it('clear: every cached key and miss is forgotten', async () => {
    const { v, verify, lookups } = await verifier();
    const key = await insertKey();
    const unknown = generateToken();
    await verify(key.token);
    await verify(unknown);
    v.clear();
    await verify(key.token);
    await verify(unknown);
    expect(lookups()).toBe(4);
  });

  it('at most maxEntries keys are kept: the oldest inserted goes', async () => {
    const { verify, lookups } = await verifier({ maxEntries: 2 });
    const [k1, k2, k3] = await Promise.all([insertKey(), insertKey(), insertKey()]);
    await verify(k1.token);
    await verify(k2.token);
    await verify(k2.token);
    expect(lookups()).toBe(2);
    await verify(k3.token);
    await verify(k2.token);
    await verify(k3.token);
    expect(lookups()).toBe(3);
    await verify(k1.token);
    expect(lookups()).toBe(4);
  });

  it('at most maxMisses unknown tokens are remembered, apart from the keys', async () => {
    const { verify, lookups } = await verifier({ maxMisses: 2, maxEntries: 1 });
    const key = await insertKey();
    await verify(key.token);
    const [u1, u2, u3] = [generateToken(), generateToken(), generateToken()];
    await verify(u1);
    await verify(u2);
    await verify(u2);
    await verify(key.token);
    expect(lookups()).toBe(3);
    await verify(u3);
    await verify(u2);
    await verify(u3);
    expect(lookups()).toBe(4);
    await verify(u1);
    expect(lookups()).toBe(5);
    await verify(key.token);
    expect(lookups()).toBe(5);
  });

  it('a token that becomes known drops its miss; one that becomes unknown drops its key', async () => {
    const { v, verify, lookups } = await verifier({ missTtlMs: 0 });
    const key = await insertKey();
    await verify(key.token);
    await sql(url, 'delete from api_key where id = $1', [key.id]);
    await v.revoke(key.id);
    expect(await verify(key.token)).toBeNull();
    expect(lookups()).toBe(2);
  });
});

describe('the clock (faked: Date only), on the boundaries', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a key expiring at T works at T − 1 ms and is refused at T, read afresh or from the cache', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { verify, lookups } = await verifier();
    const t = Date.now() + 5_000;
    const key = await insertKey({ expiresAt: new Date(t) });
    const fresh = await insertKey({ expiresAt: new Date(t) });
    vi.setSystemTime(t - 1);
    expect(await verify(key.token)).toMatchObject({ apiKeyId: key.id, validUntil: t });
    vi.setSystemTime(t);
    expect(await verify(key.token)).toBeNull();
    expect(await verify(fresh.token)).toBeNull();
    expect(lookups()).toBe(2);
  });

  it("a rolled key's old token works at its grace period's last millisecond and is refused when it ends", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { verify } = await verifier();
    const old = generateToken();
    const t = Date.now() + 5_000;
    await insertKey({ previous: { token: old, expiresAt: new Date(t) } });
    vi.setSystemTime(t - 1);
    expect(await verify(old)).toMatchObject({ validUntil: t });
    vi.setSystemTime(t);
    expect(await verify(old)).toBeNull();
  });

  it('a verified key is trusted for ttlMs: from the cache until its last millisecond, read again once ttlMs old', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { verify, lookups } = await verifier({ ttlMs: 1_000 });
    const key = await insertKey();
    const t0 = Date.now();
    expect((await verify(key.token))?.enabled).toBe(true);
    await setEnabled(key.id, false);
    vi.setSystemTime(t0 + 999);
    expect((await verify(key.token))?.enabled).toBe(true);
    expect(lookups()).toBe(1);
    vi.setSystemTime(t0 + 1_000);
    expect((await verify(key.token))?.enabled).toBe(false);
    expect(lookups()).toBe(2);
  });

  it('an unknown token is remembered for missTtlMs: until its last millisecond, asked again once missTtlMs old', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { verify, lookups } = await verifier({ missTtlMs: 1_000 });
    const token = generateToken();
    const t0 = Date.now();
    expect(await verify(token)).toBeNull();
    const id = randomUUID();
    await sql(
      url,
      `insert into api_key (id, team_id, name, permission, token_start, token_hash, created_at, updated_at) values ($1, $2, 'k', 'FULL_ACCESS', 're_xx', $3, now(), now())`,
      [id, teamId, tokenHash(token)],
    );
    vi.setSystemTime(t0 + 999);
    expect(await verify(token)).toBeNull();
    expect(lookups()).toBe(1);
    vi.setSystemTime(t0 + 1_000);
    expect(await verify(token)).toMatchObject({ apiKeyId: id });
    expect(lookups()).toBe(2);
  });
});

/**
 * The verifier's own database connections through a loopback proxy that can hold PostgreSQL's
 * answers (the query has run, its snapshot taken, the answer not yet delivered: a lookup in flight
 * that read the key as it was) or cut every connection (the database unreachable). `answers`
 * counts the statements sent (Parse or Query messages).
 */
async function proxied(opts: Partial<VerifierOptions> = {}) {
  const target = new URL(url);
  const held: { client: net.Socket; data: Buffer }[] = [];
  const sockets = new Set<net.Socket>();
  let hold = false;
  let cut = false;
  let answers = 0;
  let complete = false;
  const server = net.createServer((client) => {
    if (cut) return void client.destroy();
    sockets.add(client);
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    client.on('data', (d) => {
      if (d[0] === 0x50 || d[0] === 0x51) answers++;
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      // Ends with ReadyForQuery: the whole answer is here.
      complete = d.length >= 6 && d[d.length - 6] === 0x5a && d.readUInt32BE(d.length - 5) === 5;
      if (hold) held.push({ client, data: d });
      else client.write(d);
    });
    for (const s of [client, upstream]) {
      s.on('error', () => undefined);
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String((server.address() as net.AddressInfo).port);
  const db = await initOrm(u.toString(), logger);
  proxies.push({ server, db, sockets });
  // Two connections open before anything is held (a handshake would be held too).
  await Promise.all([1, 2].map(() => db.em.getConnection().execute('select pg_sleep(0.05)')));
  answers = 0;
  const notifier = new Notifier(url, orm, logger);
  await notifier.start();
  notifiers.push(notifier);
  const v = new ApiKeyVerifier(db, notifier, opts);
  let lookups = 0;
  return {
    v,
    verify: (token: string) =>
      v.verify(token, async () => {
        lookups++;
      }),
    lookups: () => lookups,
    answers: () => answers,
    hold() {
      hold = true;
    },
    /** Waits until the nth statement has been sent and a whole answer is held back. */
    async heldAnswer(n = 1) {
      await waitFor(() => (answers >= n && held.length && complete ? true : undefined), 5000, 'a held answer');
    },
    /** Waits until n whole answers are held back, on as many connections. */
    async heldOn(n: number) {
      const whole = () =>
        [...new Set(held.map((h) => h.client))].filter((c) => {
          const d = Buffer.concat(held.filter((h) => h.client === c).map((h) => h.data));
          return d.length >= 6 && d[d.length - 6] === 0x5a && d.readUInt32BE(d.length - 5) === 5;
        });
      await waitFor(() => (whole().length >= n ? true : undefined), 5000, 'held answers');
    },
    /** Lets through only the answers that hold this text (a key's id), and keeps holding. */
    releaseHolding(text: string) {
      const clients = new Set(held.filter((h) => h.data.includes(text)).map((h) => h.client));
      for (const h of held.filter((x) => clients.has(x.client))) {
        held.splice(held.indexOf(h), 1);
        h.client.write(h.data);
      }
    },
    release(keepHolding = false) {
      hold = keepHolding;
      complete = false;
      for (const h of held.splice(0)) h.client.write(h.data);
    },
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
  };
}
const proxies: { server: net.Server; db: MikroORM; sockets: Set<net.Socket> }[] = [];
afterAll(async () => {
  for (const p of proxies) {
    for (const s of p.sockets) s.destroy();
    await p.db.close().catch(() => undefined);
    p.server.close();
  }
});

describe('changes while a key is read', () => {
  it('its own revocation: the key is read again, and what was read before is not cached', async () => {
    const p = await proxied();
    const key = await insertKey();
    p.hold();
    const pending = p.verify(key.token);
    await p.heldAnswer();
    await setEnabled(key.id, false);
    p.v.forget(key.id);
    p.release();
    expect((await pending)?.enabled).toBe(false);
    expect(p.answers()).toBe(2);
    expect((await p.verify(key.token))?.enabled).toBe(false);
    expect(p.lookups()).toBe(1);
  });

  it("another key's revocation: one read, cached", async () => {
    const p = await proxied();
    const key = await insertKey();
    p.hold();
    const pending = p.verify(key.token);
    await p.heldAnswer();
    p.v.forget(randomUUID());
    p.release();
    expect((await pending)?.enabled).toBe(true);
    expect(p.answers()).toBe(1);
    await p.verify(key.token);
    expect(p.lookups()).toBe(1);
  });

  it('more revocations than maxEntries tracks: every key read meanwhile is read again', async () => {
    const once = await proxied({ maxEntries: 1 });
    const key = await insertKey();
    once.hold();
    let pending = once.verify(key.token);
    await once.heldAnswer();
    once.v.forget(randomUUID());
    once.release();
    await pending;
    expect(once.answers()).toBe(1);
    const twice = await proxied({ maxEntries: 1 });
    twice.hold();
    pending = twice.verify(key.token);
    await twice.heldAnswer();
    twice.v.forget(randomUUID());
    twice.v.forget(randomUUID());
    twice.release();
    expect((await pending)?.apiKeyId).toBe(key.id);
    expect(twice.answers()).toBe(2);
  });

  it('a reset (LISTEN lost): the key is read again', async () => {
    const p = await proxied();
    const key = await insertKey();
    p.hold();
    const pending = p.verify(key.token);
    await p.heldAnswer();
    await setEnabled(key.id, false);
    p.v.unconfirm();
    p.release();
    expect((await pending)?.enabled).toBe(false);
    expect(p.answers()).toBe(2);
  });

  it('clear during the read: the key is read again', async () => {
    const p = await proxied();
    const key = await insertKey();
    p.hold();
    const pending = p.verify(key.token);
    await p.heldAnswer();
    await setEnabled(key.id, false);
    p.v.clear();
    p.release();
    expect((await pending)?.enabled).toBe(false);
    expect(p.answers()).toBe(2);
  });

  it('a revocation during two overlapping reads still counts for the one that ends last', async () => {
    const p = await proxied();
    const [a, b] = await Promise.all([insertKey(), insertKey()]);
    p.hold();
    const first = p.verify(a.token);
    const second = p.verify(b.token);
    await p.heldOn(2);
    await setEnabled(a.id, false);
    p.v.forget(a.id);
    p.releaseHolding(b.id);
    expect((await second)?.apiKeyId).toBe(b.id);
    p.release();
    expect((await first)?.enabled).toBe(false);
  });

  it('revoked during every one of four reads: refused, not answered from a read that may predate the last revocation', async () => {
    const p = await proxied();
    const key = await insertKey();
    p.hold();
    const pending = p.verify(key.token);
    for (let n = 1; n <= 4; n++) {
      await p.heldAnswer(n);
      p.v.forget(key.id);
      p.release(n < 4);
    }
    expect(await pending).toBeNull();
    expect(p.answers()).toBe(4);
    expect(await p.verify(key.token)).toMatchObject({ apiKeyId: key.id });
    expect(p.lookups()).toBe(2);
  });

  it('an unknown token while keys change: not remembered as unknown; read again (and found once it exists); after four such reads, refused', async () => {
    const p = await proxied();
    const token = generateToken();
    p.hold();
    let pending = p.verify(token);
    await p.heldAnswer();
    const id = randomUUID();
    await sql(
      url,
      `insert into api_key (id, team_id, name, permission, token_start, token_hash, created_at, updated_at) values ($1, $2, 'k', 'FULL_ACCESS', 're_xx', $3, now(), now())`,
      [id, teamId, tokenHash(token)],
    );
    p.v.forget(randomUUID());
    p.release();
    expect(await pending).toMatchObject({ apiKeyId: id });
    expect(p.answers()).toBe(2);

    const unknown = generateToken();
    const before = p.answers();
    p.hold();
    pending = p.verify(unknown);
    for (let n = 1; n <= 4; n++) {
      await p.heldAnswer(before + n);
      p.v.forget(randomUUID());
      p.release(n < 4);
    }
    expect(await pending).toBeNull();
    expect(p.answers()).toBe(before + 4);
    expect(await p.verify(unknown)).toBeNull();
    expect(p.lookups()).toBe(3);
    expect(await p.verify(unknown)).toBeNull();
    expect(p.lookups()).toBe(3);
  });

  it('concurrent lookups of one token: one query', async () => {
    const p = await proxied();
    const key = await insertKey();
    const [a, b] = await Promise.all([p.verify(key.token), p.verify(key.token)]);
    expect(a?.apiKeyId).toBe(key.id);
    expect(b).toEqual(a);
    expect(p.answers()).toBe(1);
  });
});

describe('the database unreachable', () => {
  it('a key known before stays known (its request gets a 503, its log is kept); an unknown token gets the connection error', async () => {
    const p = await proxied({ ttlMs: 50 });
    const key = await insertKey();
    expect(await p.verify(key.token)).toMatchObject({ apiKeyId: key.id });
    await sleep(80);
    p.cut();
    expect(await p.verify(key.token)).toMatchObject({ apiKeyId: key.id });
    expect(p.lookups()).toBe(2);
    const error = await p.verify(generateToken()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConnectionError(error)).toBe(true);
  });
});

describe('the LISTEN connection lost', () => {
  it('every cached key is read again before its next use', async () => {
    const { verify, lookups } = await verifier();
    const key = await insertKey();
    await verify(key.token);
    await setEnabled(key.id, false);
    await sql(url, `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query like 'LISTEN%'`);
    await waitFor(async () => ((await verify(key.token))?.enabled === false ? true : undefined), 5000, 'the key read again');
    expect(lookups()).toBeGreaterThan(1);
  });
});

/*
 * A change's acknowledgements, on a database of their own: no instance listens there but those a
 * test starts. Another instance is played by a plain connection named `keyring-listen:<id>` that
 * LISTENs for changes and answers each as the test says — as PostgreSQL sees an instance.
 */
describe('acknowledgements', () => {
  let ackUrl: string;
  let ackOrm: MikroORM;
  const started: Notifier[] = [];
  const clients: pg.Client[] = [];
  beforeAll(async () => {
    ackUrl = await createTestDatabase('verifier_acks');
    ackOrm = await initOrm(ackUrl, logger);
    await migrate(ackOrm);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
    for (const n of started.splice(0)) await n.close();
  });
  afterAll(async () => {
    await ackOrm?.close();
  });

  async function instance(opts: Partial<VerifierOptions> = {}) {
    const notifier = new Notifier(ackUrl, ackOrm, logger);
    await notifier.start();
    started.push(notifier);
    return { notifier, v: new ApiKeyVerifier(ackOrm, notifier, opts) };
  }
  /** Another instance: `answer` gives the acknowledgement it sends for a change, or null for none. */
  async function other(answer: (changeId: string, id: string) => string | null) {
    const id = randomUUID();
    const c = new pg.Client({ connectionString: ackUrl, application_name: `keyring-listen:${id}` });
    await c.connect();
    clients.push(c);
    await c.query('listen api_key_revoked');
    c.on('notification', (n) => {
      const reply = answer((n.payload ?? '').split(' ')[1], id);
      if (reply !== null) void c.query('select pg_notify($1, $2)', ['api_key_ack', reply]).catch(() => undefined);
    });
    return { id, stop: () => c.end() };
  }
  const answers = (changeId: string, id: string) => `${changeId} ${id}`;
  const mute = () => null;
  const took = async (f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };
  const ackListeners = (n: Notifier) => (n as unknown as { listeners: Map<string, Set<unknown>> }).listeners.get('api_key_ack')?.size ?? 0;
  const unresponsive = (v: ApiKeyVerifier) => (v as unknown as { unresponsive: Map<string, number> }).unresponsive;

  it('with no other instance listening, a change waits for no one', async () => {
    const a = await instance({ ackTimeoutMs: 5000 });
    expect(await took(() => a.v.revoke(randomUUID()))).toBeLessThan(2500);
    expect(ackListeners(a.notifier)).toBe(0);
  });

  it('it waits for every other instance: one that answers is not enough while another has not; both answering, it returns at once', async () => {
    const a = await instance({ ackTimeoutMs: 800 });
    await other(answers);
    const silent = await other(mute);
    expect(await took(() => a.v.revoke(randomUUID()))).toBeGreaterThanOrEqual(750);
    await silent.stop();
    const b = await instance({ ackTimeoutMs: 5000 });
    await other(answers);
    expect(await took(() => b.v.revoke(randomUUID()))).toBeLessThan(2500);
    expect(ackListeners(a.notifier)).toBe(0);
    expect(ackListeners(b.notifier)).toBe(0);
  });

  it('an acknowledgement of another change does not count: that instance is waited for until ackTimeoutMs', async () => {
    const a = await instance({ ackTimeoutMs: 800 });
    await other((_change, id) => `${randomUUID()} ${id}`);
    expect(await took(() => a.v.revoke(randomUUID()))).toBeGreaterThanOrEqual(750);
  });

  it('an instance that let a change time out is not waited for again while it listens; once gone, it is forgotten', async () => {
    const a = await instance({ ackTimeoutMs: 800 });
    const silent = await other(mute);
    expect(await took(() => a.v.revoke(randomUUID()))).toBeGreaterThanOrEqual(750);
    expect(unresponsive(a.v).get(silent.id)).toBeGreaterThan(Date.now() + 25_000);
    // Twice more within its 30 s: not waited for (its place kept while it still listens).
    expect(await took(() => a.v.revoke(randomUUID()))).toBeLessThan(600);
    expect(await took(() => a.v.revoke(randomUUID()))).toBeLessThan(600);
    expect(unresponsive(a.v).has(silent.id)).toBe(true);
    await silent.stop();
    await waitFor(async () => (!(await a.notifier.listeningInstances()).includes(silent.id) ? true : undefined), 5000, 'the instance gone');
    await a.v.revoke(randomUUID());
    expect(unresponsive(a.v).size).toBe(0);
  });

  it('the instances unknown (the query failed): the change is still told and returns, waiting for no one', async () => {
    const a = await instance({ ackTimeoutMs: 5000 });
    const b = await instance();
    const key = await (async () => {
      const id = randomUUID();
      const token = generateToken();
      const team = randomUUID();
      await sql(ackUrl, `insert into team (id, name, created_at) values ($1, 'Acks', now())`, [team]);
      await sql(
        ackUrl,
        `insert into api_key (id, team_id, name, permission, token_start, token_hash, created_at, updated_at, enabled)
         values ($1, $2, 'k', 'FULL_ACCESS', 're_xx', $3, now(), now(), true)`,
        [id, team, tokenHash(token)],
      );
      return { id, token };
    })();
    expect(await b.v.verify(key.token, async () => undefined)).toMatchObject({ apiKeyId: key.id });
    await sql(ackUrl, 'delete from api_key where id = $1', [key.id]);
    vi.spyOn(a.notifier, 'listeningInstances').mockRejectedValueOnce(new Error('pg_stat_activity unreadable'));
    expect(await took(() => a.v.revoke(key.id))).toBeLessThan(2500);
    await waitFor(async () => ((await b.v.verify(key.token, async () => undefined)) === null ? true : undefined), 5000, 'b to drop the key');
  });

  it('a change told without an id (by an instance of the version before acknowledgements) is not acknowledged', async () => {
    await instance();
    const listener = new pg.Client({ connectionString: ackUrl });
    await listener.connect();
    clients.push(listener);
    const acks: string[] = [];
    listener.on('notification', (n) => acks.push(n.payload ?? ''));
    await listener.query('listen api_key_ack');
    await sql(ackUrl, `select pg_notify('api_key_revoked', $1)`, [randomUUID()]);
    const change = randomUUID();
    await sql(ackUrl, `select pg_notify('api_key_revoked', $1)`, [`${randomUUID()} ${change}`]);
    await waitFor(() => (acks.length > 0 ? true : undefined), 5000, 'the acknowledgement of the change with an id');
    await sleep(300);
    expect(acks.map((p) => p.split(' ')[0])).toEqual([change]);
  });
});
