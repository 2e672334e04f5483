import Bowser from 'bowser';

/** "Chrome 156 on Linux" from a User-Agent; the raw string when it names no browser. */
export function describeDevice(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown browser';
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name ? [parsed.browser.name, parsed.browser.version?.split('.')[0]].filter(Boolean).join(' ') : undefined;
  const os = parsed.os.name;
  if (!browser) return userAgent;
  return os ? `${browser} on ${os}` : browser;
}
