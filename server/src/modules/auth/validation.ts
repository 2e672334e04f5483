import { domainToASCII, domainToUnicode } from 'node:url';
import { badInput } from '../../errors.js';
import { isMailDomain } from '../../lib/host-name.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(raw: string, field = 'email'): string {
  const email = raw.trim().toLowerCase();
  if (!email) throw badInput(field, 'Email is required.');
  if (email.length > 254 || !EMAIL.test(email)) throw badInput(field, 'Enter a valid email address.');
  return email;
}

/**
 * A domain (lower-cased) in the one spelling accounts keep: an internationalised name in Unicode NFC,
 * whether it was typed so (`bücher.example`, or decomposed: `bu\u0308cher.example`) or in punycode
 * (`xn--bcher-kva.example`). Any other domain as it is; so is one node's URL parser would cut or
 * decode (`ex/ample.org` is `ex` to it), or whose punycode is not one (`xn--zz.example`).
 */
const NOT_HOST = /[^a-z0-9.\-\u0080-\u{10ffff}]/u;
function unicodeDomain(domain: string): string {
  if (/^[\x20-\x7e]*$/.test(domain) && !/(^|\.)xn--/.test(domain)) return domain;
  if (NOT_HOST.test(domain)) return domain;
  const ascii = domainToASCII(domain);
  return (ascii && domainToUnicode(ascii).normalize('NFC')) || domain;
}

const splitAt = (email: string): [string, string] => {
  const at = email.lastIndexOf('@');
  return at < 0 ? [email, ''] : [email.slice(0, at), email.slice(at + 1)];
};

/**
 * An account's address in the one spelling it is kept and compared in: trimmed, lower-cased, in
 * Unicode NFC, an internationalised domain in Unicode (unicodeDomain). Never throws: what sign-in
 * and the throttles read an address as, whatever it is.
 */
export function canonicalEmail(raw: string): string {
  const email = raw.normalize('NFC').trim().toLowerCase().normalize('NFC');
  const [local, domain] = splitAt(email);
  return domain ? `${local}@${unicodeDomain(domain)}` : email;
}

/** Characters outside any mailbox's address: brackets, quotes, list separators, control characters. */
const NOT_MAILBOX = /[<>",;()[\]:\\\p{Cc}\u2028\u2029]/u;

/**
 * An account's or an invitation's address: checked (normaliseEmail), in its canonical spelling.
 * `ann@bücher.example` and `ann@xn--bcher-kva.example` (one mailbox, which mail reaches in its
 * punycode), or `josé@` typed composed and decomposed, were two accounts; and an invitation to
 * one spelling made a second account for a person who had signed up with the other.
 */
export function accountEmail(raw: string, field = 'email'): string {
  const email = canonicalEmail(normaliseEmail(raw, field));
  // What no mailbox holds, as a recipient's address is read (email.validation.ts ADDRESS): `<ann@x.com>`
  // pasted from a mail client, or `ann@x.com,`, was an account that signing in as ann@x.com never found.
  if (email.length > 254 || NOT_MAILBOX.test(email)) throw badInput(field, 'Enter a valid email address.');
  // A domain no mail reaches, as a recipient's is checked: `ann@example.com.` or `ann@example..com`
  // was an account (or an invitation) of its own beside ann@example.com's.
  if (!isMailDomain(email.slice(email.lastIndexOf('@') + 1))) throw badInput(field, 'Enter a valid email address.');
  return email;
}

/**
 * The spellings an account of this address may be kept in: the canonical one, the punycode one,
 * and those of an account kept before addresses were canonical (as given, or decomposed).
 */
export function emailSpellings(raw: string): string[] {
  const canonical = canonicalEmail(raw);
  return [...new Set([canonical, emailKey(canonical), raw.trim().toLowerCase(), canonical.normalize('NFD')])];
}

/** One key per mailbox, whatever its spelling: the canonical address with its domain in ASCII (punycode). What throttles and locks count an address by. */
export function emailKey(raw: string): string {
  const canonical = canonicalEmail(raw);
  const [local, domain] = splitAt(canonical);
  if (!domain || /^[\x20-\x7e]*$/.test(domain) || NOT_HOST.test(domain)) return canonical;
  const ascii = domainToASCII(domain);
  return ascii ? `${local}@${ascii}` : canonical;
}

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

/**
 * 10–256 characters, each Unicode code point counted as one (NIST SP 800-63B, 5.1.1.2), as names
 * are: UTF-16's units let five emoji pass for ten characters and refused 200 of them as too long.
 */
export function checkPassword(password: string, field = 'password'): void {
  const length = countCodePoints(password);
  if (length < PASSWORD_MIN) {
    throw badInput(field, `Password must be at least ${PASSWORD_MIN} characters.`);
  }
  if (length > PASSWORD_MAX) {
    throw badInput(field, `Password must be at most ${PASSWORD_MAX} characters.`);
  }
}

/** Nothing a reader would see: spaces, and format characters such as the zero-width space. */
const INVISIBLE = /^[\p{Z}\p{Cf}\s]*$/u;
/** Control characters, and the line and paragraph separators (U+2028, U+2029): Unicode's mandatory line breaks, as LF and NEL are. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
/** Bidirectional overrides and isolates: they make a name read in another order than it is stored ("Trojan Source"). */
const BIDI_OVERRIDE = /[\u202a-\u202e\u2066-\u2069]/u;

/**
 * A name trimmed and checked: something visible, no control character (a line break in a key's
 * name) or bidirectional override (right-to-left text needs none), at most `max` characters counted as PostgreSQL counts them (code points: 50 emoji fit
 * a varchar(50), which UTF-16's 100 units refused).
 */
export function checkName(raw: string, field: string, label: string, max: number): string {
  const name = raw.trim();
  if (INVISIBLE.test(name)) throw badInput(field, `${label} is required.`);
  return checkText(name, field, label, max);
}

/** `checkName` without the requirement of something visible: an optional name (a contact's), already trimmed. */
export function checkText(name: string, field: string, label: string, max: number): string {
  if (CONTROL.test(name)) throw badInput(field, `${label} may not contain control characters such as line breaks.`);
  if (BIDI_OVERRIDE.test(name)) {
    throw badInput(
      field,
      `${label} may not contain bidirectional override characters (U+202A–U+202E, U+2066–U+2069): they make it read in another order than it is.`,
    );
  }
  if (countCodePoints(name) > max) throw badInput(field, `${label} must be at most ${max} characters.`);
  return name;
}

function countCodePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
