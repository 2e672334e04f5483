import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { AppError, badInput, ErrorCode } from '../../errors.js';
import { isMailDomain } from '../../lib/host-name.js';
import { type Body, onlyFields } from '../../rest/body.js';

/**
 * `local@domain`, neither part holding a space or one of RFC 5322's specials but the dot:
 * `( ) [ ] : \` among them, which the mailer reads as a comment, an address literal, a group or an
 * escape. Accepted, they were not sent as given: `x(y@a.com` as `from` went out with no From
 * header at all, `a(b@a.com` among recipients was dropped, and `y:z@a.com` went to z@a.com.
 */
const ADDRESS = /^[^\s@<>",;()[\]:\\]+@[^\s@<>",;()[\]:\\]+\.[^\s@<>",;()[\]:\\]+$/;
/** An address field's longest form: a header line's limit (RFC 5322), display name included. */
const MAX_ADDRESS_FIELD = 998;
/** How many headers one email may set: 20,000 (18 MB) were accepted, stored and sent. */
export const MAX_HEADERS = 100;
/**
 * A header value's longest form, and a subject's: a header line's limit (998, RFC 5322) less the
 * space that starts a folded line. A value with nowhere to fold goes out on a line of its own after
 * its name, `X-A:` CRLF SP value: at 998 characters that line was 999, which a relay such as
 * Postfix (smtp_line_length_limit) breaks in two, and the DKIM signature with it.
 */
export const MAX_HEADER_VALUE = 997;
/**
 * `from`'s longest form, display name included: what `email.from` (varchar(320)) keeps, counted
 * as PostgreSQL counts (code points). A longer one was accepted here and then refused by the
 * insert, a 500.
 */
const MAX_FROM = 320;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\x00-\x1f\x7f]/;
/**
 * What a bare display name may not hold: `,` `;` `:` `@` `"` `\` `<` `>` would make the header it
 * becomes name more mailboxes than this one (`x@evil.com, Name <a@b.com>` is two authors, one of
 * them outside the key's domain) or a group; `(` `)` a comment, which the mailer drops (`Ada (x)`
 * is sent as `Ada`) or, left open, takes the whole From header with it. A quoted name may hold
 * anything but `"` and `\`.
 */
const BARE_NAME_SPECIALS = /["<>,;:@\\()]/;
const QUOTED_NAME_SPECIALS = /["\\]/;

/**
 * `a@b.com` or `Name <a@b.com>` → the bare address (lower-cased domain), or null. Read in one
 * pass, without a regular expression that backtracks: a `from` of a few thousand spaces took a
 * pattern with nested quantifiers minutes.
 */
export function parseAddress(raw: string): string | null {
  if (raw.length > MAX_ADDRESS_FIELD || CONTROL.test(raw)) return null; // a line break would start a header of its own
  const field = raw.trim();
  let address = field;
  if (field.endsWith('>')) {
    const open = field.lastIndexOf('<');
    if (open === -1) return null;
    address = field.slice(open + 1, -1).trim();
    const name = field.slice(0, open).trim();
    const quoted = name.length >= 2 && name.startsWith('"') && name.endsWith('"');
    if (quoted ? QUOTED_NAME_SPECIALS.test(name.slice(1, -1)) : BARE_NAME_SPECIALS.test(name)) return null;
  }
  if (address.length > 254 || !ADDRESS.test(address)) return null;
  const at = address.lastIndexOf('@');
  const written = address.slice(at + 1);
  const domain = written.toLowerCase();
  if (lowersIntoAscii(written) || !isMailDomain(domain)) return null;
  return `${address.slice(0, at)}@${domain}`;
}

/**
 * A character that lower-casing turns into plain ASCII without being ASCII: the Kelvin sign (U+212A,
 * drawn as K) becomes k. Such a domain looks like one name and was read as another: `a@\u212Aappa.com`
 * passed as kappa.com (a key tied to kappa.com sent with it) and went out with the Kelvin sign in
 * its From header, a domain nobody had checked. A look-alike, refused as isHostName refuses others.
 */
const ASCII = /^\p{ASCII}*$/u;

function lowersIntoAscii(domain: string): boolean {
  if (ASCII.test(domain)) return false;
  for (const c of domain) if (!ASCII.test(c) && ASCII.test(c.toLowerCase())) return true;
  return false;
}

/**
 * An address's domain (`parseAddress`'s, lower-cased) as DNS, SMTP and the Domains page spell it:
 * an internationalised one in its punycode (`bücher.example` → `xn--bcher-kva.example`). What a
 * sending domain is compared by (the team's domains, a key's domain, a delete) and what the
 * Message-ID and DKIM use: `ann@bücher.example` was refused as "not registered" (and by a key tied
 * to the domain, as outside it) although the team had added xn--bcher-kva.example, the only form
 * the Domains page takes.
 */
export const domainOf = (address: string) => {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return ASCII.test(domain) ? domain : domainToASCII(domain) || domain;
};

const address = (field: string) =>
  z.string({ error: `\`${field}\` must be a string.` }).refine((v) => parseAddress(v) !== null, {
    message: `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
  });

// One address or a list: a lone one is read as a list of one, so that every refusal says what is
// wrong (a union's was "Invalid input" for 51 recipients or a number).
const addressList = (field: string, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? [v] : v),
    z
      .array(address(field), { error: `\`${field}\` must be an email address or a list of them.` })
      .min(1, `\`${field}\` must not be empty.`)
      .max(max, `\`${field}\` accepts at most ${max} addresses.`),
  );

// Resend's clients send an option they were not given as null (the SDK's `replyTo: null`, other
// languages' nil): for every optional field null asks for nothing, as if it were absent.
const optionalList = (field: string, max: number) =>
  addressList(field, max)
    .nullish()
    .transform((v) => v ?? []);

/** An optional field: null or absent is undefined. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

/** `attachments[0].filename`, `headers.X-A`: the field an issue is about, as messages name it. */
function fieldName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const key of path) name += typeof key === 'number' ? `[${key}]` : name === '' ? String(key) : `.${String(key)}`;
  return name || 'body';
}

/** A message naming the field it is about, wherever in the body it is. */
const named = (message: (field: string, input: unknown) => string) => ({
  error: (issue: { path?: PropertyKey[]; input?: unknown }) => message(fieldName(issue.path ?? []), issue.input),
});

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  array: 'a list',
  object: 'an object',
  record: 'an object',
  number: 'a number',
  boolean: 'a boolean',
};

/**
 * The message for an issue the schema gives none of its own (zod's own, "Invalid input: expected
 * string, received undefined", names no field): every refusal says which field, and what is wrong.
 */
function describeIssue(issue: z.core.$ZodRawIssue): string {
  const field = `\`${fieldName(issue.path ?? [])}\``;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return `${field} is required.`;
      return `${field} must be ${TYPE_NAMES[issue.expected] ?? issue.expected}.`;
    case 'too_big':
      if (issue.origin === 'string') return `${field} must be at most ${issue.maximum} characters.`;
      if (issue.origin === 'array') return `${field} accepts at most ${issue.maximum} items.`;
      return `${field} is too large.`;
    case 'too_small':
      if (issue.origin === 'string' || issue.origin === 'array') return Number(issue.minimum) <= 1 ? `${field} must not be empty.` : `${field} is too short.`;
      return `${field} is too small.`;
    default:
      return `${field} is not valid.`;
  }
}

/**
 * An attachment's `content_type`: a MIME type, `type/subtype`, with optional `; name=value`
 * parameters (a value a token or a quoted string), nothing else. It becomes a header of the
 * message: a line break in it would add headers of its own, and "not a mime type" was sent as is.
 */
const MIME_TYPE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a quoted parameter value may hold none
  /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+(?:[ \t]*;[ \t]*[\w!#$%&'*+.^`|~-]+=(?:[\w!#$%&'*+.^`|~-]+|"(?:[^"\\\x00-\x1f\x7f]|\\[^\x00-\x1f\x7f])*"))*[ \t]*$/;

const TAG_CHARACTERS = (field: string) => `\`${field}\` may contain only ASCII letters, numbers, underscores and dashes.`;

export const sendEmailSchema = z
  .object({
    from: address('from').refine((v) => v.length <= MAX_FROM || countCodePoints(v) <= MAX_FROM, {
      message: `\`from\` must be at most ${MAX_FROM} characters, display name included.`,
    }),
    to: addressList('to', 50),
    // Each line break a space, as it goes out (a header is one line): stored raw, the Emails page
    // and GET /emails/:id showed a subject on several lines that no recipient saw.
    subject: z
      .string()
      .overwrite((v) => v.replace(/\r\n|\r|\n/g, ' '))
      .trim()
      .min(1, '`subject` must not be empty.')
      .max(MAX_HEADER_VALUE),
    html: optional(z.string().max(5_000_000)),
    text: optional(z.string().max(5_000_000)),
    cc: optionalList('cc', 50),
    bcc: optionalList('bcc', 50),
    reply_to: optionalList('reply_to', 50),
    headers: optional(z.record(z.string().max(100), z.string().max(MAX_HEADER_VALUE))),
    tags: optional(
      z
        .array(
          z.object({
            name: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, named(TAG_CHARACTERS)),
            value: z.string().regex(/^[A-Za-z0-9_-]{0,256}$/, named(TAG_CHARACTERS)),
          }),
        )
        .max(50),
    ),
    scheduled_at: z.string({ error: '`scheduled_at` must be a string.' }).max(100).nullable().optional(),
    attachments: optional(
      z
        .array(
          z.object({
            // It becomes the name of the file in the message's headers: a line break or another
            // control character was sent as part of the name (on several lines, as a header value's
            // line break is refused).
            filename: z
              .string()
              .min(1)
              .max(255)
              .refine(
                (v) => !CONTROL.test(v),
                named((field) => `\`${field}\` may not contain a line break or another control character.`),
              ),
            // Required (a URL `path` is not offered) and strictly base64: anything else was decoded
            // into garbage, or an empty file, and sent.
            content: z.string(named((field, input) => `\`${field}\` ${input == null ? 'is required' : 'must be a string'}: the file, in base64.`)).refine(
              isBase64,
              named((field) => `\`${field}\` must be base64 (A–Z, a–z, 0–9, + and /, padded with =).`),
            ),
            content_type: optional(
              z
                .string()
                .max(255)
                .regex(
                  MIME_TYPE,
                  named((field) => `\`${field}\` must be a MIME type, like \`text/plain\` or \`application/pdf; name=a.pdf\`.`),
                )
                // The mailer takes a multipart type as a container of parts it builds itself: the
                // file went out as the preamble of an empty multipart, which no client shows.
                .refine(
                  (v) => !/^multipart\//i.test(v),
                  named(
                    (field) =>
                      `\`${field}\` may not be a \`multipart/*\` type: an attachment is one file (send it as \`application/octet-stream\`, or as what it holds).`,
                  ),
                ),
            ),
          }),
        )
        .max(50),
    ),
  })
  .refine((v) => v.html !== undefined || v.text !== undefined, { message: 'Missing `html` or `text` field.', path: ['html'] });

function countCodePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Standard base64, line breaks allowed (MIME wraps it), in whole groups of four. */
function isBase64(v: string): boolean {
  const text = v.includes('\n') || v.includes('\r') ? v.replace(/\r?\n/g, '') : v;
  return text.length > 0 && text.length % 4 === 0 && BASE64.test(text);
}
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export type SendEmailRequest = Omit<z.output<typeof sendEmailSchema>, 'scheduled_at'> & {
  /** When it is due; null to send at once. */
  scheduledAt: Date | null;
};

/** How far ahead an email may be scheduled (as Resend). */
export const SCHEDULE_MAX_DAYS = 30;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/i;
const RELATIVE = /^in\s+(\d{1,7})\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Date.parse rolls 2026-02-31 over to March 3rd: the fields must be a real date and time. */
function isCalendarDate(iso: RegExpExecArray): boolean {
  const [y, m, d, h, min, sec = 0] = iso.slice(1, 7).map((v) => (v === undefined ? 0 : Number(v)));
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d && h < 24 && min < 60 && sec < 60;
}

/**
 * `scheduled_at`: an ISO 8601 date-time with its offset, or "in N minutes" (seconds, hours, days,
 * weeks). Anything else is refused rather than guessed. A time up to a minute in the past (clock
 * skew) is due at once; further in the past, or more than 30 days ahead, is refused. The offset may
 * be `Z`, `±hh:mm`, `±hhmm` or `±hh` (ISO 8601's short form, which Date.parse does not read: it is
 * read as `±hh:00`), up to ±23:59.
 */
export function parseScheduledAt(raw: string, now = Date.now(), field = 'scheduled_at'): Date {
  const value = raw.trim();
  let at: number;
  const relative = RELATIVE.exec(value);
  const iso = relative ? null : ISO_DATE_TIME.exec(value);
  if (relative) {
    const unit = relative[2].toLowerCase();
    at = now + Number(relative[1]) * UNIT_MS[unit.startsWith('mi') ? 'm' : unit[0]];
  } else if (iso && isCalendarDate(iso)) {
    const [, y, m, d, h, min, sec = '00', fraction = '', sign, offsetHours, offsetMinutes = '00'] = iso;
    if (sign !== undefined && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) {
      throw badInput(field, `\`${field}\` has an offset out of range (${sign}${offsetHours}:${offsetMinutes}): an offset is at most ±23:59.`);
    }
    at = Date.parse(`${y}-${m}-${d}T${h}:${min}:${sec}${fraction}${sign === undefined ? 'Z' : `${sign}${offsetHours}:${offsetMinutes}`}`);
  } else {
    at = Number.NaN;
  }
  if (Number.isNaN(at)) {
    throw badInput(
      field,
      `\`${field}\` must be an ISO 8601 date-time with its offset (like 2026-12-03T09:30:00Z) or "in N minutes" (or seconds, hours, days, weeks); Keyring does not read ${JSON.stringify(value.slice(0, 60))}.`,
    );
  }
  if (at < now - 60_000) throw badInput(field, `\`${field}\` is in the past.`);
  if (at > now + SCHEDULE_MAX_DAYS * UNIT_MS.d) throw badInput(field, `\`${field}\` may be at most ${SCHEDULE_MAX_DAYS} days ahead.`);
  return new Date(Math.max(at, now));
}

const REQUIRED = ['from', 'to', 'subject'] as const;

/** The fields of Resend's SendEmailRequest that Keyring implements. */
export const EMAIL_FIELDS = ['from', 'to', 'subject', 'html', 'text', 'cc', 'bcc', 'reply_to', 'headers', 'tags', 'attachments', 'scheduled_at'] as const;
/** Resend's fields that Keyring does not implement, and what to do instead. */
export const EMAIL_FIELDS_NOT_OFFERED: Readonly<Record<string, string>> = {
  template: 'templates are not offered; send `html` or `text`.',
  topic_id: 'topics are not offered.',
};
const ATTACHMENT_FIELDS = ['filename', 'content', 'content_type'] as const;
const ATTACHMENT_FIELDS_NOT_OFFERED: Readonly<Record<string, string>> = {
  path: 'attachments are not fetched from a URL; send their `content` in base64.',
  content_id: 'inline (cid) attachments are not offered.',
};
const TAG_FIELDS = ['name', 'value'] as const;

/**
 * Headers that say who sent a message, how it is encoded or where it came from: Keyring sets
 * them (Message-ID, DKIM-Signature, Content-Type) or they would let a key restricted to one
 * domain speak for another (Sender, Return-Path, Resent-*), so a request may not set them.
 */
const RESERVED_HEADER =
  /^(?:from|sender|to|cc|bcc|reply-to|subject|date|return-path|message-id|in-reply-to-id|dkim-signature|domainkey-signature|arc-.*|authentication-results|received(?:-spf)?|resent-.*|mime-version|content-.*|x-mailer|errors-to|envelope-to|delivered-to|x-original-.*)$/i;
const HEADER_NAME = /^[!-9;-~]{1,100}$/;

// Plain loops, no closures: this runs on every send (the closures cost a few µs per email).
function checkHeaders(headers: unknown, prefix: string): void {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return; // the schema names the type
  let reserved: string[] | null = null;
  let n = 0;
  for (const name in headers) {
    if (++n > MAX_HEADERS) throw badInput('headers', `${prefix}\`headers\` accepts at most ${MAX_HEADERS} headers.`);
    // A valid token, but no plain object keeps it as a key: it was accepted and then lost.
    if (name === '__proto__') throw badInput('headers.__proto__', `${prefix}\`headers\`: \`__proto__\` is not a valid header name.`);
    if (!HEADER_NAME.test(name)) throw badInput(`headers.${name}`, `${prefix}\`headers\`: \`${name.slice(0, 100)}\` is not a valid header name.`);
    if (RESERVED_HEADER.test(name)) {
      reserved ??= [];
      reserved.push(name);
    }
  }
  if (reserved) {
    throw badInput(
      `headers.${reserved[0]}`,
      `${prefix}\`headers\` may not set ${reserved.map((n) => `\`${n}\``).join(', ')}: Keyring sets the sender, routing and encoding headers itself.`,
    );
  }
  for (const name in headers) {
    const value = (headers as Record<string, unknown>)[name];
    if (typeof value === 'string' && LINE_BREAK.test(value)) throw badInput(`headers.${name}`, `${prefix}\`headers.${name}\` may not contain a line break.`);
    // The mailer leaves out a header with nothing in it: accepted, it was silently not sent.
    if (typeof value === 'string' && value.trim() === '') throw badInput(`headers.${name}`, `${prefix}\`headers.${name}\` must not be empty.`);
    if (typeof value === 'string' && value.length > MAX_HEADER_VALUE) {
      throw badInput(`headers.${name}`, `${prefix}\`headers.${name}\` must be at most ${MAX_HEADER_VALUE} characters (a header line's limit).`);
    }
  }
}
const LINE_BREAK = /[\r\n]/;

function checkItems(list: unknown, field: string, known: readonly string[], notOffered: Readonly<Record<string, string>>, at: string): void {
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) onlyFields(item as Body, known, notOffered, `${at}${field}[${i}].`);
  }
}

/** Refuses any field that Keyring would not honour, at every level of one email. */
function checkFields(input: Body, where: string | undefined): void {
  const at = where ? `${where}.` : '';
  onlyFields(input, EMAIL_FIELDS, EMAIL_FIELDS_NOT_OFFERED, at);
  checkItems(input.attachments, 'attachments', ATTACHMENT_FIELDS, ATTACHMENT_FIELDS_NOT_OFFERED, at);
  checkItems(input.tags, 'tags', TAG_FIELDS, NONE, at);
  checkHeaders(input.headers, where ? `${where}: ` : '');
}
const NONE: Readonly<Record<string, string>> = {};

const PARSE_OPTIONS = { error: describeIssue };

/** Parses one email of a request; `where` prefixes messages in a batch ("emails[3]"). */
export function parseSendEmail(input: unknown, where?: string): SendEmailRequest {
  const prefix = where ? `${where}: ` : '';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw badInput(where ?? 'body', `${prefix}The request body must be a JSON object.`);
  }
  checkFields(input as Body, where);
  for (const field of REQUIRED) {
    if ((input as Record<string, unknown>)[field] == null) {
      throw badInput(field, `${prefix}Missing \`${field}\` field.`, 'missing_required_field');
    }
  }
  // Issues the schema words itself name their field; `describeIssue` words zod's own.
  const parsed = sendEmailSchema.safeParse(input, PARSE_OPTIONS);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = fieldName(issue.path);
    throw new AppError(ErrorCode.BAD_USER_INPUT, `${prefix}${issue.message}`, { field, restName: 'validation_error' });
  }
  const email = parsed.data;
  const scheduled_at = email.scheduled_at;
  let scheduledAt: Date | null = null;
  if (scheduled_at != null) {
    try {
      scheduledAt = parseScheduledAt(scheduled_at);
    } catch (e) {
      if (e instanceof AppError) throw new AppError(e.code, `${prefix}${e.message}`, { field: e.field, restName: 'validation_error' });
      throw e;
    }
  }
  // Added to the parsed object rather than copied into a new one: this runs on every send.
  return Object.assign(email, { scheduledAt });
}
