import type { MikroORM } from '@mikro-orm/postgresql';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimited } from '../../errors.js';

const WINDOW_SECONDS = 15 * 60;

/**
 * Counts failed sign-ins per account and per address in PostgreSQL, so the limit holds across
 * every server instance. A success clears the account's count.
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
  const byAccount = new RateLimiterPostgres({ ...common, keyPrefix: 'signin_account', points: 10 });
  const byAddress = new RateLimiterPostgres({ ...common, keyPrefix: 'signin_ip', points: 100 });

  const blockedFor = (res: RateLimiterRes | null, limit: number) =>
    res && res.consumedPoints >= limit ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;

  return {
    async check(email: string, ip: string): Promise<void> {
      const [account, address] = await Promise.all([byAccount.get(email), byAddress.get(ip)]);
      const wait = Math.max(blockedFor(account, 10), blockedFor(address, 100));
      if (wait > 0) throw rateLimited(wait, 'Too many sign-in attempts. Try again later.');
    },
    async failed(email: string, ip: string): Promise<void> {
      await Promise.all([
        byAccount.penalty(email, 1),
        byAddress.penalty(ip, 1),
      ]);
    },
    async succeeded(email: string): Promise<void> {
      await byAccount.delete(email);
    },
  };
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
