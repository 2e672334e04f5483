import { graphql } from '../../../gql';
import { useTokenMutation } from './useTokenMutation';

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
  const { run, ...rest } = useTokenMutation(RollApiKeyMutation, {
    fields: ['gracePeriodSeconds'] as const,
    payload: (data) => data.rollApiKey,
  });
  return { rollApiKey: (id: string, gracePeriodSeconds: number) => run({ id, input: { gracePeriodSeconds } }), ...rest };
}
