import { SEARCH_MAX } from './sql.js';
import { badInput } from '../errors.js';

/** A character's cases of one code point each (é É; Σ σ ς: a Greek word's last sigma is ς, which Σ does not lower to). */
const variants = (c: string): string[] => {
  const cases = [c, c.toLowerCase(), c.toUpperCase(), c.toUpperCase().toLowerCase(), c.toLowerCase().toUpperCase()];
  if (cases.includes('σ')) cases.push('ς');
  return [...new Set(cases)].filter((v) => [...v].length === 1);
};
/** A letter outside ASCII that has another case (é/É, λ/Λ, ж/Ж). */
const NON_ASCII_CASED = (c: string) => c.codePointAt(0)! > 0x7f && variants(c).length > 1;
const REGEX_SPECIAL = /[\\^$.|?*+()[\]{}]/;

/**
 * A list's `search` as a PostgreSQL regular expression matching it anywhere, literally, in any
 * case, when it holds a letter outside ASCII; undefined otherwise (ILIKE serves it, as before).
 * The database runs with the C locale (the embedded one is initialised so), where ILIKE and lower()
 * fold ASCII letters only: `ÉLODIE` found no élodie@, `ελένη` no Ελένη, although the Contacts and
 * Broadcasts pages say "any case". Each letter becomes a bracket of its cases (ASCII ones too), which
 * `~` matches in any locale.
 */
export function caseSearchRegex(search: string | null | undefined): string | undefined {
  const trimmed = search?.trim();
  if (!trimmed) return undefined;
  if (trimmed.length > SEARCH_MAX) throw badInput('search', `Search must be at most ${SEARCH_MAX} characters.`);
  const chars = [...trimmed];
  if (!chars.some(NON_ASCII_CASED)) return undefined;
  return chars
    .map((c) => {
      const cases = variants(c);
      if (cases.length > 1) return `[${cases.join('')}]`;
      return REGEX_SPECIAL.test(c) ? `\\${c}` : c;
    })
    .join('');
}
