import { useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';
import { removedMeanwhile, useForgetRemovedApiKey } from './useForgetRemovedApiKey';
import { useRefetchApiKeyLists } from './useRefetchApiKeyLists';
import { bidi } from '../../../ui/UserText';

export const DeleteApiKeyMutation = graphql(`
  mutation DeleteApiKey($id: ID!) {
    deleteApiKey(id: $id)
  }
`);

export function useDeleteApiKeyMutation() {
  const forget = useForgetRemovedApiKey();
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
      toast.success(bidi`Removed ${apiKey.name}`);
      return true;
    } catch (e) {
      if (!removedMeanwhile(e)) {
        reportErrors(e);
        return false;
      }
      // Not "API key not found." over a confirmation that can do nothing more: what was asked for is done.
      forget(apiKey.id, bidi`${apiKey.name} was already removed.`, 'success');
      return true;
    }
  };
  return { deleteApiKey, loading };
}
