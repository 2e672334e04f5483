// The sign-in, sign-up and invitation throttles on a real PostgreSQL, without a server: what each refusal
// says, how long it asks to wait, which budgets get their point back, and that a store failure is
// not passed off as a 429. Written from the mutants of invitation-throttle.ts and sign-up-throttle.ts
// that the API tests (sign-up.test.ts, sign-in-throttle.test.ts) let survive; fast enough for every mutant to run it.
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm, migrate } from '../src/db/orm.js';
import { AppError } from '../src/errors.js';
import { createLogger } from '../src/logger.js';
import { addressKey, createSignInThrottle } from '../src/modules/auth/sign-in-throttle.js';
import { createSignUpThrottle } from '../src/modules/auth/sign-up-throttle.js';
import {
  createInvitationThrottle,
  INVITATIONS_PER_ADDRESS_PER_HOUR,
  INVITATIONS_PER_RECIPIENT_PER_DAY,
  INVITATIONS_PER_TEAM_PER_HOUR,
} from '../src/modules/team/invitation-throttle.js';
import { createTestDatabase } from './harness.js';

let orm: MikroORM;
/** A database without the migrations: no rate_limit table. */
let bare: MikroORM;
beforeAll(async () => {
  const logger = createLogger('silent');
  [orm, bare] = await Promise.all([initOrm(await createTestDatabase('throttle'), logger), initOrm(await createTestDatabase('throttle_bare'), logger)]);
  await migrate(orm);
});
afterAll(() => Promise.all([orm?.close(), bare?.close()]));

/** The error an attempt was refused with (undefined when it was let through). */
async function refusal(attempt: Promise<void>): Promise<AppError | undefined> {
  try {
    await attempt;
    return undefined;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return e;
  }
}

let n = 0;
/** Fresh keys for each test: the limiters share one table. */
const team = () => randomUUID();
const ip = () => `198.51.100.${(n++ % 250) + 1}`;
const ip6 = () => `2001:db8:${(n++).toString(16)}::1`;
const to = () => `someone-${n++}-${randomUUID()}@example.com`;

describe('invitation throttle', () => {
  it('a team past its hourly budget: its message, Retry-After within the hour, no budget of the address or the recipient spent', async () => {
    const throttle = createInvitationThrottle(orm);
    const t = team();
    const from = ip6();
    for (let i = 0; i < INVITATIONS_PER_TEAM_PER_HOUR; i++) await throttle.attempt(t, from, to());
    const recipient = to();
    for (let i = 0; i < INVITATIONS_PER_RECIPIENT_PER_DAY + 1; i++) {
      const e = await refusal(throttle.attempt(t, from, recipient));
      expect(e).toMatchObject({ code: 'RATE_LIMITED', message: 'Your team has sent too many invitations this hour. Try again later.' });
      expect(e?.retryAfterSeconds).toBeGreaterThan(3500);
      expect(e?.retryAfterSeconds).toBeLessThanOrEqual(3600);
      expect(e?.headers).toMatchObject({ 'retry-after': String(e?.retryAfterSeconds) });
    }
    // The recipient lost nothing to the refusals: another team may still invite it its 5 times.
    const other = team();
    for (let i = 0; i < INVITATIONS_PER_RECIPIENT_PER_DAY; i++) expect(await refusal(throttle.attempt(other, ip(), recipient))).toBeUndefined();
    expect((await refusal(throttle.attempt(other, ip(), recipient)))?.message).toBe(
      'This address has received too many invitations from your team today. Try again tomorrow.',
    );
  });

  it('an address past its hourly budget, whatever the teams: its message; the teams keep their points', async () => {
    const throttle = createInvitationThrottle(orm);
    const from = ip6();
    for (let i = 0; i < INVITATIONS_PER_ADDRESS_PER_HOUR; i++) await throttle.attempt(team(), from, to());
    // Another address in the same /64 is the same address.
    const t = team();
    const e = await refusal(throttle.attempt(t, from.replace(/::1$/, '::2'), to()));
    expect(e).toMatchObject({ code: 'RATE_LIMITED', message: 'Too many invitations from this address. Try again later.' });
    expect(e?.retryAfterSeconds).toBeGreaterThan(3500);
    expect(e?.retryAfterSeconds).toBeLessThanOrEqual(3600);
    // The refused team spent nothing: it still has its whole hourly budget from another address.
    for (let i = 0; i < INVITATIONS_PER_TEAM_PER_HOUR; i++) expect(await refusal(throttle.attempt(t, ip6(), to()))).toBeUndefined();
  });

  it("a recipient past its daily budget from one team: its message, Retry-After within the day; the team and the address keep their points, and other teams' budgets are their own", async () => {
    const throttle = createInvitationThrottle(orm);
    const recipient = to();
    const t = team();
    for (let i = 0; i < INVITATIONS_PER_RECIPIENT_PER_DAY; i++) await throttle.attempt(t, ip(), recipient);
    // A team that spends its own budget on an address takes nothing from another team's: a shared
    // budget let any team stop every other from inviting that person for a day.
    expect(await refusal(throttle.attempt(team(), ip(), recipient))).toBeUndefined();
    const from = ip6();
    for (let i = 0; i < INVITATIONS_PER_TEAM_PER_HOUR - INVITATIONS_PER_RECIPIENT_PER_DAY; i++) {
      const e = await refusal(throttle.attempt(t, from, recipient));
      expect(e).toMatchObject({ code: 'RATE_LIMITED', message: 'This address has received too many invitations from your team today. Try again tomorrow.' });
      expect(e?.retryAfterSeconds).toBeGreaterThan(86_000);
      expect(e?.retryAfterSeconds).toBeLessThanOrEqual(86_400);
    }
    // Fifteen refusals later the team and its address still have all the points they had.
    for (let i = 0; i < INVITATIONS_PER_TEAM_PER_HOUR - INVITATIONS_PER_RECIPIENT_PER_DAY; i++)
      expect(await refusal(throttle.attempt(t, from, to()))).toBeUndefined();
    expect((await refusal(throttle.attempt(t, from, to())))?.message).toBe('Your team has sent too many invitations this hour. Try again later.');
  });

  it('a store failure is thrown as it is, not passed off as a 429; the throttle creates no table of its own', async () => {
    const throttle = createInvitationThrottle(bare);
    await expect(throttle.attempt(team(), ip(), to())).rejects.toThrow(/rate_limit/);
    await expect(throttle.attempt(team(), ip(), to())).rejects.not.toBeInstanceOf(AppError);
  });
});

describe('sign-up throttle', () => {
  it('an address past its hourly budget: its message and Retry-After within the hour; an IPv6 /64 is one address', async () => {
    const throttle = createSignUpThrottle(orm, 3);
    const from = ip();
    for (let i = 0; i < 3; i++) expect(await refusal(throttle.attempt(from))).toBeUndefined();
    const e = await refusal(throttle.attempt(from));
    expect(e).toMatchObject({ code: 'RATE_LIMITED', message: 'Too many sign-ups from this address. Try again later.' });
    expect(e?.retryAfterSeconds).toBeGreaterThan(3500);
    expect(e?.retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(e?.headers).toMatchObject({ 'retry-after': String(e?.retryAfterSeconds) });
    const v6 = ip6();
    for (let i = 0; i < 3; i++) expect(await refusal(throttle.attempt(v6.replace(/::1$/, `::${i + 1}`)))).toBeUndefined();
    expect((await refusal(throttle.attempt(v6.replace(/::1$/, '::ffff'))))?.code).toBe('RATE_LIMITED');
    expect(await refusal(throttle.attempt(ip()))).toBeUndefined();
  });

  it('a store failure is thrown as it is, not passed off as a 429; the throttle creates no table of its own', async () => {
    const throttle = createSignUpThrottle(bare, 3);
    await expect(throttle.attempt(ip())).rejects.toThrow(/rate_limit/);
    await expect(throttle.attempt(ip())).rejects.not.toBeInstanceOf(AppError);
  });
});

describe('sign-in throttle', () => {
  const MESSAGE = 'Too many sign-in attempts. Try again later.';
  // The README's figures ("Sign-in, sign-up and invitations"), not the module's constants: a test
  // that reads the constant it checks cannot see it change.
  const SIGN_IN_PER_ACCOUNT_ADDRESS = 10;
  const SIGN_IN_ACCOUNT_ADDRESS_WINDOW_SECONDS = 15 * 60;
  const SIGN_IN_PER_ADDRESS = 50;
  const SIGN_IN_ADDRESS_WINDOW_SECONDS = 60 * 60;
  const SIGN_IN_PER_ACCOUNT = 10;
  const SIGN_IN_MAX_BACKOFF_SECONDS = 60;

  it('an address is counted as it is (IPv4, also written ::ffff:a.b.c.d) or by its /64 (IPv6), written one way', () => {
    for (const [ip, key] of [
      ['192.0.2.1', '192.0.2.1'],
      ['192.168.100.200', '192.168.100.200'],
      ['::ffff:192.0.2.1', '192.0.2.1'],
      ['::FFFF:192.168.100.200', '192.168.100.200'],
      ['x192.0.2.1', 'x192.0.2.1'],
      ['192.0.2.1x', '192.0.2.1x'],
      ['unknown', 'unknown'],
      ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
      ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
      ['2001:db8::1', '2001:db8:0:0::/64'],
      ['2001:DB8::A', '2001:db8:0:0::/64'],
      ['2001:db8::a:b:c:1234', '2001:db8:0:0::/64'],
      ['2001:db8:1::2:3:4:5:6', '2001:db8:1:2::/64'],
      ['2001:0db8:0000:00a1::1', '2001:db8:0:a1::/64'],
      ['::1', '0:0:0:0::/64'],
      ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ]) {
      expect(addressKey(ip), ip).toBe(key);
    }
  });

  const email = () => `owner-${n++}-${randomUUID()}@example.com`;

  it(`one address at one account: ${SIGN_IN_PER_ACCOUNT_ADDRESS} failed guesses, then held off for the window`, async () => {
    const throttle = createSignInThrottle(orm);
    const e = email();
    const from = ip6();
    for (let i = 0; i < SIGN_IN_PER_ACCOUNT_ADDRESS; i++) expect(await refusal(throttle.attempt(e, from))).toBeUndefined();
    const held = await refusal(throttle.attempt(e, from));
    expect(held).toMatchObject({ code: 'RATE_LIMITED', message: MESSAGE });
    expect(held?.retryAfterSeconds).toBeGreaterThan(SIGN_IN_ACCOUNT_ADDRESS_WINDOW_SECONDS - 100);
    expect(held?.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_ACCOUNT_ADDRESS_WINDOW_SECONDS);
    expect(held?.headers).toMatchObject({ 'retry-after': String(held?.retryAfterSeconds) });
    // Another address of the same /64 is the same address; another address is not held off.
    expect((await refusal(throttle.attempt(e, from.replace(/::1$/, '::2'))))?.code).toBe('RATE_LIMITED');
    expect(await refusal(throttle.attempt(e, ip6()))).toBeUndefined();
  });

  it(`one address at many accounts: ${SIGN_IN_PER_ADDRESS} an hour; a refused guess costs its account-and-address budget nothing`, async () => {
    const throttle = createSignInThrottle(orm);
    const from = ip6();
    const first = email();
    await throttle.attempt(first, from);
    for (let i = 1; i < SIGN_IN_PER_ADDRESS; i++) await throttle.attempt(email(), from);
    const target = email();
    for (let i = 0; i < SIGN_IN_PER_ACCOUNT_ADDRESS; i++) {
      const held = await refusal(throttle.attempt(target, from));
      expect(held).toMatchObject({ code: 'RATE_LIMITED', message: MESSAGE });
      expect(held?.retryAfterSeconds).toBeGreaterThan(SIGN_IN_ADDRESS_WINDOW_SECONDS - 100);
      expect(held?.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_ADDRESS_WINDOW_SECONDS);
    }
    // Each success gives the address a point back (the refused guesses counted for it: 60 now).
    // With 11 back, the target's next guess is checked, not held off by its own ten refused ones.
    for (let i = 0; i < SIGN_IN_PER_ACCOUNT_ADDRESS + 1; i++) await throttle.succeeded(first, from);
    expect(await refusal(throttle.attempt(target, from))).toBeUndefined();
  });

  it('past the account budget, guesses from first-seen addresses wait a short backoff; known addresses never do', async () => {
    const throttle = createSignInThrottle(orm);
    const e = email();
    const home = ip6();
    await throttle.remember(e, home);
    for (let i = 0; i < SIGN_IN_PER_ACCOUNT; i++) expect(await refusal(throttle.attempt(e, ip6()))).toBeUndefined();
    // From home: never slowed.
    for (let i = 0; i < 3; i++) expect(await refusal(throttle.attempt(e, home))).toBeUndefined();
    // From new addresses: the first guess past the budget waits 1 s, the next 2 s …: the first
    // refusal comes within a few guesses and asks for 1 or 2 seconds (2 only when the guesses
    // came more than a second apart), not the cap.
    let first: AppError | undefined;
    for (let i = 0; i < 5 && !first; i++) first = await refusal(throttle.attempt(e, ip6()));
    expect(first).toMatchObject({ code: 'RATE_LIMITED', message: MESSAGE });
    expect(first?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(first?.retryAfterSeconds).toBeLessThanOrEqual(2);
    // A burst from new addresses: at most one guess goes through; the waits never pass the cap.
    const burst = await Promise.all(Array.from({ length: 6 }, () => refusal(throttle.attempt(e, ip6()))));
    expect(burst.filter((r) => r === undefined).length).toBeLessThanOrEqual(1);
    for (const r of burst.filter(Boolean)) expect(r?.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_MAX_BACKOFF_SECONDS);
    // Many guesses later, the wait is the cap, not more.
    for (let i = 0; i < 12; i++) await refusal(throttle.attempt(e, ip6()));
    const capped = await Promise.all(Array.from({ length: 3 }, () => refusal(throttle.attempt(e, ip6()))));
    for (const r of capped.filter(Boolean)) expect(r?.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_MAX_BACKOFF_SECONDS);
    // An address signed in from is known from then on.
    const now = ip6();
    await throttle.succeeded(e, now);
    for (let i = 0; i < 3; i++) expect(await refusal(throttle.attempt(e, now))).toBeUndefined();
  });

  it('a store failure is thrown as it is, not passed off as a 429', async () => {
    const throttle = createSignInThrottle(bare);
    await expect(throttle.attempt(email(), ip())).rejects.toThrow(/rate_limit/);
    await expect(throttle.attempt(email(), ip())).rejects.not.toBeInstanceOf(AppError);
  });
});
