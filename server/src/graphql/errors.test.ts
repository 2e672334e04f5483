import { describe, expect, it } from 'vitest';
import { loggedStatusOf } from './errors.js';

const error = (code?: string) => ({ message: 'x', extensions: code ? { code } : {} });

describe('loggedStatusOf: the status a GraphQL answer is logged with', () => {
  it('is 200 for an answer without errors, and the HTTP status when that is an error', () => {
    expect(loggedStatusOf(undefined, undefined)).toBe(200);
    expect(loggedStatusOf(200, [])).toBe(200);
    expect(loggedStatusOf(429, [error('RATE_LIMITED')])).toBe(429);
    expect(loggedStatusOf(400, [error('GRAPHQL_VALIDATION_FAILED')])).toBe(400);
  });

  it("is the status the first error's code stands for, as REST would answer it, 500 for anything else", () => {
    const cases: [string | undefined, number][] = [
      ['UNAUTHENTICATED', 401],
      ['FORBIDDEN', 403],
      ['NOT_FOUND', 404],
      ['CONFLICT', 409],
      ['BAD_USER_INPUT', 422],
      ['RATE_LIMITED', 429],
      ['SERVICE_UNAVAILABLE', 503],
      ['GRAPHQL_PARSE_FAILED', 400],
      ['GRAPHQL_VALIDATION_FAILED', 400],
      ['INTERNAL_SERVER_ERROR', 500],
      ['SOMETHING_NEW', 500],
      [undefined, 500],
    ];
    for (const [code, status] of cases) expect(loggedStatusOf(undefined, [error(code)]), code).toBe(status);
    expect(loggedStatusOf(200, [error('NOT_FOUND'), error('FORBIDDEN')])).toBe(404);
  });
});
