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
