import { useApolloClient } from '@apollo/client/react';
import { ApiKeysPageQuery } from '../documents';

/**
 * Which keys a filter matches, and the health counts, follow the server's rules: rather than
 * repeat them here, a mutation refetches the list when it is on screen (keeping it shown until the
 * answer comes). Nothing more is needed elsewhere: the list asks the server each time it mounts.
 */
export function useRefetchApiKeyLists() {
  const client = useApolloClient();
  return () => {
    const onScreen = [...client.getObservableQueries('active')].some((q) => q.queryName === 'ApiKeysPage');
    return onScreen ? [ApiKeysPageQuery] : [];
  };
}
