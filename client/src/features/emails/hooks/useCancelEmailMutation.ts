import { CombinedGraphQLErrors } from '@apollo/client';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';
import { EmailDetailQuery, EmailsPageQuery } from '../documents';
import { bidi } from '../../../ui/UserText';

/** The server's refusal of an email that is no longer scheduled (sent, or canceled, meanwhile): BAD_USER_INPUT on `id`. */
const noLongerScheduled = (e: unknown) =>
  CombinedGraphQLErrors.is(e) && e.errors.some((g) => g.extensions?.code === 'BAD_USER_INPUT' && g.extensions?.field === 'id');

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
      if (!noLongerScheduled(e)) return false;
      // Sent or canceled meanwhile (its time came, another admin): nothing left to confirm. The
      // email is asked for again, so that its row says what it is now and offers no Cancel.
      await Promise.all([
        client.query({ query: EmailDetailQuery, variables: { id: email.id }, fetchPolicy: 'network-only' }).catch(() => undefined),
        client.refetchQueries({ include: [EmailsPageQuery], onQueryUpdated: (list) => Boolean(list.variables.filter?.emailStatus) }).catch(() => undefined),
      ]);
      return true;
    }
    toast.success(bidi`Canceled “${email.subject}”`);
    // The email is canceled whatever this answers: a failure is said, and the dialog still closes.
    await client
      .refetchQueries({ include: [EmailsPageQuery], onQueryUpdated: (list) => Boolean(list.variables.filter?.emailStatus) })
      .catch((e: unknown) => reportErrors(e));
    return true;
  };
  return { cancelEmail, loading };
}
