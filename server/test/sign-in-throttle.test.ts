import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addressKey,
  SIGN_IN_MAX_BACKOFF_SECONDS,
  SIGN_IN_PER_ACCOUNT,
  SIGN_IN_PER_ACCOUNT_ADDRESS,
  SIGN_IN_PER_ADDRESS,
} from '../src/modules/auth/sign-in-throttle.js';
import { PASSWORD, startTestServer, type TestServer, uniqueEmail } from './harness.js';

// Addresses are given as X-Forwarded-For from loopback (trusted: `trust proxy` is loopback), from
// the documentation ranges; no traffic goes anywhere but 127.0.0.1.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { id } }`;
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { id } }`;

type Answer = { status: number; retryAfter: string | null; code?: string; retryAfterExt?: number; message?: string; ok: boolean };

async function gqlFrom(address: string, query: string, input: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ query, variables: { input } }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string; retryAfter?: number } }[] };
  const e = body.errors?.[0];
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    code: e?.extensions?.code,
    retryAfterExt: e?.extensions?.retryAfter,
    message: e?.message,
    ok: !body.errors,
  };
}

const signIn = (address: string, email: string, password: string) => gqlFrom(address, SIGN_IN, { email, password });

async function owner(address: string) {
  const email = uniqueEmail('owner');
  const res = await gqlFrom(address, SIGN_UP, { email, password: PASSWORD, teamName: 'Owner' });
  expect(res.ok, res.message).toBe(true);
  return email;
}

describe('sign-in throttle', () => {
  it("a stranger's failures never lock the owner out: their own address signs in at once, a new one after a short backoff at most", async () => {
    const email = await owner('203.0.113.5');
    // From one address: held off this account after SIGN_IN_PER_ACCOUNT_ADDRESS failures.
    for (let i = 0; i < SIGN_IN_PER_ACCOUNT_ADDRESS; i++) expect((await signIn('198.51.100.7', email, `guess ${i}`)).code).toBe('UNAUTHENTICATED');
    const held = await signIn('198.51.100.7', email, PASSWORD);
    expect(held.code).toBe('RATE_LIMITED');
    expect(held.retryAfterExt).toBeGreaterThan(60);
    // From many addresses (a botnet), past the account's budget for first-seen addresses.
    for (let i = 0; i < SIGN_IN_PER_ACCOUNT + 3; i++) await signIn(`198.51.100.${20 + i}`, email, `spread guess ${i}`);

    // Before: ten failures locked the account for 15 minutes, for everyone. Now the owner's own address is not slowed at all…
    const fromHome = await signIn('203.0.113.5', email, PASSWORD);
    expect(fromHome.ok, fromHome.message).toBe(true);
    // …and a first-seen address waits a backoff (seconds, at most a minute), never a lock.
    let fromNew = await signIn('192.0.2.44', email, PASSWORD);
    if (!fromNew.ok) {
      expect(fromNew.code).toBe('RATE_LIMITED');
      expect(fromNew.retryAfterExt).toBeLessThanOrEqual(SIGN_IN_MAX_BACKOFF_SECONDS);
      await new Promise((r) => setTimeout(r, (fromNew.retryAfterExt ?? 1) * 1000));
      fromNew = await signIn('192.0.2.44', email, PASSWORD);
    }
    expect(fromNew.ok, fromNew.message).toBe(true);
    // The new address is known now: signing in from it again is not slowed.
    expect((await signIn('192.0.2.44', email, PASSWORD)).ok).toBe(true);
  });

  it('guesses from first-seen addresses past the account budget are slowed down, one per backoff period', async () => {
    const email = await owner('203.0.113.6');
    for (let i = 0; i < SIGN_IN_PER_ACCOUNT; i++) expect((await signIn(`198.51.100.${100 + i}`, email, `g ${i}`)).code).toBe('UNAUTHENTICATED');
    // Past the budget, a burst from fresh addresses: one guess is checked, the others wait.
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => signIn(`198.51.100.${150 + i}`, email, `burst ${i}`)));
    const codes = burst.map((b) => b.code);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED').length).toBeLessThanOrEqual(1);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(5);
  });

  it('one address guessing many accounts is throttled, on every account, with the 429 / RATE_LIMITED shape', async () => {
    const email = await owner('203.0.113.7');
    const guesser = '198.51.100.250';
    for (let i = 0; i < SIGN_IN_PER_ADDRESS; i++) {
      const res = await signIn(guesser, uniqueEmail(`victim${i}`), 'not the password');
      expect(res.code, `guess ${i}`).toBe('UNAUTHENTICATED');
    }
    const next = await signIn(guesser, uniqueEmail('one-more'), 'not the password');
    expect(next).toMatchObject({ status: 429, code: 'RATE_LIMITED', message: 'Too many sign-in attempts. Try again later.' });
    expect(Number(next.retryAfter)).toBeGreaterThan(0);
    expect(next.retryAfterExt).toBe(Number(next.retryAfter));
    // Held off every account, the right password included.
    expect((await signIn(guesser, email, PASSWORD)).code).toBe('RATE_LIMITED');
    // Other addresses are not.
    expect((await signIn('203.0.113.7', email, PASSWORD)).ok).toBe(true);
  });

  it('an IPv6 client is counted by its /64', () => {
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
  });
});
