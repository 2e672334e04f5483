import { graphql } from '../../gql';

export const BroadcastRowFragment = graphql(`
  fragment BroadcastsTable_broadcast on Broadcast {
    id
    name
    subject
    from
    status
    createdAt
    sentAt
  }
`);

export const BroadcastsPageQuery = graphql(`
  query BroadcastsPage($filter: BroadcastFilter, $first: Int, $after: String) {
    broadcasts(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          ...BroadcastsTable_broadcast
        }
      }
      pageInfo {
        ...CursorList_pageInfo
      }
    }
  }
`);
