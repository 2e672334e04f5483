import { useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';

export const DeleteDomainMutation = graphql(`
  mutation DeleteDomain($id: ID!) {
    deleteDomain(id: $id)
  }
`);

export function useDeleteDomainMutation() {
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
      toast.success(`Removed ${domain.name}`);
      return true;
    } catch (e) {
      reportErrors(e);
      return false;
    }
  };
  return { deleteDomain, loading };
}
