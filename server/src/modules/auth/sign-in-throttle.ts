import type { MikroORM } from '@mikro-orm/postgresql';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimited } from '../../errors.js';

const WINDOW_SECONDS = 15 * 60;
const PER_ACCOUNT = 10;
const PER_ADDRESS = 100;

/**
 * Counts sign-in attempts per account and per address in PostgreSQL, so the limit holds across
 * every server instance. Each attempt takes a point before the password is checked (an atomic
 * upsert), so a burst of parallel guesses cannot all pass a read-then-count check; a success
 * clears the account's count and gives the address its point back.
 */
export function createSignInThrottle(orm: MikroORM) {
  const common = {
    storeClient: orm.em.getConnection().getKnex(),
    storeType: 'knex',
    tableName: 'rate_limit',
    tableCreated: true,
    duration: WINDOW_SECONDS,
    blockDuration: WINDOW_SECONDS,
  };
  const byAccount = new RateLimiterPostgres({ ...common, keyPrefix: 'signin_account', points: PER_ACCOUNT });
  const byAddress = new RateLimiterPostgres({ ...common, keyPrefix: 'signin_ip', points: PER_ADDRESS });

  return {
    /** Takes one attempt from both budgets; RATE_LIMITED when either is spent. */
    async attempt(email: string, ip: string): Promise<void> {
      const results = await Promise.allSettled([byAccount.consume(email), byAddress.consume(ip)]);
      let wait = 0;
      for (const r of results) {
        if (r.status === 'fulfilled') continue;
        // A store failure is an Error; a spent budget rejects with a RateLimiterRes.
        if (!(r.reason instanceof RateLimiterRes)) throw r.reason;
        wait = Math.max(wait, Math.ceil(r.reason.msBeforeNext / 1000), 1);
      }
      if (wait > 0) throw rateLimited(wait, 'Too many sign-in attempts. Try again later.');
    },
    async succeeded(email: string, ip: string): Promise<void> {
      await Promise.all([byAccount.delete(email), byAddress.reward(ip, 1)]);
    },
  };
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
