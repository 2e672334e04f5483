export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
}

/** A domain error: safe to show to the caller, mapped once to GraphQL and once to REST. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const unauthenticated = (message = 'You must be signed in.') =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You do not have permission to do this.') =>
  new AppError(ErrorCode.FORBIDDEN, message);
export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found.`);
export const badInput = (field: string, message: string) =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, field);
export const rateLimited = (retryAfterSeconds: number, message = 'Too many requests. Try again later.') =>
  new AppError(ErrorCode.RATE_LIMITED, message, undefined, retryAfterSeconds);
