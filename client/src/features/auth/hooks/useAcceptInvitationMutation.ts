import { graphql } from '../../../gql';
import { useStartSession } from './useStartSession';

export const AcceptInvitationMutation = graphql(`
  mutation AcceptInvitation($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      ...Session_user
    }
  }
`);

export function useAcceptInvitationMutation() {
  // A bad token or a wrong password for an existing account is shown in the form.
  const { start: acceptInvitation, ...rest } = useStartSession(AcceptInvitationMutation, { fields: ['password'] as const, otherErrors: 'form' });
  return { acceptInvitation, ...rest };
}
