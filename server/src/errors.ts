export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  /** The database (or another dependency) cannot be reached: retry later. */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
}

export type AppErrorOptions = {
  /** The input at fault, as GraphQL's extensions.field (e.g. `filters.from`). */
  field?: string;
  /** How long to wait before retrying: Retry-After on both surfaces. */
  retryAfterSeconds?: number;
  /** The REST error name when it is more specific than the code's default (e.g. invalid_from_address). */
  restName?: string;
  /** HTTP headers to answer with on both surfaces (a rate limit's RateLimit-*). */
  headers?: Record<string, string>;
};

/**
 * A domain error: safe to show to the caller. Mapped once to GraphQL (graphql/errors.ts) and
 * once to REST (rest/errors.ts).
 */
export class AppError extends Error {
  readonly field?: string;
  readonly retryAfterSeconds?: number;
  readonly restName?: string;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.restName = options.restName;
    this.headers = options.headers;
  }
}

/**
 * An AppError built without a stack trace, for the refusals a flood makes by the thousand (an
 * unknown key, a rate limit): they are expected answers, never logged as faults, and capturing a
 * trace through Express's stack was the largest single cost of refusing an unknown key (17 µs of
 * the 120 µs it cost more than the live route, profiled).
 */
export function refusalError(code: ErrorCode, message: string, options: AppErrorOptions = {}): AppError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new AppError(code, message, options);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export const unauthenticated = (message = 'You must be signed in.') => new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You do not have permission to do this.') => new AppError(ErrorCode.FORBIDDEN, message);
export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found.`);
export const badInput = (field: string, message: string, restName?: string) => new AppError(ErrorCode.BAD_USER_INPUT, message, { field, restName });
export const missingField = (field: string, label = `\`${field}\``) => badInput(field, `Missing required field: ${label}.`, 'missing_required_field');
export const conflict = (message: string, restName?: string) => new AppError(ErrorCode.CONFLICT, message, { restName });
export const rateLimited = (retryAfterSeconds: number, message = 'Too many requests. Try again later.', headers?: Record<string, string>) =>
  refusalError(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds, headers: { ...headers, 'retry-after': String(retryAfterSeconds) } });

/** Seconds a client is told to wait (Retry-After) when the database is unreachable. */
export const UNAVAILABLE_RETRY_SECONDS = 2;
export const serviceUnavailable = (message = 'The service is temporarily unavailable: its database cannot be reached. Retry shortly.') =>
  new AppError(ErrorCode.SERVICE_UNAVAILABLE, message, { retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS });
