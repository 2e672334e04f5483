// The request gate (modules/auth/gate.ts) driven directly: gates of its own (small limits) over a
// real server's key verifier and usage recorder, so each rule is checked exactly and fast — the
// Authorization header's forms, disabled keys, the unknown-token throttle, the rate limits' messages
// and headers, and what a flood of refusals writes to the usage logs. Written from the mutants of
// gate.ts (pnpm test:mutation auth-gate); gate.test.ts covers the same door through HTTP.
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initOrm } from '../src/db/orm.js';
import { AppError } from '../src/errors.js';
import { createLogger } from '../src/logger.js';
import { generateToken } from '../src/modules/api-key/token.js';
import { type Admission, type Credentials, DISABLED_KEY_MESSAGE, type Outcome, RequestGate } from '../src/modules/auth/gate.js';
import { SESSION_COOKIE } from '../src/modules/auth/session.js';
import { signUpAdmin, sql, startTestServer, type TestServer } from './harness.js';
import { createKey, setUpTeam, type Team } from './rest-harness.js';

let server: TestServer;
let orm: MikroORM;
let team: Team;
const gates: RequestGate[] = [];
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SECOND: '0' });
  orm = await initOrm(server.databaseUrl, createLogger('silent'));
  team = await setUpTeam(server, 'Gate');
});
afterAll(async () => {
  for (const g of gates) g.close();
  await orm?.close();
  await server?.stop();
});

function gate(opts: Partial<ConstructorParameters<typeof RequestGate>[1]> = {}) {
  const { apiKeyVerifier: verifier, usageRecorder: recorder } = server.app.services;
  const g = new RequestGate({ verifier, recorder, knex: orm.em.getConnection().getKnex() }, { teamPerSecond: 0, sessionPerMinute: 0, ...opts });
  gates.push(g);
  return g;
}
const em = () => orm.em.fork() as EntityManager;
let n = 0;
const ip = () => `2001:db8:9a7e:${(n++).toString(16)}::1`;

/** The admission, or the AppError the gate threw. */
async function admit(g: RequestGate, credentials: Partial<Credentials>): Promise<Admission | AppError> {
  try {
    return await g.admit({ ip: ip(), ...credentials }, em);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
}

const logs = async (apiKeyId: string) => {
  await server.app.services.usageRecorder.flush();
  return sql<{
    method: string;
    endpoint: string;
    status_code: number;
    user_agent: string | null;
    duration_ms: number;
    request_body: unknown;
    response_body: unknown;
    created_at: Date;
  }>(
    server.databaseUrl,
    'select method, endpoint, status_code, user_agent, duration_ms, request_body, response_body, created_at from usage_log where api_key_id = $1 order by created_at',
    [apiKeyId],
  );
};
const outcome = (over: Partial<Outcome> = {}): Outcome => ({
  method: 'GET',
  endpoint: '/domains',
  statusCode: 200,
  userAgent: 'gate-test',
  requestBody: null,
  responseBody: { ok: true },
  ...over,
});

describe('the Authorization header', () => {
  it('Bearer in any case, with any spaces around the token; anything else is an invalid key', async () => {
    const g = gate();
    for (const header of [`Bearer ${team.full.token}`, `bearer ${team.full.token}`, `BEARER   ${team.full.token}  `]) {
      const a = await admit(g, { authorization: header });
      expect(a, header).not.toBeInstanceOf(AppError);
      expect((a as Admission).key?.apiKeyId).toBe(team.full.id);
      expect((a as Admission).actor).toMatchObject({ kind: 'apiKey' });
    }
    for (const header of [team.full.token, `Token ${team.full.token}`, `Bearer ${team.full.token} x`, `xBearer ${team.full.token}`, 'Bearer', 'Bearer ']) {
      expect(await admit(g, { authorization: header }), header).toMatchObject({
        code: 'UNAUTHENTICATED',
        message: 'API key is invalid.',
        restName: 'invalid_api_key',
      });
    }
  });

  it('an empty header or none is an anonymous request; a session is read only without a header', async () => {
    const g = gate();
    for (const authorization of [undefined, ''])
      expect(await admit(g, { authorization })).toMatchObject({ actor: null, key: null, refusal: null, headers: {} });
    const { client } = await signUpAdmin(server, 'Session');
    const sessionToken = client.cookie?.slice(`${SESSION_COOKIE}=`.length);
    expect(await admit(g, { sessionToken })).toMatchObject({ actor: { kind: 'user' }, key: null });
    expect(await admit(g, { sessionToken: 'not-a-session' })).toMatchObject({ actor: null, key: null });
    // With a key, the key is who calls, whatever the cookie.
    expect(await admit(g, { sessionToken, authorization: `Bearer ${team.full.token}` })).toMatchObject({ actor: { kind: 'apiKey' } });
  });

  it('a disabled key is refused with its own message', async () => {
    const key = await createKey(team.admin, { name: 'to disable', permission: 'FULL_ACCESS' });
    const res = await team.admin.gql('mutation($id: ID!) { updateApiKey(id: $id, input: { enabled: false }) { enabled } }', { id: key.id });
    expect(res.errors).toBeUndefined();
    // Refused through its admission, with no actor, and logged: who still calls it is why one disables a key.
    const g = gate({ teamPerSecond: 1 });
    const a = (await admit(g, { authorization: `Bearer ${key.token}` })) as Admission;
    expect(a.actor).toBeNull();
    expect(a.refusal).toMatchObject({ code: 'UNAUTHENTICATED', message: DISABLED_KEY_MESSAGE, restName: 'invalid_api_key' });
    expect(a.headers).toEqual({}); // not counted against the rate limit
    a.finish(outcome({ endpoint: '/disabled', statusCode: 403 }));
    expect((await logs(key.id)).map((r) => [r.endpoint, r.status_code])).toEqual([['/disabled', 403]]);
    // Two more in the same second: a limit of 1 would have refused them as 429 had they been counted.
    for (let i = 0; i < 2; i++) expect(((await admit(g, { authorization: `Bearer ${key.token}` })) as Admission).refusal?.code).toBe('UNAUTHENTICATED');
  });
});

describe('unknown tokens from one address', () => {
  it('past failedAuthPerMinute a minute are refused with 429; malformed ones and real keys do not count', async () => {
    const g = gate({ failedAuthPerMinute: 3 });
    const from = ip();
    // Malformed tokens never reach the database: they do not count.
    for (let i = 0; i < 5; i++) expect(await admit(g, { ip: from, authorization: 'Bearer not-a-token' })).toMatchObject({ code: 'UNAUTHENTICATED' });
    for (let i = 0; i < 3; i++) expect(await admit(g, { ip: from, authorization: `Bearer ${generateToken()}` })).toMatchObject({ code: 'UNAUTHENTICATED' });
    const refused = await admit(g, { ip: from, authorization: `Bearer ${generateToken()}` });
    expect(refused).toMatchObject({ code: 'RATE_LIMITED' });
    const retry = (refused as AppError).retryAfterSeconds ?? 0;
    expect(retry).toBeGreaterThan(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect((refused as AppError).message).toBe(`Too many requests with invalid API keys from this address. Retry after ${retry} seconds.`);
    // Another address is not refused; a known key from this one still works.
    expect(await admit(g, { authorization: `Bearer ${generateToken()}` })).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await admit(g, { ip: from, authorization: `Bearer ${team.full.token}` })).toMatchObject({ key: { apiKeyId: team.full.id } });
  });
});

describe('rate limits', () => {
  it("a key's team: the limit per second, answered with RateLimit headers and a message that says it", async () => {
    const g = gate({ teamPerSecond: 2 });
    const answers = (await Promise.all(Array.from({ length: 8 }, () => admit(g, { authorization: `Bearer ${team.sending.token}` })))) as Admission[];
    const admitted = answers.filter((a) => !a.refusal);
    const refused = answers.filter((a) => a.refusal);
    expect(refused.length).toBeGreaterThan(0);
    // A second's boundary may fall inside the burst: then two seconds' worth.
    expect(admitted.length).toBeLessThanOrEqual(4);
    for (const a of admitted) {
      expect(a.headers['ratelimit-limit']).toBe('2');
      expect(['0', '1']).toContain(a.headers['ratelimit-remaining']);
      expect(a.headers['ratelimit-reset']).toBe('1');
    }
    for (const a of refused) {
      expect(a.refusal).toMatchObject({ code: 'RATE_LIMITED', message: 'Too many requests. You can only make 2 requests per second. Retry after 1 second.' });
      expect(a.headers).toEqual({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0', 'ratelimit-reset': '1', 'retry-after': '1' });
      // Still the key's admission: it is logged.
      expect(a.key?.apiKeyId).toBe(team.sending.id);
    }
  });

  it("a session's user: the limit per minute; 0 turns a limit off", async () => {
    const { client } = await signUpAdmin(server, 'Limited');
    const sessionToken = client.cookie?.slice(`${SESSION_COOKIE}=`.length);
    const g = gate({ sessionPerMinute: 3, teamPerSecond: 0 });
    const answers: Admission[] = [];
    for (let i = 0; i < 4; i++) answers.push((await admit(g, { sessionToken })) as Admission);
    expect(answers.slice(0, 3).map((a) => [a.refusal, a.headers['ratelimit-limit'], a.headers['ratelimit-remaining']])).toEqual([
      [null, '3', '2'],
      [null, '3', '1'],
      [null, '3', '0'],
    ]);
    const refusal = answers[3].refusal as AppError;
    expect(refusal.code).toBe('RATE_LIMITED');
    const retry = refusal.retryAfterSeconds ?? 0;
    expect(retry).toBeGreaterThan(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(refusal.message).toBe(`Too many requests. You can only make 3 requests per minute. Retry after ${retry} seconds.`);
    expect(answers[3].headers).toMatchObject({ 'ratelimit-limit': '3', 'ratelimit-remaining': '0', 'ratelimit-reset': String(retry) });
    // Keys are not limited by a gate whose team limit is 0: no refusal, no headers.
    for (let i = 0; i < 5; i++) expect(await admit(g, { authorization: `Bearer ${team.full.token}` })).toMatchObject({ refusal: null, headers: {} });
  });
});

describe('usage logs', () => {
  it("a key's request is logged once, however often it finishes, with its duration; a session's is not", async () => {
    const key = await createKey(team.admin, { name: 'logged once', permission: 'FULL_ACCESS' });
    const g = gate();
    const a = (await admit(g, { authorization: `Bearer ${key.token}` })) as Admission;
    a.finish(outcome({ endpoint: '/once' }));
    a.finish(outcome({ endpoint: '/twice' }));
    const rows = await logs(key.id);
    expect(rows.map((r) => [r.endpoint, r.status_code, r.user_agent])).toEqual([['/once', 200, 'gate-test']]);
    expect(rows[0].duration_ms).toBeGreaterThanOrEqual(0);
    expect(rows[0].duration_ms).toBeLessThan(60_000);
    const { client } = await signUpAdmin(server, 'Unlogged');
    const s = (await admit(g, { sessionToken: client.cookie?.slice(`${SESSION_COOKIE}=`.length) })) as Admission;
    expect(() => s.finish(outcome())).not.toThrow();
  });

  it('refusals: refusalsLoggedPerMinute logged in full per key, the rest summed up in one entry when flushed; other answers all logged', async () => {
    for (let attempt = 0; ; attempt++) {
      const key = await createKey(team.admin, { name: `flooded ${attempt}`, permission: 'FULL_ACCESS' });
      const g = gate({ refusalsLoggedPerMinute: 2 });
      const minute = Math.floor(Date.now() / 60_000);
      for (let i = 0; i < 6; i++) {
        const a = (await admit(g, { authorization: `Bearer ${key.token}` })) as Admission;
        a.finish(outcome({ statusCode: 429, endpoint: `/refused/${i}`, userAgent: `agent ${i}` }));
      }
      for (let i = 0; i < 3; i++) ((await admit(g, { authorization: `Bearer ${key.token}` })) as Admission).finish(outcome({ endpoint: `/ok/${i}` }));
      g.flushRefusals();
      // A minute's boundary inside the flood splits it in two minutes' worth: try again.
      if (Math.floor(Date.now() / 60_000) !== minute && attempt < 2) continue;
      const rows = await logs(key.id);
      const full = rows.filter((r) => r.endpoint.startsWith('/refused/'));
      expect(full.map((r) => r.endpoint)).toEqual(['/refused/0', '/refused/1']);
      expect(rows.filter((r) => r.endpoint.startsWith('/ok/'))).toHaveLength(3);
      const summary = rows.filter((r) => r.endpoint === '(rate limited)');
      expect(summary).toHaveLength(1);
      expect(summary[0]).toMatchObject({
        method: '*',
        status_code: 429,
        user_agent: 'agent 5',
        duration_ms: 0,
        request_body: null,
        response_body: { refused: 4, message: '4 more requests refused by the rate limit in this minute.' },
      });
      // Dated within the minute of the refusals it sums up.
      expect(new Date(summary[0].created_at).getTime()).toBeGreaterThanOrEqual(minute * 60_000);
      expect(new Date(summary[0].created_at).getTime()).toBeLessThanOrEqual(Date.now());
      // Flushed once: flushing again writes nothing more; closing the gate neither.
      g.flushRefusals();
      g.close();
      expect(await logs(key.id)).toHaveLength(rows.length);
      return;
    }
  });

  it('closing the gate writes the refusals summed up so far', async () => {
    const key = await createKey(team.admin, { name: 'closed', permission: 'FULL_ACCESS' });
    let g = gate({ refusalsLoggedPerMinute: 1 });
    for (let attempt = 0; attempt < 3; attempt++) {
      g = gate({ refusalsLoggedPerMinute: 1 });
      const minute = Math.floor(Date.now() / 60_000);
      for (let i = 0; i < 3; i++) ((await admit(g, { authorization: `Bearer ${key.token}` })) as Admission).finish(outcome({ statusCode: 429 }));
      if (Math.floor(Date.now() / 60_000) === minute) break;
      // A minute's boundary inside: start again with a gate of its own, after clearing the key's logs.
      g.close();
      await logs(key.id);
      await sql(server.databaseUrl, 'delete from usage_log where api_key_id = $1', [key.id]);
    }
    g.close();
    const rows = await logs(key.id);
    expect(rows.map((r) => r.endpoint).sort()).toEqual(['(rate limited)', '/domains'].sort());
    expect(rows.find((r) => r.endpoint === '(rate limited)')?.response_body).toMatchObject({ refused: 2 });
  });
});

describe("the clock (faked: Date, and the sweeper's interval where it matters)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const refuse = async (g: RequestGate, token: string, endpoint: string) =>
    ((await admit(g, { authorization: `Bearer ${token}` })) as Admission).finish(outcome({ statusCode: 429, endpoint }));

  it("the sweeper writes a minute's summary within 5 s of the minute's end, dated at its last millisecond; not before, and once", async () => {
    const key = await createKey(team.admin, { name: 'swept', permission: 'FULL_ACCESS' });
    const minute = Math.floor(Date.now() / 60_000) + 2;
    // The gate's sweeper is set up under the fake clock: it runs only when the test moves the time on.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: minute * 60_000 + 40_500 });
    const g = gate({ refusalsLoggedPerMinute: 1 });
    for (let i = 0; i < 3; i++) await refuse(g, key.token, `/swept/${i}`);
    // The sweeps at :45.5, :50.5 and :55.5 of the same minute write nothing.
    vi.advanceTimersByTime(15_000);
    expect((await logs(key.id)).map((r) => r.endpoint)).toEqual(['/swept/0']);
    // The sweep at :00.5 of the next minute sums it up.
    vi.advanceTimersByTime(5_000);
    const rows = await logs(key.id);
    expect(rows.map((r) => r.endpoint)).toEqual(['/swept/0', '(rate limited)']);
    expect(rows[1].response_body).toEqual({ refused: 2, message: '2 more requests refused by the rate limit in this minute.' });
    expect(new Date(rows[1].created_at).getTime()).toBe((minute + 1) * 60_000 - 1);
    // Written once: later sweeps, a flush and closing the gate add nothing.
    vi.advanceTimersByTime(10_000);
    g.close();
    expect(await logs(key.id)).toHaveLength(2);
  });

  it("refusals in a new minute before any sweep: the last minute's summed up apart, dated in it; the new minute's first ones logged in full again", async () => {
    const key = await createKey(team.admin, { name: 'two minutes', permission: 'FULL_ACCESS' });
    const minute = Math.floor(Date.now() / 60_000) + 2;
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: minute * 60_000 + 58_000 });
    const g = gate({ refusalsLoggedPerMinute: 1 });
    for (let i = 0; i < 3; i++) await refuse(g, key.token, `/old/${i}`);
    // The next minute, with no sweep in between (the sweeper's interval is not run).
    vi.setSystemTime((minute + 1) * 60_000 + 1_000);
    for (let i = 0; i < 3; i++) await refuse(g, key.token, `/new/${i}`);
    const rows = await logs(key.id);
    expect(rows.map((r) => [r.endpoint, new Date(r.created_at).getTime(), r.response_body])).toEqual([
      ['/old/0', minute * 60_000 + 58_000, { ok: true }],
      ['(rate limited)', (minute + 1) * 60_000 - 1, { refused: 2, message: '2 more requests refused by the rate limit in this minute.' }],
      ['/new/0', (minute + 1) * 60_000 + 1_000, { ok: true }],
    ]);
    // The new minute's summary, flushed before its end: dated now.
    g.flushRefusals();
    const summary = (await logs(key.id)).slice(3);
    expect(summary.map((r) => [r.endpoint, new Date(r.created_at).getTime(), r.response_body])).toEqual([
      ['(rate limited)', (minute + 1) * 60_000 + 1_000, { refused: 2, message: '2 more requests refused by the rate limit in this minute.' }],
    ]);
    g.close();
  });

  it('an address refused for unknown tokens is told the seconds left of its minute: "2 seconds", then "1 second"', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const g = gate({ failedAuthPerMinute: 1 });
    const from = ip();
    const t0 = Date.now();
    expect(await admit(g, { ip: from, authorization: `Bearer ${generateToken()}` })).toMatchObject({ code: 'UNAUTHENTICATED' });
    vi.setSystemTime(t0 + 58_000);
    expect(await admit(g, { ip: from, authorization: `Bearer ${generateToken()}` })).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 2,
      message: 'Too many requests with invalid API keys from this address. Retry after 2 seconds.',
    });
    vi.setSystemTime(t0 + 59_500);
    expect(await admit(g, { ip: from, authorization: `Bearer ${generateToken()}` })).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 1,
      message: 'Too many requests with invalid API keys from this address. Retry after 1 second.',
    });
  });
});
