import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../errors.js';
import { isAppError } from './context.js';

// Resolvers turn a NOT_FOUND into null with isAppError(e, NOT_FOUND) and let every other error through.
describe('isAppError', () => {
  it('is true for an AppError of the code asked, or of any code when none is asked', () => {
    const e = new AppError(ErrorCode.NOT_FOUND, 'Not found.');
    expect(isAppError(e)).toBe(true);
    expect(isAppError(e, ErrorCode.NOT_FOUND)).toBe(true);
    expect(isAppError(new AppError(ErrorCode.FORBIDDEN, 'No.'))).toBe(true);
  });

  it('is false for another code, another error or no error', () => {
    expect(isAppError(new AppError(ErrorCode.FORBIDDEN, 'No.'), ErrorCode.NOT_FOUND)).toBe(false);
    expect(isAppError(Object.assign(new Error('Not found.'), { code: ErrorCode.NOT_FOUND }), ErrorCode.NOT_FOUND)).toBe(false);
    expect(isAppError(Object.assign(new Error('x'), { code: ErrorCode.NOT_FOUND }))).toBe(false);
    expect(isAppError(undefined)).toBe(false);
  });
});
