import { describe, expect, it } from 'vitest';
import { headerText } from './header-text.js';

/** A header as Node hands it over: each byte of the UTF-8 as one Latin-1 character. */
const asNodeReadsIt = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

describe('headerText', () => {
  it('reads UTF-8 sent by a browser as UTF-8, not as mojibake with C1 controls', () => {
    expect(headerText(asNodeReadsIt('Mozilla/5.0 (Zoë’s phone) 😀'))).toBe('Mozilla/5.0 (Zoë’s phone) 😀');
  });

  it('drops control characters and bidirectional overrides', () => {
    expect(headerText(asNodeReadsIt('Mozilla \u202e gnp.exe'))).toBe('Mozilla  gnp.exe');
    expect(headerText('curl/8\t.5\u0085')).toBe('curl/8.5');
  });

  it('keeps Latin-1 text that is not UTF-8, and plain ASCII as it is', () => {
    expect(headerText('caf\u00e9')).toBe('café');
    expect(headerText('curl/8.5.0')).toBe('curl/8.5.0');
    expect(headerText(undefined)).toBeUndefined();
  });
});
