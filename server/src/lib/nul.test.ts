import { describe, expect, it } from 'vitest';
import { hasNul, withoutNul } from './nul.js';

describe('hasNul', () => {
  it('finds a NUL in any string or key, however deep', () => {
    expect(hasNul({ a: ['x', { b: 'y\0' }] })).toBe(true);
    expect(hasNul({ 'k\0': 1 })).toBe(true);
    expect(hasNul('\0')).toBe(true);
    expect(hasNul({ a: ['x', { b: 'y', c: 1, d: null, e: true }] })).toBe(false);
    expect(hasNul({ text: 'a literal \\u0000 is six characters' })).toBe(false);
  });
});

describe('withoutNul', () => {
  it('replaces each NUL with U+FFFD, in strings and keys, and keeps the text "\\u0000"', () => {
    const value = { 'k\0': 'a\0\0b', literal: '\\u0000', both: '\\\0', deeper: ['\\\\\0'] };
    const cleaned = JSON.parse(withoutNul(JSON.stringify(value)));
    expect(cleaned).toEqual({ 'k\uFFFD': 'a\uFFFD\uFFFDb', literal: '\\u0000', both: '\\\uFFFD', deeper: ['\\\\\uFFFD'] });
  });

  it('gives back text without a NUL unchanged', () => {
    const json = JSON.stringify({ a: 'plain', b: '\\u0000' });
    expect(withoutNul(json)).toBe(json);
  });
});
