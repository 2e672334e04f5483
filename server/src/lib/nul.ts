/**
 * Text PostgreSQL cannot store, refused at the edge (REST bodies, paths and query parameters;
 * GraphQL variables and query text) by this one rule, with a clear error naming the field:
 * - U+0000: text and jsonb cannot hold it (SQLSTATE 22P05 / 22021);
 * - a lone UTF-16 surrogate (a \ud800–\udfff escape without its pair): valid JSON, but not a
 *   character — UTF-8 cannot encode it and jsonb refuses the escape.
 * What is kept for the logs has each of them replaced by U+FFFD.
 */
export const NUL_MESSAGE = 'Text may not contain the NUL character (\\u0000).';
export const SURROGATE_MESSAGE = 'Text may not contain a lone UTF-16 surrogate (a \\ud800–\\udfff escape without its pair).';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What makes a string unstorable, as a message; undefined when it is fine. */
export function textProblem(s: string): string | undefined {
  if (s.includes('\0')) return NUL_MESSAGE;
  if (LONE_SURROGATE.test(s)) return SURROGATE_MESSAGE;
  return undefined;
}

/** A string made storable for the logs: NUL and lone surrogates become U+FFFD. */
export const storableText = (s: string): string => s.replace(/\0/g, '\ufffd').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd');

export type BadText = { field: string; message: string };

/**
 * The first string or object key in a parsed JSON value that PostgreSQL cannot store, with its
 * path (`tags[0].value`; a bad key names the object holding it), or undefined.
 */
export function findBadText(value: unknown, path = ''): BadText | undefined {
  if (typeof value === 'string') {
    const message = textProblem(value);
    return message ? { field: path || 'body', message } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBadText(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) return { field: path || 'body', message: `A key in it: ${keyProblem}` };
      const found = findBadText(v, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

/** The message of a refusal, naming the field. */
export const badTextMessage = (bad: BadText): string => `\`${storableText(bad.field)}\`: ${bad.message}`;

/**
 * Whether JSON text may carry unstorable text: a NUL or a surrogate can only come escaped
 * (`\u0000`, `\ud8xx`–`\udfxx`; UTF-8 decoding turns any raw bad byte into U+FFFD), so text
 * without such an escape needs no walk of its parsed value.
 */
export const mayHoldBadText = (json: string): boolean => /\\u(?:0000|[dD][89a-fA-F])/.test(json);

// `\u0000` or a surrogate escape as JSON.stringify writes them, preceded by an even number of
// backslashes (an odd number would make it literal text after an escaped backslash). JSON.stringify
// escapes only lone surrogates (a pair is written as the character), so every match is one.
const JSON_BAD = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

/** JSON text (from JSON.stringify) with every NUL and lone surrogate, in strings or keys, made U+FFFD. */
export function withoutNul(json: string): string {
  return mayHoldBadText(json) ? json.replace(JSON_BAD, '$1\\ufffd') : json;
}
