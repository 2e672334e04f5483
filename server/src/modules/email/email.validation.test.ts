import { describe, expect, it } from 'vitest';
import { parseAddress } from './email.validation.js';

describe('parseAddress', () => {
  it('takes a bare address or one display name with its address, the domain lower-cased', () => {
    expect(parseAddress('a@Good.COM')).toBe('a@good.com');
    expect(parseAddress('News <n@good.com>')).toBe('n@good.com');
    expect(parseAddress('José Q. Public <n@good.com>')).toBe('n@good.com');
    expect(parseAddress('"Doe, John" <n@good.com>')).toBe('n@good.com');
    expect(parseAddress('"a@evil.com" <n@good.com>')).toBe('n@good.com');
    expect(parseAddress('  <n@good.com>  ')).toBe('n@good.com');
    expect(parseAddress(`${'x'.repeat(980)} <a@good.com>`)).toBe('a@good.com');
  });

  it('reads any input in linear time (a pattern that backtracked took minutes over a few thousand spaces)', () => {
    for (const raw of [`${' '.repeat(997)}x`, `a${' '.repeat(997)}`, '"'.repeat(998), `${' '.repeat(990)}<a@b.c`, `${'a.'.repeat(120)}@${'b.'.repeat(120)}`]) {
      expect(parseAddress(raw)).toBeNull();
    }
    expect(parseAddress(`${' '.repeat(1_000_000)}x`)).toBeNull();
    // 50 recipients a field, 100 emails a batch: a field under the length limit that took a
    // backtracking pattern 0.7 s, a hundred times, is past the test's timeout.
    for (let i = 0; i < 100; i++) expect(parseAddress(`${' '.repeat(997)}x`)).toBeNull();
  });

  it('refuses what a mail header would read as more than one mailbox, a group or a header of its own', () => {
    for (const raw of [
      'x@evil.com, Foo <a@good.com>', // two authors, one outside the domain
      'x@evil.com; Foo <a@good.com>',
      'Group: Foo <a@good.com>',
      'Foo\r\nBcc: x@evil.com <a@good.com>',
      'Foo\n <a@good.com>',
      '"Foo\r\nBcc: x@evil.com" <a@good.com>',
      '"Foo\\" <a@good.com>', // an escaping backslash in a quoted name
      'Foo "bar" <a@good.com>',
      '"Foo <a@good.com>',
      'Foo\u0001 <a@good.com>',
      'a\u0001@good.com',
      'Foo <a@good.com> <b@evil.com>',
      '<a@good.com',
      'a@good.com>',
      `${'x'.repeat(990)} <a@good.com>`, // past a header line's 998 characters
    ]) {
      expect(parseAddress(raw), JSON.stringify(raw)).toBeNull();
    }
  });
});
