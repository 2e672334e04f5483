import { graphql } from '../../gql';

export const ApiKeyRowFragment = graphql(`
  fragment ApiKeysTable_apiKey on ApiKey {
    id
    name
    permission
    tokenStart
    createdAt
    lastUsedAt
    usageStatus
    requestCount
    expiresAt
    enabled
    previousTokenStart
    previousTokenExpiresAt
    domain {
      id
      name
    }
  }
`);

export const ApiKeyHealthFragment = graphql(`
  fragment HealthOverview_health on ApiKeyHealth {
    total
    neverUsed
    inactive
    fullAccess
    expiringSoon
    disabled
  }
`);

/** The list (with the current filter) and the team-wide health counts above it. */
export const ApiKeysPageQuery = graphql(`
  query ApiKeysPage($filter: ApiKeyFilter) {
    apiKeys(filter: $filter) {
      ...ApiKeysTable_apiKey
    }
    apiKeyHealth {
      ...HealthOverview_health
    }
  }
`);

/**
 * The last 7 days of each listed key, for the sparklines: a query of its own because the list
 * with them would cost over the server's limit at 500 keys (graphql/cost.ts).
 */
export const ApiKeysRecentUsageQuery = graphql(`
  query ApiKeysRecentUsage($filter: ApiKeyFilter) {
    apiKeys(filter: $filter) {
      id
      recentRequests
      recentErrorRate
    }
  }
`);

/** The domains a sending-access key may be restricted to. */
export const ApiKeyDomainsQuery = graphql(`
  query ApiKeyDomains {
    domains {
      id
      name
    }
  }
`);

/** The keys a list page can be filtered by (Logs, Emails), and the names that audit events and exports show. */
export const ApiKeyFilterKeysQuery = graphql(`
  query ApiKeyFilterKeys {
    apiKeys {
      id
      name
    }
  }
`);

export const ApiKeyRequestFragment = graphql(`
  fragment RecentRequests_log on UsageLog {
    id
    method
    endpoint
    statusCode
    durationMs
    createdAt
  }
`);

export const ApiKeyDetailQuery = graphql(`
  query ApiKeyDetail($id: ID!) {
    apiKey(id: $id) {
      ...ApiKeysTable_apiKey
      updatedAt
      createdBy {
        id
        email
      }
      usage(days: 30) {
        date
        requests
        errors
      }
    }
    usageLogs(filter: { apiKeyId: $id }, first: 20) {
      edges {
        cursor
        node {
          ...RecentRequests_log
        }
      }
      pageInfo {
        ...CursorList_pageInfo
      }
    }
  }
`);
