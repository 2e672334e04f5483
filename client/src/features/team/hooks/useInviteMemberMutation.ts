import { useMutation } from '@apollo/client/react';
import { useFormErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import type { InviteMemberInput } from '../../../gql/graphql';
import { TeamPageQuery } from '../documents';

export const InviteMemberMutation = graphql(`
  mutation InviteMember($input: InviteMemberInput!) {
    inviteMember(input: $input) {
      token
      invitation {
        ...InvitationsTable_invitation
      }
    }
  }
`);

export function useInviteMemberMutation() {
  const [mutate, { loading }] = useMutation(InviteMemberMutation, {
    update(cache, { data }) {
      const invitation = data?.inviteMember.invitation;
      if (!invitation) return;
      cache.updateQuery({ query: TeamPageQuery, variables: { isAdmin: true } }, (current) => {
        if (!current) return current;
        // A new invitation replaces any pending one for the same address.
        const others = (current.team.invitations ?? []).filter((i) => i.email !== invitation.email);
        return { team: { ...current.team, invitations: [invitation, ...others] } };
      });
    },
  });
  const errors = useFormErrors(['email', 'role'] as const);
  /** Resolves to the one-time token, or null when the invitation failed. */
  const inviteMember = async (input: InviteMemberInput): Promise<string | null> => {
    errors.clear();
    try {
      const { data } = await mutate({ variables: { input } });
      return data?.inviteMember.token ?? null;
    } catch (e) {
      errors.report(e);
      return null;
    }
  };
  return { inviteMember, loading, ...errors };
}
