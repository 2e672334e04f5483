import { useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';

export const CancelEmailMutation = graphql(`
  mutation CancelEmail($id: ID!) {
    cancelEmail(id: $id) {
      ...EmailsTable_email
    }
  }
`);

/** The canceled email comes back whole, so the cache updates every list that shows it. */
export function useCancelEmailMutation() {
  const [mutate, { loading }] = useMutation(CancelEmailMutation);
  const cancelEmail = async (email: { id: string; subject: string }): Promise<boolean> => {
    try {
      await mutate({ variables: { id: email.id } });
      toast.success(`Canceled “${email.subject}”`);
      return true;
    } catch (e) {
      reportErrors(e);
      return false;
    }
  };
  return { cancelEmail, loading };
}
