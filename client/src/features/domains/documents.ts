import { graphql } from '../../gql';

export const DomainRowFragment = graphql(`
  fragment DomainsTable_domain on Domain {
    id
    name
    region
    status
    createdAt
  }
`);

export const DomainsPageQuery = graphql(`
  query DomainsPage {
    domains {
      ...DomainsTable_domain
    }
  }
`);
