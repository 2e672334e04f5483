import type { ApolloCache } from '@apollo/client';

/**
 * Which keys a filter matches and how many are "inactive" are the server's rules: rather than
 * repeat them here, drop the cached lists and counts, so that mounted lists ask again and the
 * others do when they mount.
 */
export function invalidateApiKeyLists(cache: ApolloCache) {
  cache.evict({ id: 'ROOT_QUERY', fieldName: 'apiKeys' });
  cache.evict({ id: 'ROOT_QUERY', fieldName: 'apiKeyHealth' });
}
