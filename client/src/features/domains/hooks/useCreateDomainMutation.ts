import { useMutation } from '@apollo/client/react';
import { useFormErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import type { CreateDomainInput, DomainsTable_DomainFragment } from '../../../gql/graphql';
import { toast } from '../../../ui/toast';
import { DomainsPageQuery } from '../documents';
import { bidi } from '../../../ui/UserText';

export const CreateDomainMutation = graphql(`
  mutation CreateDomain($input: CreateDomainInput!) {
    createDomain(input: $input) {
      ...DomainsTable_domain
    }
  }
`);

export function useCreateDomainMutation() {
  const [mutate, { loading }] = useMutation(CreateDomainMutation, {
    update(cache, { data }) {
      const domain = data?.createDomain;
      if (!domain) return;
      cache.updateQuery({ query: DomainsPageQuery }, (current) =>
        current ? { domains: [domain, ...current.domains.filter((d) => d.id !== domain.id)] } : current,
      );
    },
  });
  const errors = useFormErrors(['name', 'region'] as const);
  const createDomain = async (input: CreateDomainInput): Promise<DomainsTable_DomainFragment | null> => {
    errors.clear();
    try {
      const { data } = await mutate({ variables: { input } });
      if (!data) return null;
      toast.success(bidi`Added ${data.createDomain.name}`);
      return data.createDomain;
    } catch (e) {
      errors.report(e);
      return null;
    }
  };
  return { createDomain, loading, ...errors };
}
