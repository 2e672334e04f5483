import { useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';

export const RemoveMemberMutation = graphql(`
  mutation RemoveMember($id: ID!) {
    removeMember(id: $id)
  }
`);

export function useRemoveMemberMutation() {
  const [mutate, { loading }] = useMutation(RemoveMemberMutation, {
    update(cache, { data }) {
      if (!data) return;
      cache.evict({ id: cache.identify({ __typename: 'Member', id: data.removeMember }) });
      cache.gc();
    },
  });
  const removeMember = async (member: { id: string; user: { email: string } }): Promise<boolean> => {
    try {
      await mutate({ variables: { id: member.id } });
      toast.success(`Removed ${member.user.email} from the team`);
      return true;
    } catch (e) {
      reportErrors(e);
      return false;
    }
  };
  return { removeMember, loading };
}
