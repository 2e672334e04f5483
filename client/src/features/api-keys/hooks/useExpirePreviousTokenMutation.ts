import { useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';

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
  const expirePreviousToken = async (apiKey: { id: string; name: string }): Promise<boolean> => {
    try {
      await mutate({ variables: { id: apiKey.id } });
      toast.success(`The old token of ${apiKey.name} no longer works`);
      return true;
    } catch (e) {
      reportErrors(e);
      return false;
    }
  };
  return { expirePreviousToken, loading };
}
