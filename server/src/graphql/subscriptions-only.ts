import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * For the WebSocket transport: only subscriptions. A query or mutation sent there would skip what
 * the HTTP path does for every request — the team's rate limit and the usage log of a key.
 */
export const subscriptionsOnly: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation !== 'subscription') {
      context.reportError(
        new GraphQLError(`Only subscriptions are served over the WebSocket: send this ${node.operation} over HTTP (POST /graphql).`, { nodes: [node] }),
      );
    }
  },
});

/**
 * For the HTTP transport: no subscriptions. Executed there as a query, `exportProgress` ran its
 * field without its event stream and failed as INTERNAL_SERVER_ERROR (a 500 in a key's usage log).
 */
export const noSubscriptions: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription') {
      context.reportError(new GraphQLError('Subscriptions are served over the WebSocket only: open a graphql-ws connection to /graphql.', { nodes: [node] }));
    }
  },
});
