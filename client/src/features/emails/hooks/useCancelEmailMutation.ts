import { useApolloClient, useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';
import { EmailsPageQuery } from '../documents';

export const CancelEmailMutation = graphql(`
  mutation CancelEmail($id: ID!) {
    cancelEmail(id: $id) {
      ...EmailsTable_email
    }
  }
`);

/**
 * The canceled email comes back whole, so the cache updates every list that shows it. A list
 * filtered by status (Scheduled) no longer holds it, though: that one is asked again before the
 * dialog closes.
 */
export function useCancelEmailMutation() {
  const client = useApolloClient();
  const [mutate, { loading }] = useMutation(CancelEmailMutation);
  const cancelEmail = async (email: { id: string; subject: string }): Promise<boolean> => {
    try {
      await mutate({ variables: { id: email.id } });
    } catch (e) {
      reportErrors(e);
      return false;
    }
    toast.success(`Canceled “${email.subject}”`);
    // The email is canceled whatever this answers: a failure is said, and the dialog still closes.
    await client
      .refetchQueries({ include: [EmailsPageQuery], onQueryUpdated: (list) => Boolean(list.variables.filter?.emailStatus) })
      .catch((e: unknown) => reportErrors(e));
    return true;
  };
  return { cancelEmail, loading };
}
