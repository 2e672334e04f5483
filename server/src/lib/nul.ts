/**
 * PostgreSQL's text and jsonb cannot hold U+0000: a NUL reaching a statement fails it (SQLSTATE
 * 22P05 / 22021). Input is refused at the edge with a clear error instead, and what is kept for
 * the logs has each NUL replaced by U+FFFD.
 */
export const NUL_MESSAGE = 'Text may not contain the NUL character (\\u0000).';

/** Whether a parsed JSON value holds a NUL in any string or object key. */
export function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) if (key.includes('\0') || hasNul(v)) return true;
  }
  return false;
}

// `\u0000` as JSON.stringify writes a NUL: preceded by an even number of backslashes (an odd
// number would make it the text "\u0000" after an escaped backslash).
const JSON_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** JSON text (from JSON.stringify) with every NUL, in strings or keys, made U+FFFD. */
export function withoutNul(json: string): string {
  return json.includes('\\u0000') ? json.replace(JSON_NUL, '$1\\ufffd') : json;
}
