import { useMutation } from '@apollo/client/react';
import { useFormErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import type { ApiKeysTable_ApiKeyFragment, CreateApiKeyInput } from '../../../gql/graphql';
import { useRefetchApiKeyLists } from './useRefetchApiKeyLists';

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

export type CreatedApiKey = { apiKey: ApiKeysTable_ApiKeyFragment; token: string };

export function useCreateApiKeyMutation() {
  const refetchLists = useRefetchApiKeyLists();
  // The payload has no id, so Apollo keeps it (and the token) only under ROOT_MUTATION, which it
  // clears right after the write; the normalized ApiKey never holds the token.
  const [mutate, { loading, reset }] = useMutation(CreateApiKeyMutation, {
    refetchQueries: refetchLists,
  });
  const errors = useFormErrors(API_KEY_FIELDS);
  /** Resolves to the new key and its one-time token, or null when it failed. */
  const createApiKey = async (input: CreateApiKeyInput): Promise<CreatedApiKey | null> => {
    errors.clear();
    try {
      const { data } = await mutate({ variables: { input } });
      return data ? { apiKey: data.createApiKey.apiKey, token: data.createApiKey.token } : null;
    } catch (e) {
      errors.report(e);
      return null;
    }
  };
  /** Forgets the last result, token included. */
  const forget = () => {
    reset();
    errors.clear();
  };
  return { createApiKey, loading, forget, ...errors };
}
