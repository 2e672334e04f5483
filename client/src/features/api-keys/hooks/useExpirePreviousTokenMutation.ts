import { useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';
import { removedMeanwhile, useForgetRemovedApiKey } from './useForgetRemovedApiKey';
import { bidi } from '../../../ui/UserText';

export const ExpirePreviousTokenMutation = graphql(`
  mutation ExpirePreviousToken($id: ID!) {
    expirePreviousToken(id: $id) {
      ...ApiKeysTable_apiKey
    }
  }
`);

/** "Expire now" for a rolled key's old token; the key is normalized, so every view of it updates. */
export function useExpirePreviousTokenMutation() {
  const [mutate, { loading }] = useMutation(ExpirePreviousTokenMutation);
  const forget = useForgetRemovedApiKey();
  const expirePreviousToken = async (apiKey: { id: string; name: string }): Promise<boolean> => {
    try {
      await mutate({ variables: { id: apiKey.id } });
      toast.success(bidi`The old token of ${apiKey.name} no longer works`);
      return true;
    } catch (e) {
      if (!removedMeanwhile(e)) {
        reportErrors(e);
        return false;
      }
      // What Expire now was for is done: with the key gone, its old token works no more either.
      forget(apiKey.id, bidi`${apiKey.name} was removed meanwhile (in another tab, or by another admin): none of its tokens works any more.`, 'success');
      return true;
    }
  };
  return { expirePreviousToken, loading };
}
