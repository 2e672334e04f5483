import { domainToASCII, domainToUnicode } from 'node:url';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TLD = /^[a-z]{2,63}$|^xn--[a-z0-9-]{1,59}$/;

/**
 * Whether a lower-cased ASCII name is a host name, as DNS and SMTP take it and as the Domains page
 * asks of a sending domain: at most 253 characters, two labels or more of letters, digits and
 * inner hyphens (1–63 each), and a top-level label of letters or punycode (`xn--`).
 */
export function isAsciiHostName(name: string): boolean {
  const labels = name.split('.');
  return name.length <= 253 && labels.length >= 2 && labels.every((l) => LABEL.test(l)) && TLD.test(labels[labels.length - 1]);
}

/**
 * Whether a mail domain (lower-cased) is a host name, in the ASCII form DNS and SMTP use: labels
 * of letters, digits and inner hyphens, a top-level label of letters (as the Domains page asks of
 * a sending domain). An internationalised name (bücher.example) is read as its
 * punycode (xn--bcher-kva.example), but only a name that reads back as itself: never a look-alike
 * that maps onto another (ｅxample.org, a zero-width space), nor one that node's URL parser would
 * cut or decode (`ex/ample.org` is `ex` to it, `ex%41mple.org` example.org). Accepted, such a
 * domain (`a@example..org`, `a@ex!ample.org`, `a@-x.org`, `a@example.org` with a zero-width space)
 * was stored, counted and handed to the relay, which could only refuse it, or sent to the domain it
 * looks like.
 */
export function isMailDomain(domain: string): boolean {
  let ascii = domain;
  if (!/^[a-z0-9.-]+$/.test(domain)) {
    // Non-ASCII letters only: any other ASCII character than letters, digits, dots and hyphens is not in a host name.
    if (/[^a-z0-9.\-\u0080-\uffff]/.test(domain)) return false;
    ascii = domainToASCII(domain);
    if (ascii === '' || domainToUnicode(ascii) !== domain.normalize('NFC')) return false;
  }
  return isAsciiHostName(ascii);
}
