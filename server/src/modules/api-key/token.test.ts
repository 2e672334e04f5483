import { describe, expect, it } from 'vitest';
import { generateToken, isWellFormedToken, TOKEN_PATTERN, TOKEN_REGEX_SOURCE, tokenHash, tokenStart } from './token.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('API key tokens', () => {
  it('every generated token parses, matches the published regex and is unique', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const t = generateToken();
      expect(isWellFormedToken(t)).toBe(true);
      expect(t).toMatch(TOKEN_PATTERN);
      expect(new RegExp(TOKEN_REGEX_SOURCE).test(`key=${t};`)).toBe(true);
      seen.add(t);
    }
    expect(seen.size).toBe(2000);
  });

  it('any one-character change fails the checksum', () => {
    for (let i = 0; i < 300; i++) {
      const t = generateToken();
      const pos = 3 + (i % (t.length - 3));
      for (const c of ALPHABET) {
        if (c === t[pos]) continue;
        const typo = t.slice(0, pos) + c + t.slice(pos + 1);
        expect(isWellFormedToken(typo)).toBe(false);
      }
    }
  });

  it('refuses wrong prefixes, lengths and characters', () => {
    const t = generateToken();
    // The whole string is the token: the pattern is anchored at both ends.
    for (const padded of [`x${t}`, `${t}x`, ` ${t}`, `${t}\n`]) expect(TOKEN_PATTERN.test(padded), padded).toBe(false);
    for (const bad of ['', 're_', t.slice(0, -1), `${t}x`, t.replace('re_', 'rk_'), t.replace(/.$/, '!'), ` ${t}`]) {
      expect(isWellFormedToken(bad)).toBe(false);
    }
  });

  it('a swap of two adjacent characters fails the checksum', () => {
    let detected = 0;
    let tried = 0;
    for (let i = 0; i < 500; i++) {
      const t = generateToken();
      const p = 3 + (i % 36);
      if (t[p] === t[p + 1]) continue;
      tried++;
      const swapped = t.slice(0, p) + t[p + 1] + t[p] + t.slice(p + 2);
      if (!isWellFormedToken(swapped)) detected++;
    }
    expect(detected).toBe(tried);
  });

  it('hash is SHA-256 hex and the start reveals only a prefix', () => {
    const t = generateToken();
    expect(tokenHash(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenStart(t)).toBe(t.slice(0, 8));
    expect(tokenStart(t).length).toBeLessThan(t.length / 4);
  });
});
