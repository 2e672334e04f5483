import { graphql } from '../../gql';

export const AuditEventRowFragment = graphql(`
  fragment AuditTable_event on AuditEvent {
    id
    action
    actor {
      id
      email
    }
    actorApiKeyId
    targetId
    metadata
    createdAt
  }
`);

export const AuditPageQuery = graphql(`
  query AuditPage($first: Int, $after: String) {
    auditEvents(first: $first, after: $after) {
      edges {
        cursor
        node {
          ...AuditTable_event
        }
      }
      pageInfo {
        ...CursorList_pageInfo
      }
    }
  }
`);
