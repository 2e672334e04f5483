const SECRET_KEY = /pass(word)?|secret|token|authori[sz]ation|api[-_]?key|cookie|credential/i;
const MAX_STRING = 2000;
const MAX_DEPTH = 8;
const MAX_ITEMS = 100;

/**
 * A copy of a request or response body fit for the logs: secret-looking fields and anything that
 * looks like a Keyring token are replaced, long strings (attachments) are cut.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'string') {
    const masked = value.replace(/re_[0-9A-Za-z]{20,}/g, 're_[redacted]');
    return masked.length > MAX_STRING ? `${masked.slice(0, 200)}… [${masked.length} characters]` : masked;
  }
  if (typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => redact(v, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… [${value.length - MAX_ITEMS} more]`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== null && typeof v !== 'boolean' ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}
