import { createHash, randomInt } from 'node:crypto';
import { sha256Hex } from '../../lib/crypto.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 32; // 32 × log2(62) ≈ 190 bits of entropy
const CHECKSUM_LENGTH = 6;
export const TOKEN_PREFIX = 're_';

/** For secret scanners: every Keyring token matches this. */
export const TOKEN_PATTERN = /^re_[0-9A-Za-z]{38}$/;
export const TOKEN_REGEX_SOURCE = '\\bre_[0-9A-Za-z]{38}\\b';

function checksum(body: string): string {
  let n = createHash('sha256').update(body).digest().readUInt32BE(0);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function generateToken(): string {
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i++) body += ALPHABET[randomInt(62)];
  return `${TOKEN_PREFIX}${body}${checksum(body)}`;
}

/** True only for a well-formed token whose checksum matches: no database needed to refuse a typo. */
export function isWellFormedToken(token: string): boolean {
  if (!TOKEN_PATTERN.test(token)) return false;
  const body = token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + BODY_LENGTH);
  return checksum(body) === token.slice(TOKEN_PREFIX.length + BODY_LENGTH);
}

export const tokenHash = (token: string): string => sha256Hex(token);

/** What the dashboard shows to recognise a key: `re_` and the first few characters. */
export const TOKEN_START_LENGTH = TOKEN_PREFIX.length + 5;
export const tokenStart = (token: string): string => token.slice(0, TOKEN_START_LENGTH);
