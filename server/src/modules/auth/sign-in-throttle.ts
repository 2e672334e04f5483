import type { MikroORM } from '@mikro-orm/postgresql';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimited } from '../../errors.js';
import { sha256Hex } from '../../lib/crypto.js';
import { emailKey } from './validation.js';

/** Failed guesses at one account from one address before that address is held off that account. */
export const SIGN_IN_PER_ACCOUNT_ADDRESS = 10;
export const SIGN_IN_ACCOUNT_ADDRESS_WINDOW_SECONDS = 15 * 60;
/** Failed guesses from one address, at any accounts, before it is held off every account. */
export const SIGN_IN_PER_ADDRESS = 50;
export const SIGN_IN_ADDRESS_WINDOW_SECONDS = 60 * 60;
/**
 * Failed guesses at one account from addresses it was never signed in from, before each further
 * guess from such an address waits: 1 s, then 2, 4 … up to SIGN_IN_MAX_BACKOFF_SECONDS. Never a
 * lock: the owner is slowed at worst, and not at all from an address they signed in from before.
 */
export const SIGN_IN_PER_ACCOUNT = 10;
export const SIGN_IN_ACCOUNT_WINDOW_SECONDS = 15 * 60;
export const SIGN_IN_MAX_BACKOFF_SECONDS = 60;
/** How long an address stays known to an account after a sign-in from it. */
export const KNOWN_ADDRESS_DAYS = 90;

const MESSAGE = 'Too many sign-in attempts. Try again later.';

/**
 * The key of an address: an IPv6 client holds a whole /64, so that is what is counted; IPv4 (also
 * when written as ::ffff:a.b.c.d) as it is.
 */
export function addressKey(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1];
  if (!ip.includes(':')) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

// Accounts are counted by a hash of the email: the rate_limit table names no one (and keys stay short).
// Whatever its spelling (emailKey): each spelling of an internationalised domain had a budget of its own.
const account = (email: string) => sha256Hex(emailKey(email)).slice(0, 32);

/**
 * Throttles password guesses without letting a stranger lock the owner out (rate-limiter-flexible
 * on PostgreSQL, so the limits hold across instances; each attempt takes its points before the
 * password is checked, in one atomic upsert, so a burst cannot slip past a read-then-count check):
 * - per account and address: SIGN_IN_PER_ACCOUNT_ADDRESS failures, then that address waits out the window;
 * - per address, at any accounts: SIGN_IN_PER_ADDRESS failures an hour;
 * - per account, from addresses it was never signed in from: SIGN_IN_PER_ACCOUNT failures, then
 *   backoff (one guess per 1, 2, 4 … 60 s), never a lock. Addresses the account signed in from in
 *   the last KNOWN_ADDRESS_DAYS skip this one.
 * A success clears its account-and-address count, gives the address its point back and makes it known.
 */
export function createSignInThrottle(orm: MikroORM) {
  const common = { storeClient: orm.em.getConnection().getKnex(), storeType: 'knex', tableName: 'rate_limit', tableCreated: true };
  const byAccountAddress = new RateLimiterPostgres({
    ...common,
    keyPrefix: 'signin_pair',
    points: SIGN_IN_PER_ACCOUNT_ADDRESS,
    duration: SIGN_IN_ACCOUNT_ADDRESS_WINDOW_SECONDS,
    blockDuration: SIGN_IN_ACCOUNT_ADDRESS_WINDOW_SECONDS,
  });
  const byAddress = new RateLimiterPostgres({ ...common, keyPrefix: 'signin_ip', points: SIGN_IN_PER_ADDRESS, duration: SIGN_IN_ADDRESS_WINDOW_SECONDS });
  const byAccount = new RateLimiterPostgres({ ...common, keyPrefix: 'signin_account', points: SIGN_IN_PER_ACCOUNT, duration: SIGN_IN_ACCOUNT_WINDOW_SECONDS });
  // One guess per backoff period: the point's key lives as long as the current delay.
  const backoff = new RateLimiterPostgres({ ...common, keyPrefix: 'signin_backoff', points: 1, duration: SIGN_IN_MAX_BACKOFF_SECONDS });
  const known = new RateLimiterPostgres({ ...common, keyPrefix: 'signin_known', points: 1, duration: KNOWN_ADDRESS_DAYS * 86_400 });

  const pair = (email: string, ip: string) => `${account(email)}|${addressKey(ip)}`;
  /** Waits in seconds from a spent budget; store failures are thrown. */
  const waitOf = (reason: unknown): number => {
    if (!(reason instanceof RateLimiterRes)) throw reason;
    return Math.max(1, Math.ceil(reason.msBeforeNext / 1000));
  };

  return {
    /**
     * Takes one attempt from each budget that applies, in turn: an attempt refused by one budget
     * checks no password, so it costs the next ones nothing. RATE_LIMITED (with Retry-After) when one is spent.
     */
    async attempt(email: string, ip: string): Promise<void> {
      const key = pair(email, ip);
      const refuse = (reason: unknown) => {
        throw rateLimited(waitOf(reason), MESSAGE);
      };
      await byAccountAddress.consume(key).catch(refuse);
      await byAddress.consume(addressKey(ip)).catch(async (reason: unknown) => {
        await byAccountAddress.reward(key, 1);
        refuse(reason);
      });
      if (await known.get(key)) return;
      // A first-seen address: counted against the account and, past its budget, slowed down.
      const spent = await byAccount.consume(account(email)).then(
        () => 0,
        (e: unknown) => (e instanceof RateLimiterRes ? e.consumedPoints - SIGN_IN_PER_ACCOUNT : Promise.reject(e)),
      );
      if (spent > 0) {
        const delay = Math.min(2 ** (spent - 1), SIGN_IN_MAX_BACKOFF_SECONDS);
        await backoff.consume(account(email), 1, { customDuration: delay }).catch(async (reason: unknown) => {
          // Refused here, no password is checked: the points taken above go back. Kept, an owner
          // clicking Sign in during a stranger's backoff spent their address's budget for the
          // account, and was held off it for 15 minutes by tries that checked nothing.
          await Promise.all([byAccountAddress.reward(key, 1), byAddress.reward(addressKey(ip), 1), byAccount.reward(account(email), 1)]);
          refuse(reason);
        });
      }
    },
    async succeeded(email: string, ip: string): Promise<void> {
      await Promise.all([
        byAccountAddress.delete(pair(email, ip)),
        byAddress.reward(addressKey(ip), 1),
        known.set(pair(email, ip), 1, KNOWN_ADDRESS_DAYS * 86_400),
      ]);
    },
    /** An address an account was created or joined from is known to it, as after a sign-in. */
    async remember(email: string, ip: string): Promise<void> {
      await known.set(pair(email, ip), 1, KNOWN_ADDRESS_DAYS * 86_400);
    },
  };
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
