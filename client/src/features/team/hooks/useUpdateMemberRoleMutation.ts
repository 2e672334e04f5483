import { CombinedGraphQLErrors } from '@apollo/client';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import type { Role } from '../../../gql/graphql';
import { toast } from '../../../ui/toast';
import { TeamPageQuery } from '../documents';
import { ROLE_LABEL } from '../roles';
import { bidi } from '../../../ui/UserText';

export const UpdateMemberRoleMutation = graphql(`
  mutation UpdateMemberRole($id: ID!, $role: Role!) {
    updateMemberRole(id: $id, role: $role) {
      ...MembersTable_member
    }
  }
`);

export function useUpdateMemberRoleMutation() {
  // The member comes back whole, so the normalised cache updates the row by itself.
  const client = useApolloClient();
  const [mutate, { loading }] = useMutation(UpdateMemberRoleMutation);
  const updateMemberRole = async (member: { id: string; user: { email: string } }, role: Role) => {
    try {
      await mutate({ variables: { id: member.id, role } });
      toast.success(bidi`${member.user.email} is now ${ROLE_LABEL[role].toLowerCase()}`);
      return true;
    } catch (e) {
      if (!(CombinedGraphQLErrors.is(e) && e.errors.some((g) => g.extensions?.code === 'NOT_FOUND'))) {
        reportErrors(e);
        return false;
      }
      // Left or removed meanwhile: nothing to change. The team is asked for again, as it is now.
      client.cache.evict({ id: client.cache.identify({ __typename: 'Member', id: member.id }) });
      client.cache.gc();
      toast.message(bidi`${member.user.email} is no longer in the team: no role was changed.`);
      await client.refetchQueries({ include: [TeamPageQuery] }).catch(() => undefined);
      return true;
    }
  };
  return { updateMemberRole, loading };
}
