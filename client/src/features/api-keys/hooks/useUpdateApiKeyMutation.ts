import { useMutation } from '@apollo/client/react';
import { useFormErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import type { ApiKeysTable_ApiKeyFragment, UpdateApiKeyInput } from '../../../gql/graphql';
import { toast } from '../../../ui/toast';
import { removedMeanwhile, useForgetRemovedApiKey } from './useForgetRemovedApiKey';
import { useRefetchApiKeyLists } from './useRefetchApiKeyLists';
import type { ReactNode } from 'react';
import { bidi } from '../../../ui/UserText';

export const UpdateApiKeyMutation = graphql(`
  mutation UpdateApiKey($id: ID!, $input: UpdateApiKeyInput!) {
    updateApiKey(id: $id, input: $input) {
      ...ApiKeysTable_apiKey
    }
  }
`);

export function useUpdateApiKeyMutation() {
  const refetchLists = useRefetchApiKeyLists();
  const forget = useForgetRemovedApiKey();
  // The key itself is normalized, so every view of it updates; lists may now filter it differently.
  const [mutate, { loading }] = useMutation(UpdateApiKeyMutation, {
    refetchQueries: refetchLists,
  });
  const errors = useFormErrors(['name', 'permission', 'domainId', 'expiresAt'] as const);
  /**
   * The updated key; null when the update was refused (errors reported); `'removed'` when the key
   * was removed meanwhile (another tab, another admin): nothing is left to edit, so a dialog closes.
   */
  const updateApiKey = async (
    apiKey: { id: string; name: string },
    input: UpdateApiKeyInput,
    done?: ReactNode,
  ): Promise<ApiKeysTable_ApiKeyFragment | 'removed' | null> => {
    errors.clear();
    try {
      const { data } = await mutate({ variables: { id: apiKey.id, input } });
      if (!data) return null;
      toast.success(done ?? bidi`Updated ${data.updateApiKey.name}`);
      return data.updateApiKey;
    } catch (e) {
      if (removedMeanwhile(e)) {
        forget(apiKey.id, bidi`${apiKey.name} was removed meanwhile (in another tab, or by another admin): nothing was saved.`, 'error');
        return 'removed';
      }
      errors.report(e);
      return null;
    }
  };
  return { updateApiKey, loading, ...errors };
}
