import { CombinedGraphQLErrors } from '@apollo/client';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';
import { TeamPageQuery } from '../documents';
import { bidi } from '../../../ui/UserText';

export const RevokeInvitationMutation = graphql(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id)
  }
`);

export function useRevokeInvitationMutation() {
  const client = useApolloClient();
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
      toast.success(bidi`Revoked the invitation for ${invitation.email}`);
      return true;
    } catch (e) {
      if (!(CombinedGraphQLErrors.is(e) && e.errors.some((g) => g.extensions?.code === 'NOT_FOUND'))) {
        reportErrors(e);
        return false;
      }
      // Gone meanwhile (another tab, another admin, or accepted): what was asked is done. The team is
      // asked for again, so that the page shows it as it is now.
      client.cache.evict({ id: client.cache.identify({ __typename: 'Invitation', id: invitation.id }) });
      client.cache.gc();
      toast.success(bidi`The invitation for ${invitation.email} was already revoked or accepted.`);
      await client.refetchQueries({ include: [TeamPageQuery] }).catch(() => undefined);
      return true;
    }
  };
  return { revokeInvitation, loading };
}
