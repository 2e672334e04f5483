import { describe, expect, it } from 'vitest';
import { DEPTH_MESSAGE, findBadText, MAX_JSON_DEPTH, mayNestDeeply, NUL_MESSAGE, SURROGATE_MESSAGE, storableText, textProblem, withoutNul } from './nul.js';

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

  it('reports the first problem in the order of the value: earlier fields and items first', () => {
    expect(findBadText({ a: 'fine', b: ['ok', 'x\0'], c: 'y\0' })?.field).toBe('b[1]');
    expect(findBadText([['a', '\0'], '\0'])?.field).toBe('[0][1]');
  });

  it(`refuses arrays and objects nested more than ${MAX_JSON_DEPTH} levels deep, without recursion`, () => {
    const nest = (levels: number, inner: unknown = 1) => {
      let v: unknown = inner;
      for (let i = 0; i < levels; i++) v = i % 2 ? { k: v } : [v];
      return v;
    };
    expect(findBadText(nest(MAX_JSON_DEPTH))).toBeUndefined();
    expect(findBadText(nest(MAX_JSON_DEPTH + 1))).toEqual({ field: '[0].k'.repeat(MAX_JSON_DEPTH / 2), message: DEPTH_MESSAGE });
    // A NUL above the limit is found as such; deep enough to overflow a recursive walk, the depth is.
    expect(findBadText(nest(3, '\0'))?.message).toBe(NUL_MESSAGE);
    expect(findBadText(nest(100_000, '\0'))?.message).toBe(DEPTH_MESSAGE);
  });

  it('mayNestDeeply counts opening brackets, so that only bodies with enough of them are walked', () => {
    expect(mayNestDeeply('['.repeat(MAX_JSON_DEPTH))).toBe(false);
    expect(mayNestDeeply('['.repeat(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(mayNestDeeply('{'.repeat(40) + '['.repeat(MAX_JSON_DEPTH - 39))).toBe(true);
    expect(mayNestDeeply('{"a":[1,2],"b":{"c":[]}}')).toBe(false);
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
