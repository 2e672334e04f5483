import { CombinedGraphQLErrors } from '@apollo/client';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import { toast } from '../../../ui/toast';
import { DomainDetailQuery, DomainsPageQuery } from '../documents';
import { bidi } from '../../../ui/UserText';

export const VerifyDomainMutation = graphql(`
  mutation VerifyDomain($id: ID!) {
    verifyDomain(id: $id) {
      ...DomainsTable_domain
      ...DomainRecords_domain
    }
  }
`);

const OUTCOME: Record<string, string> = {
  verified: 'verified: it can send',
  pending: 'pending: some records are not found yet. DNS changes can take a while; it is checked again every few minutes',
  failed: 'failed: a record has another value than the one to publish',
};

/** Checks the records now; the domain comes back whole, so every view of it updates. */
export function useVerifyDomainMutation() {
  const client = useApolloClient();
  const [mutate, { loading }] = useMutation(VerifyDomainMutation);
  const verifyDomain = async (id: string): Promise<boolean> => {
    try {
      const { data } = await mutate({ variables: { id } });
      const domain = data?.verifyDomain;
      if (!domain) return false;
      const message = bidi`${domain.name} is ${OUTCOME[domain.status] ?? domain.status}`;
      if (domain.status === 'verified') toast.success(message);
      else toast.error(message);
      return true;
    } catch (e) {
      reportErrors(e);
      // Removed meanwhile (another tab, another admin): its page says so, rather than records of nothing.
      if (CombinedGraphQLErrors.is(e) && e.errors.some((g) => g.extensions?.code === 'NOT_FOUND')) {
        await client.refetchQueries({ include: [DomainDetailQuery, DomainsPageQuery] }).catch(() => undefined);
      }
      return false;
    }
  };
  return { verifyDomain, loading };
}
