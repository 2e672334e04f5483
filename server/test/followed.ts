import { vi } from 'vitest';
import { pubSub } from '../src/graphql/pubsub.js';
import { republishFollowedExports } from '../src/modules/export/export.resolver.js';

/**
 * Whether this instance still follows an export: republishFollowedExports would publish its id.
 * Nothing is published (that would wake the subscription and end the wait being looked at).
 */
export function stillFollowed(id: string): boolean {
  const spy = vi.spyOn(pubSub, 'publish').mockImplementation(() => undefined);
  try {
    republishFollowedExports();
    return spy.mock.calls.some((call) => call[1] === id);
  } finally {
    spy.mockRestore();
  }
}
