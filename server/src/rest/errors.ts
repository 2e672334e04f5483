import type { Response } from 'express';
import { isDatabaseUnavailable } from '../db/connection.js';
import { AppError, ErrorCode, serviceUnavailable } from '../errors.js';

export type RestErrorBody = { statusCode: number; name: string; message: string };

/**
 * A JSON answer written as is, kept in `res.locals.responseBody` for the usage log: no ETag (a hash
 * of every answer, which only a conditional GET of a resource can use) and none of Express's
 * content-type handling. The REST API's errors and its answers to anything but a GET go this way.
 */
export function writeJsonAsIs(res: Response, statusCode: number, body: unknown): void {
  res.locals.responseBody = body;
  const text = JSON.stringify(body);
  res.statusCode = statusCode;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/** Answers with the REST API's error body, `{ statusCode, name, message }`, and gives it back (for the usage log). */
export function writeRestError(res: Response, statusCode: number, name: string, message: string): RestErrorBody {
  const body = { statusCode, name, message };
  writeJsonAsIs(res, statusCode, body);
  return body;
}

/** An error that only exists on the REST surface (authentication header, routing). */
export class RestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly restName: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

const DEFAULTS: Record<ErrorCode, { statusCode: number; name: string }> = {
  [ErrorCode.UNAUTHENTICATED]: { statusCode: 401, name: 'missing_api_key' },
  [ErrorCode.FORBIDDEN]: { statusCode: 403, name: 'restricted_api_key' },
  [ErrorCode.NOT_FOUND]: { statusCode: 404, name: 'not_found' },
  [ErrorCode.BAD_USER_INPUT]: { statusCode: 422, name: 'validation_error' },
  [ErrorCode.CONFLICT]: { statusCode: 409, name: 'conflict' },
  [ErrorCode.RATE_LIMITED]: { statusCode: 429, name: 'rate_limit_exceeded' },
  [ErrorCode.SERVICE_UNAVAILABLE]: { statusCode: 503, name: 'service_unavailable' },
};

// Resend's status for each specific name, where it differs from the code's default.
const STATUS_BY_NAME: Record<string, number> = {
  invalid_from_address: 403,
  restricted_api_key: 401,
  invalid_api_key: 403,
  missing_required_field: 422,
  invalid_parameter: 422,
  invalid_region: 422,
  invalid_idempotency_key: 400,
  invalid_idempotent_request: 409,
};

/**
 * Answers a domain error as the REST API does — its headers, Retry-After on a 429 or 503, its body —
 * and gives the body back (for the usage log); null, answering nothing, for an unknown error.
 */
export function writeMappedError(res: Response, e: unknown): RestErrorBody | null {
  const mapped = toRestError(e);
  const extra = e instanceof AppError ? e.headers : undefined;
  if (extra) res.set(extra);
  if (!mapped) return null;
  if ((mapped.statusCode === 429 || mapped.statusCode === 503) && mapped.retryAfterSeconds && !res.get('retry-after'))
    res.set('retry-after', String(mapped.retryAfterSeconds));
  return writeRestError(res, mapped.statusCode, mapped.name, mapped.message);
}

/** Domain errors mapped once to Resend's `{ statusCode, name, message }`; null for unknown errors. */
export function toRestError(e: unknown): (RestErrorBody & { retryAfterSeconds?: number }) | null {
  // The database unreachable or too slow: the request may succeed later, so 503 with Retry-After.
  if (!(e instanceof AppError) && !(e instanceof RestError) && isDatabaseUnavailable(e)) e = serviceUnavailable();
  if (e instanceof RestError) {
    return { statusCode: e.statusCode, name: e.restName, message: e.message, retryAfterSeconds: e.retryAfterSeconds };
  }
  if (e instanceof AppError) {
    const base = DEFAULTS[e.code];
    const name = e.restName ?? base.name;
    return { statusCode: STATUS_BY_NAME[name] ?? base.statusCode, name, message: e.message, retryAfterSeconds: e.retryAfterSeconds };
  }
  return null;
}
