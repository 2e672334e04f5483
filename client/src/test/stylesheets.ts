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

/** The viewport and the user's settings, as `@media` queries read them. */
type MediaEnv = { width: number; reducedMotion?: boolean };

/**
 * As withStylesheets, with the `@media` rules that hold at this viewport width (and, with
 * `reducedMotion`, for a user who asks for less motion) applied in their place (jsdom ignores every
 * `@media` block); the others are dropped.
 */
export function withStylesheetsAt(env: number | MediaEnv, ...paths: string[]): void {
  const media = typeof env === 'number' ? { width: env } : env;
  withCss(() => flattenMedia(read(paths), media));
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

function flattenMedia(css: string, env: MediaEnv): string {
  const parsed = document.createElement('style');
  parsed.textContent = css;
  document.head.append(parsed);
  const rules = [...(parsed.sheet?.cssRules ?? [])];
  parsed.remove();
  return rules
    .map((rule) => {
      if (!(rule instanceof CSSMediaRule)) return rule.cssText;
      return matches(rule.media.mediaText, env) ? [...rule.cssRules].map((r) => r.cssText).join('\n') : '';
    })
    .join('\n');
}

/** Only `(min-width: Npx)`, `(max-width: Npx)` and `(prefers-reduced-motion: reduce)` joined by `and`; any other query never holds. */
function matches(query: string, env: MediaEnv): boolean {
  const parts = query.split(/\s+and\s+/);
  return parts.every((part) => {
    if (/^\(prefers-reduced-motion:\s*reduce\)$/.test(part.trim())) return Boolean(env.reducedMotion);
    const m = /^\((min|max)-width:\s*(\d+)px\)$/.exec(part.trim());
    if (!m) return false;
    return m[1] === 'min' ? env.width >= Number(m[2]) : env.width <= Number(m[2]);
  });
}
