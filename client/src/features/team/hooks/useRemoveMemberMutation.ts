import { CombinedGraphQLErrors } from '@apollo/client';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';
import { TeamPageQuery } from '../documents';
import { bidi } from '../../../ui/UserText';

export const RemoveMemberMutation = graphql(`
  mutation RemoveMember($id: ID!) {
    removeMember(id: $id)
  }
`);

export function useRemoveMemberMutation() {
  const client = useApolloClient();
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
      toast.success(bidi`Removed ${member.user.email} from the team`);
      return true;
    } catch (e) {
      if (!(CombinedGraphQLErrors.is(e) && e.errors.some((g) => g.extensions?.code === 'NOT_FOUND'))) {
        reportErrors(e);
        return false;
      }
      // Gone meanwhile (another tab, another admin, or it left): what was asked is done. The team is
      // asked for again, so that the page shows it as it is now.
      client.cache.evict({ id: client.cache.identify({ __typename: 'Member', id: member.id }) });
      client.cache.gc();
      toast.success(bidi`${member.user.email} was no longer in the team.`);
      await client.refetchQueries({ include: [TeamPageQuery] }).catch(() => undefined);
      return true;
    }
  };
  return { removeMember, loading };
}
