import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { randomToken, sha256Hex } from '../src/lib/crypto.js';
import { generateToken, TOKEN_REGEX_SOURCE, tokenHash, tokenStart } from '../src/modules/api-key/token.js';

// The regex that secret scanners are told to use, read from the README itself (the code block
// after "Secret scanners"), so the published text is what is tested.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const published = /\*\*Secret scanners\*\*[\s\S]*?```\n(.+)\n```/.exec(readme)?.[1] ?? '';
const scan = (text: string) => [...text.matchAll(new RegExp(published, 'g'))].map((m) => m[0]);

describe("the README's token regex", () => {
  it('is the one the code publishes', () => {
    expect(published).toBe(TOKEN_REGEX_SOURCE);
  });

  it('finds every generated token, whole, wherever it is written', () => {
    for (let i = 0; i < 5000; i++) {
      const t = generateToken();
      for (const text of [t, `key=${t};`, `"Authorization: Bearer ${t}"`, `${t}\n`, `RESEND_API_KEY='${t}'`]) expect(scan(text)).toEqual([t]);
    }
  });

  it('finds nothing else the tests and the server generate: session and invitation tokens, ids, hashes, token starts, near misses', () => {
    const others: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const t = generateToken();
      others.push(
        randomToken(),
        randomToken(16),
        randomUUID(),
        sha256Hex(t),
        tokenHash(t),
        tokenStart(t),
        t.slice(0, -1),
        `${t}x`,
        `x${t}`,
        t.replace('re_', 're-'),
        `_${t}`,
      );
    }
    const found = others.filter((o) => scan(o).length > 0);
    expect(found).toEqual([]);
  });
});
