import { useMutation } from '@apollo/client/react';
import { useFormErrors } from '../../../app/errors';
import { useRefreshSession } from '../../../app/session';
import { graphql } from '../../../gql';
import type { AcceptInvitationInput } from '../../../gql/graphql';

export const AcceptInvitationMutation = graphql(`
  mutation AcceptInvitation($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      ...Session_user
    }
  }
`);

export function useAcceptInvitationMutation() {
  const [mutate, { loading }] = useMutation(AcceptInvitationMutation);
  const refreshSession = useRefreshSession();
  // A bad token or a wrong password for an existing account is shown in the form.
  const errors = useFormErrors(['password'] as const);
  const acceptInvitation = async (input: AcceptInvitationInput): Promise<boolean> => {
    errors.clear();
    try {
      const { data } = await mutate({ variables: { input } });
      if (!data) return false;
      await refreshSession();
      return true;
    } catch (e) {
      errors.reportInForm(e);
      return false;
    }
  };
  return { acceptInvitation, loading, ...errors };
}
