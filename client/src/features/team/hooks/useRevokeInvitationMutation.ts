import { useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';

export const RevokeInvitationMutation = graphql(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id)
  }
`);

export function useRevokeInvitationMutation() {
  const [mutate, { loading }] = useMutation(RevokeInvitationMutation, {
    update(cache, { data }) {
      if (!data) return;
      cache.evict({ id: cache.identify({ __typename: 'Invitation', id: data.revokeInvitation }) });
      cache.gc();
    },
  });
  const revokeInvitation = async (invitation: { id: string; email: string }): Promise<boolean> => {
    try {
      await mutate({ variables: { id: invitation.id } });
      toast.success(`Revoked the invitation for ${invitation.email}`);
      return true;
    } catch (e) {
      reportErrors(e);
      return false;
    }
  };
  return { revokeInvitation, loading };
}
