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

/** A domain error: safe to show to the caller, mapped once to GraphQL and once to REST. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
    /** The REST error name when it is more specific than the code's default (e.g. invalid_from_address). */
    readonly restName?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /**
   * Read by graphql-js and Apollo when a resolver throws: RATE_LIMITED answers HTTP 429 with
   * Retry-After, as REST does (Apollo keeps `http` out of the response body).
   */
  get extensions(): Record<string, unknown> | undefined {
    if (this.code !== ErrorCode.RATE_LIMITED) return undefined;
    return { http: { status: 429, headers: new Map([['retry-after', String(this.retryAfterSeconds ?? 1)]]) } };
  }
}

export const unauthenticated = (message = 'You must be signed in.') =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You do not have permission to do this.') =>
  new AppError(ErrorCode.FORBIDDEN, message);
export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found.`);
export const badInput = (field: string, message: string, restName?: string) =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, field, undefined, restName);
export const missingField = (field: string, label = `\`${field}\``) =>
  badInput(field, `Missing required field: ${label}.`, 'missing_required_field');
export const conflict = (message: string, restName?: string) =>
  new AppError(ErrorCode.CONFLICT, message, undefined, undefined, restName);
export const rateLimited = (retryAfterSeconds: number, message = 'Too many requests. Try again later.') =>
  new AppError(ErrorCode.RATE_LIMITED, message, undefined, retryAfterSeconds);

/** Seconds a client is told to wait (Retry-After) when the database is unreachable. */
export const UNAVAILABLE_RETRY_SECONDS = 2;
export const serviceUnavailable = (message = 'The service is temporarily unavailable: its database cannot be reached. Retry shortly.') =>
  new AppError(ErrorCode.SERVICE_UNAVAILABLE, message, undefined, UNAVAILABLE_RETRY_SECONDS);
