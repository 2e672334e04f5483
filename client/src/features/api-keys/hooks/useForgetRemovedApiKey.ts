import { CombinedGraphQLErrors } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import { toast } from '../../../ui/toast';
import { useRefetchApiKeyLists } from './useRefetchApiKeyLists';
import type { ReactNode } from 'react';

/** The key an action was about is gone: removed meanwhile in another tab, by another admin, or through the API. */
export const removedMeanwhile = (error: unknown) => CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'NOT_FOUND');

/**
 * Drops a key that the server no longer has from every view (the lists are asked again for their
 * counts), and says so: `message` as a success when removing it was the point, else as an error.
 */
export function useForgetRemovedApiKey() {
  const client = useApolloClient();
  const refetchLists = useRefetchApiKeyLists();
  return (id: string, message: ReactNode, tone: 'success' | 'error') => {
    client.cache.evict({ id: client.cache.identify({ __typename: 'ApiKey', id }) });
    client.cache.gc();
    void client.refetchQueries({ include: refetchLists() }).catch(() => undefined);
    if (tone === 'success') toast.success(message);
    else toast.error(message);
  };
}
