import { graphql } from '../../gql';

export const AccountSessionsQuery = graphql(`
  query AccountSessions {
    sessions {
      id
      current
      teamName
      userAgent
      ip
      createdAt
      expiresAt
    }
  }
`);
