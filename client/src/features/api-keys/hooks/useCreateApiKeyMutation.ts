import { graphql } from '../../../gql';
import type { CreateApiKeyInput } from '../../../gql/graphql';
import { useRefetchApiKeyLists } from './useRefetchApiKeyLists';
import { useTokenMutation } from './useTokenMutation';

export type { CreatedApiKey } from './useTokenMutation';

export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      token
      apiKey {
        ...ApiKeysTable_apiKey
      }
    }
  }
`);

export const API_KEY_FIELDS = ['name', 'permission', 'domainId', 'expiresAt'] as const;

export function useCreateApiKeyMutation() {
  const { run, ...rest } = useTokenMutation(CreateApiKeyMutation, {
    fields: API_KEY_FIELDS,
    payload: (data) => data.createApiKey,
    refetchQueries: useRefetchApiKeyLists(),
  });
  // No error is handled apart here: 'handled' never comes back.
  const createApiKey = async (input: CreateApiKeyInput) => {
    const result = await run({ input });
    return result === 'handled' ? null : result;
  };
  return { createApiKey, ...rest };
}
