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
