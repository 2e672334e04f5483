import Bowser from 'bowser';

/** The most of an unrecognised User-Agent shown (the whole of it is in the cell's title). */
const RAW_MAX = 60;

/** "Chrome 156 on Linux" from a User-Agent; the raw string (cut to RAW_MAX) when it names no browser. */
export function describeDevice(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown browser';
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name ? [parsed.browser.name, parsed.browser.version?.split('.')[0]].filter(Boolean).join(' ') : undefined;
  const os = parsed.os.name;
  if (!browser) return userAgent.length > RAW_MAX ? `${userAgent.slice(0, RAW_MAX - 1)}…` : userAgent;
  return os ? `${browser} on ${os}` : browser;
}
