/**
 * A request header as the text a person would read. Node hands header values over as Latin-1
 * (one character per byte), so a browser's UTF-8 came out as mojibake with C1 control characters
 * ("Ã©" for "é"): the bytes are read again as UTF-8 when they are valid UTF-8. Control characters
 * and the bidirectional overrides that can make a stored string read backwards (U+202A–U+202E,
 * U+2066–U+2069) are dropped: the text is shown in the dashboard and in exports.
 */
export function headerText(value: string | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  // The common case, plain ASCII with no controls, costs one test.
  if (!/[^\x20-\x7e]/.test(value)) return value;
  let text = value;
  // Only one-byte characters can be the bytes of UTF-8 read as Latin-1.
  if ([...value].every((c) => c.charCodeAt(0) <= 0xff)) {
    const bytes = Buffer.from(value, 'latin1');
    const decoded = bytes.toString('utf8');
    // Valid UTF-8 round-trips to the same bytes; Latin-1 text that is not UTF-8 is kept as it came.
    if (Buffer.from(decoded, 'utf8').equals(bytes)) text = decoded;
  }
  return text.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, '');
}
