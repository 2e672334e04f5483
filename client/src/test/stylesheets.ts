import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * Puts the app's style sheets (`app/styles.css`, `features/<name>/<name>.css`) in the document for
 * the tests of the current file, so getComputedStyle reads what the browser would. Vitest loads no
 * CSS itself; jsdom computes declared values, not layout.
 */
export function withStylesheets(...paths: string[]): void {
  const css = paths.map((p) => readFileSync(join(import.meta.dirname, '..', p), 'utf8')).join('\n');
  let sheet: HTMLStyleElement;
  beforeEach(() => {
    sheet = document.createElement('style');
    sheet.textContent = css;
    document.head.append(sheet);
  });
  afterEach(() => sheet.remove());
}
