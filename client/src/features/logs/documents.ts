import { graphql } from '../../gql';

export const LogRowFragment = graphql(`
  fragment LogsTable_log on UsageLog {
    id
    method
    endpoint
    statusCode
    errorName
    errorMessage
    durationMs
    userAgent
    createdAt
    apiKeyId
    apiKeyName
    apiKey {
      id
      name
    }
  }
`);

export const LogsPageQuery = graphql(`
  query LogsPage($filter: UsageLogFilter, $first: Int, $after: String) {
    usageLogs(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          ...LogsTable_log
        }
      }
      pageInfo {
        ...CursorList_pageInfo
      }
      searchedUntil
    }
    usageLogRetention {
      days
      oldestAt
      oldestLogAt
    }
  }
`);

export const LogDetailQuery = graphql(`
  query LogDetail($id: ID!) {
    usageLog(id: $id) {
      ...LogsTable_log
      requestBody
      responseBody
    }
  }
`);
