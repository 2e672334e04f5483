import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { relayStylePagination } from '@apollo/client/utilities';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { isAdminsOnlyError } from './errors';
import { SessionQuery } from './session';
import { socketEvents } from './socket-status';

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      // Lists come back whole from the server: replace them rather than merge.
      Query: {
        fields: {
          domains: { merge: false },
          apiKeys: { merge: false },
          // Cursor lists: "Load more" appends; a fetch without `after` (new filters, refetch) starts over.
          usageLogs: relayStylePagination(['filter']),
          emails: relayStylePagination(['filter']),
          contacts: relayStylePagination(),
          broadcasts: relayStylePagination(),
          exports: relayStylePagination(),
          // Without it, the Audit log's "Load more" wrote the next page beside the first and showed nothing new.
          auditEvents: relayStylePagination(),
        },
      },
      Team: { fields: { members: { merge: false }, invitations: { merge: false } } },
    },
  });
}

function wsUrl(): string {
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${window.location.host}/graphql`;
}

// Operations where UNAUTHENTICATED means "wrong password", not "your session is gone".
const CREDENTIAL_CHECKS = new Set(['SignIn', 'AcceptInvitation']);

/**
 * A session can end under the app's feet (expired, signed out elsewhere, removed from the team):
 * record that nobody is signed in, so the guard sends the user to sign in and back.
 */
const sessionEndedLink = new ErrorLink(({ error, operation }) => {
  if (CREDENTIAL_CHECKS.has(operation.operationName ?? '')) return;
  if (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
    operation.client.writeQuery({ query: SessionQuery, data: { me: null } });
  }
});

/**
 * An admin demoted in another tab or by another admin keeps the Admin badge and the admin buttons
 * until the session is asked again: the server's "Only admins can do this." is the cue to ask, so
 * the page drops what the user may no longer do.
 */
const roleChangedLink = new ErrorLink(({ error, operation }) => {
  if (operation.operationName === 'Session' || !isAdminsOnlyError(error)) return;
  // A failure here shows in the guard's own query; the operation's error is reported already.
  operation.client.query({ query: SessionQuery, fetchPolicy: 'network-only' }).catch(() => undefined);
});

/** What the app does about the session when an operation fails; before the transport. */
export const sessionLink = ApolloLink.from([sessionEndedLink, roleChangedLink]);

/** One client for the app: HTTP for queries and mutations, a lazy WebSocket for subscriptions. */
export function createApolloClient(): ApolloClient {
  // Same origin, so the session cookie rides along on both transports.
  const http = new HttpLink({ uri: '/graphql', credentials: 'same-origin' });
  const ws = new GraphQLWsLink(createClient({ url: wsUrl(), lazy: true, retryAttempts: 5, on: socketEvents }));
  const transport = ApolloLink.split((op) => op.operationType === OperationTypeNode.SUBSCRIPTION, ws, http);
  const link = ApolloLink.from([sessionLink, transport]);
  return new ApolloClient({ link, cache: createCache() });
}
