import { graphql } from '../../gql';

export const ContactRowFragment = graphql(`
  fragment ContactsTable_contact on Contact {
    id
    email
    firstName
    lastName
    unsubscribed
    createdAt
  }
`);

export const ContactsPageQuery = graphql(`
  query ContactsPage($filter: ContactFilter, $first: Int, $after: String) {
    contacts(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          ...ContactsTable_contact
        }
      }
      pageInfo {
        ...CursorList_pageInfo
      }
    }
  }
`);
