import { describe, expect, it } from 'vitest';
import { findBadText, NUL_MESSAGE, storableText, SURROGATE_MESSAGE, textProblem, withoutNul } from './nul.js';

describe('findBadText', () => {
  it('finds a NUL in any string or key, however deep, with its path', () => {
    expect(findBadText({ a: ['x', { b: 'y\0' }] })).toEqual({ field: 'a[1].b', message: NUL_MESSAGE });
    expect(findBadText({ h: { 'k\0': 1 } })?.field).toBe('h');
    expect(findBadText('\0')?.field).toBe('body');
    expect(findBadText({ a: ['x', { b: 'y', c: 1, d: null, e: true }] })).toBeUndefined();
    expect(findBadText({ text: 'a literal \\u0000 is six characters' })).toBeUndefined();
  });

  it('finds lone surrogates, high or low, and lets pairs through', () => {
    expect(textProblem('a\ud800')).toBe(SURROGATE_MESSAGE);
    expect(textProblem('\ud800b')).toBe(SURROGATE_MESSAGE);
    expect(textProblem('\udc00')).toBe(SURROGATE_MESSAGE);
    expect(textProblem('\udc00\ud800')).toBe(SURROGATE_MESSAGE); // the wrong order is two lone ones
    expect(textProblem('💥 \ud83d\udca5')).toBeUndefined();
    expect(findBadText({ to: ['ok@example.com', '\udbff@example.com'] })).toEqual({ field: 'to[1]', message: SURROGATE_MESSAGE });
  });

  it('storableText makes each NUL and lone surrogate U+FFFD and keeps pairs', () => {
    expect(storableText('a\0b\ud800c\udc00💥')).toBe('a\uFFFDb\uFFFDc\uFFFD💥');
  });
});

describe('withoutNul', () => {
  it('replaces each NUL with U+FFFD, in strings and keys, and keeps the text "\\u0000"', () => {
    const value = { 'k\0': 'a\0\0b', literal: '\\u0000', both: '\\\0', deeper: ['\\\\\0'] };
    const cleaned = JSON.parse(withoutNul(JSON.stringify(value)));
    expect(cleaned).toEqual({ 'k\uFFFD': 'a\uFFFD\uFFFDb', literal: '\\u0000', both: '\\\uFFFD', deeper: ['\\\\\uFFFD'] });
  });

  it('replaces lone surrogates too, keeping pairs and the text "\\ud800"', () => {
    const value = { 'k\udc00': 'a\ud800b', pair: '💥', literal: '\\ud800' };
    const json = withoutNul(JSON.stringify(value));
    expect(JSON.parse(json)).toEqual({ 'k\uFFFD': 'a\uFFFDb', pair: '💥', literal: '\\ud800' });
  });

  it('gives back text without a NUL unchanged', () => {
    const json = JSON.stringify({ a: 'plain', b: '\\u0000' });
    expect(withoutNul(json)).toBe(json);
  });
});
