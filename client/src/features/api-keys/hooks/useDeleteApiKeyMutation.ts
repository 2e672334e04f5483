import { useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';

export const DeleteApiKeyMutation = graphql(`
  mutation DeleteApiKey($id: ID!) {
    deleteApiKey(id: $id)
  }
`);

export function useDeleteApiKeyMutation() {
  const [mutate, { loading }] = useMutation(DeleteApiKeyMutation, {
    update(cache, { data }) {
      if (!data) return;
      cache.evict({ id: cache.identify({ __typename: 'ApiKey', id: data.deleteApiKey }) });
      // The health counts change with the list; the lists themselves just lose the key.
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'apiKeyHealth' });
      cache.gc();
    },
  });
  const deleteApiKey = async (apiKey: { id: string; name: string }): Promise<boolean> => {
    try {
      await mutate({ variables: { id: apiKey.id } });
      toast.success(`Removed ${apiKey.name}`);
      return true;
    } catch (e) {
      reportErrors(e);
      return false;
    }
  };
  return { deleteApiKey, loading };
}
