import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
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

/**
 * The HTTP status of a GraphQL response that carries a domain error. A resolver's error answers
 * 200 (the response holds data beside it) unless the caller must wait; an error while building
 * the context (no resolver ran) answers its own status.
 */
const RESOLVER_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.RATE_LIMITED]: 429,
};
const CONTEXT_STATUS: Partial<Record<ErrorCode, number>> = {
  ...RESOLVER_STATUS,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};

/** What a thrown error is to the caller: a domain error as it is, the database down as SERVICE_UNAVAILABLE. */
function domainError(error: unknown): AppError | null {
  let original = unwrapResolverError(error);
  // Over WebSocket, errors arrive as GraphQLErrors wrapping what a resolver threw.
  if (original instanceof GraphQLError && original.originalError) original = original.originalError;
  if (original instanceof AppError) return original;
  return isDatabaseUnavailable(original) ? serviceUnavailable() : null;
}

/** A domain error's extensions: its code, the field at fault, and how long to wait. */
const extensionsOf = (e: AppError) => ({
  code: e.code,
  ...(e.field ? { field: e.field } : {}),
  ...(e.retryAfterSeconds ? { retryAfter: e.retryAfterSeconds } : {}),
});

const httpOf = (e: AppError, status: number) => ({
  status,
  headers: new Map([...(e.retryAfterSeconds ? [['retry-after', String(e.retryAfterSeconds)] as const] : []), ...Object.entries(e.headers ?? {})]),
});

/**
 * The variable, or the place inside it, that a variable graphql-js refused is about
 * (`Variable "$i" got invalid value "ROOT" at "i.permission"; …` → `i.permission`; an input
 * field missing or unknown, `i.name`), so that every BAD_USER_INPUT names its field as the
 * contract says. The value printed before the path has its strings quoted and escaped, so the
 * first ` at "…"; ` is graphql-js's own (the message after it may repeat a value unescaped).
 */
export function variableField(message: string): string | undefined {
  const variable = /^Variable "\$(\w+)" /.exec(message)?.[1];
  if (!variable) return undefined;
  const at = new RegExp(`^[\\s\\S]*? at "(${variable}(?:\\.\\w+|\\[\\d+\\])*)"; ([\\s\\S]*)$`).exec(message);
  const path = at?.[1] ?? variable;
  const rest = at?.[2] ?? message.slice(message.indexOf('; ') + 2);
  const inputField = /^Field "(\w+)" (?:is not defined by type|of required type) /.exec(rest)?.[1];
  return inputField ? `${path}.${inputField}` : path;
}

/**
 * An error Apollo raised itself to refuse a malformed request, with a 4xx status but no code (an
 * automatic persisted query whose sha256Hash is not its query's, or of another version): the
 * request's fault, answered BAD_REQUEST with its message, not masked and logged as a server fault.
 */
function refusedRequest(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError || error.path) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Maps domain errors to extensions.code once; anything unknown is logged and masked. */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const domain = domainError(error);
    if (domain) return { message: domain.message, locations: formatted.locations, path: formatted.path, extensions: extensionsOf(domain) };
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASSTHROUGH.has(code)) {
      const message = formatted.message.replace(/^Context creation failed: /, '');
      const field = code === 'BAD_USER_INPUT' ? variableField(message) : undefined;
      return { message, locations: formatted.locations, extensions: { code, ...(field ? { field } : {}) } };
    }
    if (refusedRequest(error)) return { message: formatted.message, extensions: { code: 'BAD_REQUEST' } };
    logger.error({ err: unwrapResolverError(error), path: formatted.path }, 'unexpected GraphQL error');
    return {
      message: 'Internal server error',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/** A domain error thrown while building the context, as a GraphQL error Apollo passes on with its status. */
export function contextError(e: unknown): unknown {
  const domain = domainError(e);
  if (!domain) return e;
  return new GraphQLError(domain.message, {
    extensions: { ...extensionsOf(domain), http: httpOf(domain, CONTEXT_STATUS[domain.code] ?? 403) },
  });
}

/** A response whose resolver was rate limited answers 429 with Retry-After, as REST does. */
export const errorStatusPlugin: ApolloServerPlugin<BaseContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, response }) {
        for (const error of errors) {
          const domain = domainError(error);
          const status = domain && RESOLVER_STATUS[domain.code];
          if (!domain || !status) continue;
          const http = httpOf(domain, status);
          response.http.status = http.status;
          for (const [name, value] of http.headers) response.http.headers.set(name, value);
          return;
        }
      },
    };
  },
};

/**
 * The status a GraphQL answer's error stands for, as REST would answer it (rest/errors.ts):
 * what a usage log of a GraphQL request records, so that an answer carrying errors counts as an
 * error everywhere the logs and rollups are counted, though GraphQL answers it with HTTP 200.
 */
const STATUS_OF_CODE: Record<string, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 422,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  PERSISTED_QUERY_NOT_FOUND: 400,
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
};

/**
 * The status a usage log records for a GraphQL answer: the HTTP status when it is an error
 * (401, 429, 503, 400), else the status of the first error's `extensions.code` (FORBIDDEN 403,
 * NOT_FOUND 404, BAD_USER_INPUT 422, CONFLICT 409; INTERNAL_SERVER_ERROR and anything unknown
 * 500), else 200 — the first error also gives the log its error name and message.
 */
export function loggedStatusOf(httpStatus: number | undefined, errors: readonly { extensions?: { code?: unknown } | null }[] | null | undefined): number {
  if (httpStatus !== undefined && httpStatus >= 400) return httpStatus;
  const code = errors?.[0]?.extensions?.code;
  if (!errors?.length) return httpStatus ?? 200;
  return (typeof code === 'string' ? STATUS_OF_CODE[code] : undefined) ?? 500;
}
