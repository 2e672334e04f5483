import type { MikroORM } from '@mikro-orm/postgresql';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimited } from '../../errors.js';
import { addressKey } from './sign-in-throttle.js';

export const SIGN_UP_WINDOW_SECONDS = 60 * 60;

/**
 * Sign-up attempts per address (IPv6: its /64) and hour, SIGNUP_PER_ADDRESS_PER_HOUR, counted in
 * PostgreSQL across instances. An attempt takes its point before the password is hashed, so a
 * flood costs neither accounts nor argon2 time.
 */
export function createSignUpThrottle(orm: MikroORM, perHour: number) {
  const byAddress = new RateLimiterPostgres({
    storeClient: orm.em.getConnection().getKnex(),
    storeType: 'knex',
    tableName: 'rate_limit',
    tableCreated: true,
    keyPrefix: 'signup_ip',
    points: perHour,
    duration: SIGN_UP_WINDOW_SECONDS,
  });
  return {
    async attempt(ip: string): Promise<void> {
      await byAddress.consume(addressKey(ip)).catch((e: unknown) => {
        if (!(e instanceof RateLimiterRes)) throw e;
        throw rateLimited(Math.max(1, Math.ceil(e.msBeforeNext / 1000)), 'Too many sign-ups from this address. Try again later.');
      });
    },
  };
}

export type SignUpThrottle = ReturnType<typeof createSignUpThrottle>;
