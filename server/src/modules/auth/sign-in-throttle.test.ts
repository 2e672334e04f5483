import { describe, expect, it } from 'vitest';
import {
  KNOWN_ADDRESS_DAYS,
  SIGN_IN_ACCOUNT_ADDRESS_WINDOW_SECONDS,
  SIGN_IN_ACCOUNT_WINDOW_SECONDS,
  SIGN_IN_ADDRESS_WINDOW_SECONDS,
  SIGN_IN_MAX_BACKOFF_SECONDS,
  SIGN_IN_PER_ACCOUNT,
  SIGN_IN_PER_ACCOUNT_ADDRESS,
  SIGN_IN_PER_ADDRESS,
} from './sign-in-throttle.js';

// The README's table ("Sign-in, sign-up and invitations") is the contract. Most of these figures are
// also checked by behaviour (test/throttles-mutation.test.ts); the account's 15-minute window for
// first-seen addresses is not, as seeing it end takes 15 minutes.
describe('sign-in throttle figures', () => {
  it('are the README table', () => {
    expect([SIGN_IN_PER_ACCOUNT_ADDRESS, SIGN_IN_ACCOUNT_ADDRESS_WINDOW_SECONDS]).toEqual([10, 15 * 60]);
    expect([SIGN_IN_PER_ADDRESS, SIGN_IN_ADDRESS_WINDOW_SECONDS]).toEqual([50, 60 * 60]);
    expect([SIGN_IN_PER_ACCOUNT, SIGN_IN_ACCOUNT_WINDOW_SECONDS, SIGN_IN_MAX_BACKOFF_SECONDS]).toEqual([10, 15 * 60, 60]);
    expect(KNOWN_ADDRESS_DAYS).toBe(90);
  });
});
