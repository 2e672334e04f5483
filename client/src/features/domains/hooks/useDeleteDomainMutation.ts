import { CombinedGraphQLErrors } from '@apollo/client';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';
import { bidi } from '../../../ui/UserText';

export const DeleteDomainMutation = graphql(`
  mutation DeleteDomain($id: ID!) {
    deleteDomain(id: $id)
  }
`);

/** Removed meanwhile (another tab, another admin): the server no longer knows the domain. */
const removedMeanwhile = (e: unknown) => CombinedGraphQLErrors.is(e) && e.errors.some((g) => g.extensions?.code === 'NOT_FOUND');

export function useDeleteDomainMutation() {
  const client = useApolloClient();
  const [mutate, { loading }] = useMutation(DeleteDomainMutation, {
    update(cache, { data }) {
      if (!data) return;
      cache.evict({ id: cache.identify({ __typename: 'Domain', id: data.deleteDomain }) });
      cache.gc();
    },
  });
  const deleteDomain = async (domain: { id: string; name: string }): Promise<boolean> => {
    try {
      await mutate({ variables: { id: domain.id } });
      toast.success(bidi`Removed ${domain.name}`);
      return true;
    } catch (e) {
      if (!removedMeanwhile(e)) {
        reportErrors(e);
        return false;
      }
      // What was asked for is done: the domain leaves the lists, and the dialog can close.
      client.cache.evict({ id: client.cache.identify({ __typename: 'Domain', id: domain.id }) });
      client.cache.gc();
      toast.success(bidi`${domain.name} was already removed.`);
      return true;
    }
  };
  return { deleteDomain, loading };
}
