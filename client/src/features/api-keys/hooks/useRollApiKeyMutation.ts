import { graphql } from '../../../gql';
import { removedMeanwhile, useForgetRemovedApiKey } from './useForgetRemovedApiKey';
import { useTokenMutation } from './useTokenMutation';
import { bidi } from '../../../ui/UserText';

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
  const forget = useForgetRemovedApiKey();
  const { run, ...rest } = useTokenMutation(RollApiKeyMutation, {
    fields: ['gracePeriodSeconds'] as const,
    payload: (data) => data.rollApiKey,
    handle: removedMeanwhile,
  });
  /**
   * The new token, null when the roll was refused (errors reported), or `'removed'` when the key
   * was removed meanwhile (another tab, another admin): there is nothing left to roll.
   */
  const rollApiKey = async (apiKey: { id: string; name: string }, gracePeriodSeconds: number) => {
    const result = await run({ id: apiKey.id, input: { gracePeriodSeconds } });
    if (result !== 'handled') return result;
    forget(apiKey.id, bidi`${apiKey.name} was removed meanwhile (in another tab, or by another admin): no new token was made.`, 'error');
    return 'removed' as const;
  };
  return { rollApiKey, ...rest };
}
