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
 * How deeply arrays and objects may nest in a request's JSON (REST bodies, GraphQL variables):
 * no Resend request or GraphQL input comes near it, and without a bound a 40 KB body of nested
 * arrays makes every recursive walk of it (JSON.stringify for the request log, validation)
 * overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;
export const DEPTH_MESSAGE = `Arrays and objects may nest at most ${MAX_JSON_DEPTH} levels deep.`;

/**
 * The first string or object key in a parsed JSON value that PostgreSQL cannot store, with its
 * path (`tags[0].value`; a bad key names the object holding it), or the first array or object
 * nested deeper than MAX_JSON_DEPTH; undefined when there is none. A loop over an explicit
 * stack, in the value's order: no input is deep enough to overflow the call stack.
 */
export function findBadText(value: unknown, path = ''): BadText | undefined {
  const stack: [unknown, string, number][] = [[value, path, 0]];
  while (stack.length > 0) {
    const [v, at, depth] = stack.pop()!;
    if (typeof v === 'string') {
      const message = textProblem(v);
      if (message) return { field: at || 'body', message };
    } else if (v && typeof v === 'object') {
      if (depth >= MAX_JSON_DEPTH) return { field: at || 'body', message: DEPTH_MESSAGE };
      const children: [unknown, string, number][] = [];
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) children.push([v[i], `${at}[${i}]`, depth + 1]);
      } else {
        for (const [key, child] of Object.entries(v)) {
          const keyProblem = textProblem(key);
          if (keyProblem) return { field: at || 'body', message: `A key in it: ${keyProblem}` };
          children.push([child, at ? `${at}.${key}` : key, depth + 1]);
        }
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
  return undefined;
}

/**
 * Whether JSON text may nest deeper than MAX_JSON_DEPTH: only with more than that many opening
 * brackets, counted without parsing (native scans; a usual request has a handful).
 */
export function mayNestDeeply(json: string): boolean {
  let count = 0;
  for (const bracket of ['[', '{']) {
    for (let i = json.indexOf(bracket); i !== -1; i = json.indexOf(bracket, i + 1)) if (++count > MAX_JSON_DEPTH) return true;
  }
  return false;
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
