import { CombinedGraphQLErrors } from '@apollo/client';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';
import { useRefetchApiKeyLists } from './useRefetchApiKeyLists';

export const DeleteApiKeyMutation = graphql(`
  mutation DeleteApiKey($id: ID!) {
    deleteApiKey(id: $id)
  }
`);

/** The key was removed meanwhile (another tab, another admin, the API): what was asked for is done. */
const alreadyRemoved = (e: unknown) => CombinedGraphQLErrors.is(e) && e.errors.some((err) => err.extensions?.code === 'NOT_FOUND');

export function useDeleteApiKeyMutation() {
  const client = useApolloClient();
  const refetchLists = useRefetchApiKeyLists();
  const [mutate, { loading }] = useMutation(DeleteApiKeyMutation, {
    update(cache, { data }) {
      if (!data) return;
      // Every list drops the key at once; the health counts come with the refetch.
      cache.evict({ id: cache.identify({ __typename: 'ApiKey', id: data.deleteApiKey }) });
      cache.gc();
    },
    refetchQueries: refetchLists,
  });
  const deleteApiKey = async (apiKey: { id: string; name: string }): Promise<boolean> => {
    try {
      await mutate({ variables: { id: apiKey.id } });
      toast.success(`Removed ${apiKey.name}`);
      return true;
    } catch (e) {
      if (!alreadyRemoved(e)) {
        reportErrors(e);
        return false;
      }
      // Not "API key not found." over a confirmation that can do nothing more: the key is gone.
      client.cache.evict({ id: client.cache.identify({ __typename: 'ApiKey', id: apiKey.id }) });
      client.cache.gc();
      void client.refetchQueries({ include: refetchLists() }).catch(() => undefined);
      toast.success(`${apiKey.name} was already removed.`);
      return true;
    }
  };
  return { deleteApiKey, loading };
}
