import { graphql } from '../../gql';

export const EmailRowFragment = graphql(`
  fragment EmailsTable_email on Email {
    id
    from
    to
    subject
    status
    error
    createdAt
    sentAt
    scheduledAt
    messageId
    apiKeyId
    apiKey {
      id
      name
    }
  }
`);

export const EmailsPageQuery = graphql(`
  query EmailsPage($filter: EmailFilter, $first: Int, $after: String) {
    emails(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          ...EmailsTable_email
        }
      }
      pageInfo {
        ...CursorList_pageInfo
      }
      searchedUntil
    }
  }
`);

export const EmailDetailQuery = graphql(`
  query EmailDetail($id: ID!) {
    email(id: $id) {
      ...EmailsTable_email
      cc
      bcc
      replyTo
      html
      text
    }
  }
`);
