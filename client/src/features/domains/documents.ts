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

export const DomainRecordsFragment = graphql(`
  fragment DomainRecords_domain on Domain {
    id
    status
    checkedAt
    records {
      record
      name
      fqdn
      type
      value
      priority
      status
    }
  }
`);

export const DomainDetailQuery = graphql(`
  query DomainDetail($id: ID!) {
    domain(id: $id) {
      ...DomainsTable_domain
      ...DomainRecords_domain
    }
  }
`);

export const SendingPolicyQuery = graphql(`
  query SendingPolicy {
    sendingPolicy {
      requireVerifiedDomains
    }
  }
`);
