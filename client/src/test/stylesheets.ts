import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * Puts the app's style sheets (`app/styles.css`, `features/<name>/<name>.css`) in the document for
 * the tests of the current file, so getComputedStyle reads what the browser would. Vitest loads no
 * CSS itself; jsdom computes declared values, not layout.
 */
export function withStylesheets(...paths: string[]): void {
  withCss(() => read(paths));
}

/**
 * As withStylesheets, with the `@media` width rules that hold at this viewport width applied in
 * their place (jsdom ignores every `@media` block); the others are dropped.
 */
export function withStylesheetsAt(width: number, ...paths: string[]): void {
  withCss(() => flattenMedia(read(paths), width));
}

const read = (paths: string[]) => paths.map((p) => readFileSync(join(import.meta.dirname, '..', p), 'utf8')).join('\n');

function withCss(css: () => string): void {
  let sheet: HTMLStyleElement;
  beforeEach(() => {
    sheet = document.createElement('style');
    sheet.textContent = css();
    document.head.append(sheet);
  });
  afterEach(() => sheet.remove());
}

function flattenMedia(css: string, width: number): string {
  const parsed = document.createElement('style');
  parsed.textContent = css;
  document.head.append(parsed);
  const rules = [...(parsed.sheet?.cssRules ?? [])];
  parsed.remove();
  return rules
    .map((rule) => {
      if (!(rule instanceof CSSMediaRule)) return rule.cssText;
      return matchesWidth(rule.media.mediaText, width) ? [...rule.cssRules].map((r) => r.cssText).join('\n') : '';
    })
    .join('\n');
}

/** Only `(min-width: Npx)` and `(max-width: Npx)` joined by `and`; any other query never holds. */
function matchesWidth(query: string, width: number): boolean {
  const parts = query.split(/\s+and\s+/);
  return parts.every((part) => {
    const m = /^\((min|max)-width:\s*(\d+)px\)$/.exec(part.trim());
    if (!m) return false;
    return m[1] === 'min' ? width >= Number(m[2]) : width <= Number(m[2]);
  });
}
