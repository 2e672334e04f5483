import type { MikroORM } from '@mikro-orm/postgresql';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { budgetStore, type Take, takeFromEvery } from '../../lib/budgets.js';
import { sha256Hex } from '../../lib/crypto.js';
import { addressKey } from './sign-in-throttle.js';
import { emailKey } from './validation.js';

/** Reset requests for one email address in an hour: no one's mailbox is a target. */
export const PASSWORD_RESETS_PER_EMAIL_PER_HOUR = 5;
/** Reset requests from one address (IPv6: its /64) in an hour, for any email addresses. */
export const PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 20;

/**
 * Each request takes a point from both budgets (in PostgreSQL, across instances), or none when one
 * is spent, before anything is looked up: an address with no account is counted exactly as one
 * with, so a refusal says nothing about who has an account.
 */
export function createPasswordResetThrottle(orm: MikroORM) {
  const common = budgetStore(orm);
  const byEmail = new RateLimiterPostgres({ ...common, keyPrefix: 'reset_to', points: PASSWORD_RESETS_PER_EMAIL_PER_HOUR, duration: 3600 });
  const byAddress = new RateLimiterPostgres({ ...common, keyPrefix: 'reset_ip', points: PASSWORD_RESETS_PER_ADDRESS_PER_HOUR, duration: 3600 });

  return {
    async attempt(email: string, ip: string): Promise<void> {
      const takes: Take[] = [
        // Counted by a hash of the address in its one spelling: the rate_limit table names no one.
        [byEmail, sha256Hex(emailKey(email)).slice(0, 32), 'Too many password reset requests for this email address. Try again later.'],
        [byAddress, addressKey(ip), 'Too many password reset requests from this address. Try again later.'],
      ];
      await takeFromEvery(takes);
    },
  };
}

export type PasswordResetThrottle = ReturnType<typeof createPasswordResetThrottle>;

const throttles = new WeakMap<MikroORM, PasswordResetThrottle>();
/** One throttle per ORM (per app instance), made on first use. */
export function passwordResetThrottle(orm: MikroORM): PasswordResetThrottle {
  let throttle = throttles.get(orm);
  if (!throttle) {
    throttle = createPasswordResetThrottle(orm);
    throttles.set(orm, throttle);
  }
  return throttle;
}
