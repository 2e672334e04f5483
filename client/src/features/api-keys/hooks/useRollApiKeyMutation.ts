import { useMutation } from '@apollo/client/react';
import { useFormErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import type { CreatedApiKey } from './useCreateApiKeyMutation';

export const RollApiKeyMutation = graphql(`
  mutation RollApiKey($id: ID!, $input: RollApiKeyInput!) {
    rollApiKey(id: $id, input: $input) {
      token
      apiKey {
        ...ApiKeysTable_apiKey
      }
    }
  }
`);

export function useRollApiKeyMutation() {
  // As with create: the token stays out of normalized objects; only the new token start is cached.
  const [mutate, { loading, reset }] = useMutation(RollApiKeyMutation);
  const errors = useFormErrors(['gracePeriodSeconds'] as const);
  const rollApiKey = async (id: string, gracePeriodSeconds: number): Promise<CreatedApiKey | null> => {
    errors.clear();
    try {
      const { data } = await mutate({ variables: { id, input: { gracePeriodSeconds } } });
      return data ? { apiKey: data.rollApiKey.apiKey, token: data.rollApiKey.token } : null;
    } catch (e) {
      errors.report(e);
      return null;
    }
  };
  const forget = () => {
    reset();
    errors.clear();
  };
  return { rollApiKey, loading, forget, ...errors };
}
