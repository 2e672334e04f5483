import { useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import type { Role } from '../../../gql/graphql';
import { toast } from '../../../ui/toast';
import { ROLE_LABEL } from '../roles';

export const UpdateMemberRoleMutation = graphql(`
  mutation UpdateMemberRole($id: ID!, $role: Role!) {
    updateMemberRole(id: $id, role: $role) {
      ...MembersTable_member
    }
  }
`);

export function useUpdateMemberRoleMutation() {
  // The member comes back whole, so the normalised cache updates the row by itself.
  const [mutate, { loading }] = useMutation(UpdateMemberRoleMutation);
  const updateMemberRole = async (member: { id: string; user: { email: string } }, role: Role) => {
    try {
      await mutate({ variables: { id: member.id, role } });
      toast.success(`${member.user.email} is now ${ROLE_LABEL[role].toLowerCase()}`);
      return true;
    } catch (e) {
      reportErrors(e);
      return false;
    }
  };
  return { updateMemberRole, loading };
}
