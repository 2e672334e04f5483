import { useMutation } from '@apollo/client/react';
import { useFormErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import type { ApiKeysTable_ApiKeyFragment, UpdateApiKeyInput } from '../../../gql/graphql';
import { toast } from '../../../ui/toast';
import { useRefetchApiKeyLists } from './useRefetchApiKeyLists';

export const UpdateApiKeyMutation = graphql(`
  mutation UpdateApiKey($id: ID!, $input: UpdateApiKeyInput!) {
    updateApiKey(id: $id, input: $input) {
      ...ApiKeysTable_apiKey
    }
  }
`);

export function useUpdateApiKeyMutation() {
  const refetchLists = useRefetchApiKeyLists();
  // The key itself is normalized, so every view of it updates; lists may now filter it differently.
  const [mutate, { loading }] = useMutation(UpdateApiKeyMutation, {
    refetchQueries: refetchLists,
  });
  const errors = useFormErrors(['name', 'permission', 'domainId', 'expiresAt'] as const);
  const updateApiKey = async (id: string, input: UpdateApiKeyInput, done?: string): Promise<ApiKeysTable_ApiKeyFragment | null> => {
    errors.clear();
    try {
      const { data } = await mutate({ variables: { id, input } });
      if (!data) return null;
      toast.success(done ?? `Updated ${data.updateApiKey.name}`);
      return data.updateApiKey;
    } catch (e) {
      errors.report(e);
      return null;
    }
  };
  return { updateApiKey, loading, ...errors };
}
