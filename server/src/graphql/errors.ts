import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDatabaseUnavailable } from '../db/connection.js';
import { AppError, ErrorCode, serviceUnavailable } from '../errors.js';
import type { Logger } from '../logger.js';

// Codes produced by Apollo itself for malformed requests; these are safe to pass through.
const PASSTHROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  // Our own codes, raised as GraphQL errors where no resolver runs (context creation).
  ...Object.values(ErrorCode),
]);

/** Maps domain errors to extensions.code once; anything unknown is logged and masked. */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    let original = unwrapResolverError(error);
    // Over WebSocket, errors arrive as GraphQLErrors wrapping what a resolver threw.
    if (original instanceof GraphQLError && original.originalError) original = original.originalError;
    if (!(original instanceof AppError) && isDatabaseUnavailable(original)) original = serviceUnavailable();
    if (original instanceof AppError) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: {
          code: original.code,
          ...(original.field ? { field: original.field } : {}),
          ...(original.retryAfterSeconds ? { retryAfter: original.retryAfterSeconds } : {}),
        },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASSTHROUGH.has(code)) {
      const message = formatted.message.replace(/^Context creation failed: /, '');
      return { message, locations: formatted.locations, extensions: { code } };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected GraphQL error');
    return {
      message: 'Internal server error',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
