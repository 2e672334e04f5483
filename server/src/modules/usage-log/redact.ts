import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
  Kind,
  parse,
  type SelectionSetNode,
  visit,
} from 'graphql';
import { isSecretField } from '../../graphql/secret-field.js';

/**
 * Names of fields, arguments and variables that hold secrets, wherever they appear: body fields,
 * GraphQL arguments and input fields, headers. Matched anywhere in the name (`clientSecret`,
 * `private_key`, `x-session-id`).
 */
export const SECRET_NAME = /pass(?:word|phrase)?|pwd|secret|token|authori[sz]ation|bearer|api[-_]?key|cookie|credential|session|private[-_]?key/i;
const REDACTED = '[redacted]';
// References and metadata named after a secret are not secrets: `apiKeyId`, `tokenStart`, `api_key_name`.
const NOT_SECRET = /(?:Id|Ids|_id|_ids|Start|_start|Name|_name|At|_at|Count|_count)$/;
const isSecretName = (name: string) => SECRET_NAME.test(name) && !NOT_SECRET.test(name);

/**
 * Values that are secrets whatever they are called:
 * - a Keyring API key: `re_` + base62 (token.ts; the README's scanner pattern, looser);
 * - an invitation or session token: 32 random bytes in base64url, 43 characters (lib/crypto.ts
 *   randomToken), standing alone;
 * - what follows `Bearer `.
 * The first two are found in one scan of runs of base64url characters: a regex for a 43-character
 * run retries at every position, and made redaction of a typical send 8 times slower.
 */
const TOKEN_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-') TOKEN_CHAR[c.charCodeAt(0)] = 1;
const isTokenChar = (code: number) => code < 128 && TOKEN_CHAR[code] === 1;
const KEY_MIN = 're_'.length + 20;
const RANDOM_TOKEN_LENGTH = 43;
const BEARER = /\b(Bearer\s+)\S+/gi;

const MAX_STRING = 2000;
const MAX_KEPT = 200;
const MAX_DEPTH = 8;
const MAX_ITEMS = 100;

/** A string with every secret-shaped value replaced. */
export function redactText(text: string): string {
  // Nothing shorter can hold one: `Bearer ` and a character.
  if (text.length < 8) return text;
  let out = '';
  let copied = 0;
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && isTokenChar(text.charCodeAt(i))) {
      if (start < 0) start = i;
      continue;
    }
    if (start < 0) continue;
    const length = i - start;
    const key = length >= KEY_MIN && text.startsWith('re_', start);
    if (key || length === RANDOM_TOKEN_LENGTH) {
      out += `${text.slice(copied, start)}${key ? 're_' : ''}${REDACTED}`;
      copied = i;
    }
    start = -1;
  }
  const masked = copied === 0 ? text : out + text.slice(copied);
  return /bearer/i.test(masked) ? masked.replace(BEARER, `$1${REDACTED}`) : masked;
}

/** A long string (an attachment) cut to its start, without a token cut in two at the end. */
function cut(text: string): string {
  let end = MAX_KEPT;
  if (isTokenChar(text.charCodeAt(end))) while (end > 0 && isTokenChar(text.charCodeAt(end - 1))) end--;
  return `${redactText(text.slice(0, end))}… [${text.length} characters]`;
}

/**
 * The most characters of text (strings and field names, about what their JSON holds) that one
 * logged body keeps; the rest of its lists and objects is counted, not kept. Each list or object
 * within the other limits, 100 lists of 100 strings of 1,000 characters kept a 10 MB request
 * whole in its log (and every GET /logs/:id of it logged it again).
 */
export const MAX_BODY_CHARS = 200_000;
type Budget = { left: number };
const spend = (budget: Budget, text: string) => {
  budget.left -= text.length + 4; // its quotes and separators
  return text;
};

/**
 * A copy of a request or response body fit for the logs: fields named like secrets and values
 * shaped like secrets are replaced, long strings (attachments) are cut, and at most
 * MAX_BODY_CHARS characters of text are kept.
 */
export function redact(value: unknown, depth = 0, budget: Budget = { left: MAX_BODY_CHARS }): unknown {
  if (value === null || value === undefined) return value ?? null;
  // Cut before redacting: an attachment is not scanned whole for the 200 characters kept.
  if (typeof value === 'string') return spend(budget, value.length > MAX_STRING ? cut(value) : redactText(value));
  if (typeof value !== 'object') {
    budget.left -= 8;
    return value;
  }
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const v of value) {
      if (items.length === MAX_ITEMS || budget.left <= 0) break;
      items.push(redact(v, depth + 1, budget));
    }
    if (value.length > items.length) items.push(`… [${value.length - items.length} more]`);
    return items;
  }
  // Names are text a client wrote too (`{ "re_…": 1 }`, a tag or header named with a token):
  // redacted and cut like values, and at most 100 of them, as a list's items — or one body's
  // names kept a refused request's megabyte whole in its log.
  // Its keys once, not its entries: a body of a million fields made a million pairs first (1.2 s).
  const keys = Object.keys(value);
  const names = new Set<string>();
  const out: [string, unknown][] = [];
  for (const k of keys) {
    if (out.length === MAX_ITEMS || budget.left <= 0) break;
    const v = (value as Record<string, unknown>)[k];
    let name = spend(budget, k.length > MAX_STRING ? cut(k) : redactText(k));
    while (names.has(name)) name += '′'; // two names redacted alike are both kept
    names.add(name);
    out.push([name, isSecretName(k) ? redactSecret(v, depth + 1, budget) : redact(v, depth + 1, budget)]);
  }
  let more = '…';
  while (names.has(more)) more += '′';
  if (keys.length > out.length) out.push([more, `[${keys.length - out.length} more fields]`]);
  return Object.fromEntries(out);
}

/** Under a secret name: every string or number goes; objects (an `apiKey { id name }`) are looked into. */
function redactSecret(value: unknown, depth: number, budget: Budget): unknown {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return spend(budget, REDACTED);
  // Lists in lists too (`{ "password": [["…"]] }` was kept whole): their strings go as well.
  if (!Array.isArray(value)) return redact(value, depth, budget);
  if (depth >= MAX_DEPTH) return '[too deep]';
  const items: unknown[] = [];
  for (const v of value) {
    if (items.length === MAX_ITEMS || budget.left <= 0) break;
    items.push(redactSecret(v, depth + 1, budget));
  }
  return items;
}

/** A name, a colon and a string literal (block or plain) in text that does not parse. */
const NAMED_STRING = /\b(\w+)(\s*:\s*)("""[\s\S]*?"""|"(?:[^"\\]|\\.)*")/g;

/**
 * The query text with the string literal of every secret-named argument or input field replaced
 * (`signIn(input: { password: "…" })`), formatting kept; the variables that such arguments take
 * are named in `secretVariables`. Text that does not parse is redacted by a plainer pattern.
 */
export function redactQueryText(query: string, document?: DocumentNode): { query: string; secretVariables: Set<string> } {
  const secretVariables = new Set<string>();
  let doc = document;
  if (!doc) {
    try {
      doc = parse(query, { maxTokens: 3000 });
    } catch {
      // Each name is matched once, as a whole word, and tested after: a pattern that started at
      // every secret name inside a word (`pwdpwdpwd…`) took 24 s over 300 KB of such text.
      const plain = query.replace(NAMED_STRING, (m, name: string, sep: string) => (SECRET_NAME.test(name) ? `${name}${sep}"${REDACTED}"` : m));
      return { query: redactText(plain), secretVariables };
    }
  }
  const ranges: [number, number][] = [];
  const visitValue = (value: { kind: Kind; loc?: { start: number; end: number }; name?: { value: string } }) => {
    if (value.kind === Kind.STRING && value.loc) ranges.push([value.loc.start, value.loc.end]);
    if (value.kind === Kind.VARIABLE && value.name) secretVariables.add(value.name.value);
  };
  visit(doc, {
    Argument: (node) => (isSecretName(node.name.value) ? visitValue(node.value) : undefined),
    ObjectField: (node) => (isSecretName(node.name.value) ? visitValue(node.value) : undefined),
  });
  // The locations index the text this document was parsed from: splice from the end.
  let out = query;
  for (const [start, end] of ranges.sort((a, b) => b[0] - a[0])) out = `${out.slice(0, start)}"${REDACTED}"${out.slice(end)}`;
  return { query: redactText(out), secretVariables };
}

type SecretPaths = Map<string, SecretPaths | true>;

/** Response keys (aliases included) under which the document reads a secret field, as a tree. */
function secretPaths(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): SecretPaths {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName)) ?? null;
  const paths: SecretPaths = new Map();
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return paths;
  const root = schema.getRootType(operation.operation);
  const walk = (set: SelectionSetNode, type: GraphQLObjectType, into: SecretPaths, depth: number) => {
    if (depth > 30) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const field = type.getFields()[sel.name.value];
        const key = sel.alias?.value ?? sel.name.value;
        if (isSecretField(field)) into.set(key, true);
        else if (field && sel.selectionSet) {
          const named = getNamedType(field.type);
          if (!isObjectType(named)) continue;
          const existing = into.get(key);
          if (existing === true) continue;
          const child = existing ?? new Map();
          walk(sel.selectionSet, named, child, depth + 1);
          if (child.size) into.set(key, child);
        }
      } else {
        const fragment = sel.kind === Kind.INLINE_FRAGMENT ? sel : fragments.get(sel.name.value);
        if (!fragment) continue;
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
        if (isObjectType(condition)) walk(fragment.selectionSet, condition, into, depth + 1);
      }
    }
  };
  if (root) walk(operation.selectionSet, root, paths, 0);
  return paths;
}

function removeSecrets(data: unknown, paths: SecretPaths): unknown {
  if (Array.isArray(data)) return data.map((d) => removeSecrets(d, paths));
  if (!data || typeof data !== 'object') return data;
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const [key, sub] of paths) {
    if (!(key in out) || out[key] === null) continue;
    out[key] = sub === true ? REDACTED : removeSecrets(out[key], sub);
  }
  return out;
}

/**
 * What a usage log keeps of a GraphQL request: the query text and variables without secret
 * arguments, and the response without the secret fields the document read (by the schema, so
 * `{ t: token }` is caught as well as `{ token }`), then the plain redaction over both.
 */
export function redactGraphql(opts: {
  schema: GraphQLSchema;
  document?: DocumentNode;
  operationName?: string | null;
  query?: string;
  variables?: Record<string, unknown>;
  response: unknown;
}): { requestBody: unknown; responseBody: unknown } {
  const { query, secretVariables } = opts.query ? redactQueryText(opts.query, opts.document) : { query: opts.query, secretVariables: new Set<string>() };
  const variables = opts.variables
    ? Object.fromEntries(Object.entries(opts.variables).map(([k, v]) => [k, secretVariables.has(k) && v !== null ? REDACTED : v]))
    : opts.variables;
  let response = opts.response;
  if (opts.document && response && typeof response === 'object' && 'data' in response) {
    const paths = secretPaths(opts.schema, opts.document, opts.operationName);
    if (paths.size) response = { ...(response as object), data: removeSecrets((response as { data: unknown }).data, paths) };
  }
  return { requestBody: redact({ query, variables }), responseBody: redact(response) };
}
