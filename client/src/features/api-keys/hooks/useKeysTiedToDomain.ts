import { useQuery } from '@apollo/client/react';
import { graphql } from '../../../gql';

export const ApiKeyDomainTiesQuery = graphql(`
  query ApiKeyDomainTies {
    apiKeys {
      id
      name
      domain {
        id
      }
    }
  }
`);

/**
 * The keys restricted to a domain, asked when a removal is about to be confirmed: the server
 * refuses to delete a domain a key is tied to, and the page says so (naming the keys) before the
 * confirmation rather than after it.
 */
export function useKeysTiedToDomain(domainId: string | null | undefined) {
  const { data, loading } = useQuery(ApiKeyDomainTiesQuery, { skip: !domainId, fetchPolicy: 'network-only' });
  const keys = domainId ? (data?.apiKeys ?? []).filter((k) => k.domain?.id === domainId) : [];
  // Should the question fail, the removal is still offered: the server refuses it and says why.
  return { keys, loading: Boolean(domainId) && loading };
}
