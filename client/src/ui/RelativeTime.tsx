import { format, formatDistanceToNowStrict, parseISO } from 'date-fns';
import { useSyncExternalStore } from 'react';

const DAY_MS = 86_400_000;
/** Up to this many days, a distance stays in days ("45 days ago", not "2 months ago"). */
export const DAYS_UP_TO = 60;

/**
 * date-fns' strict distance, kept in days from 1 day up to 60: "1 month ago" hid whether a key
 * was used 30 or 59 days ago, the difference the 30-day inactive threshold is about.
 */
export function relativeDistance(date: Date, options: { addSuffix?: boolean } = {}): string {
  const days = Math.abs(Date.now() - date.getTime()) / DAY_MS;
  const unit = days >= 1 && days < DAYS_UP_TO + 0.5 ? 'day' : undefined;
  return formatDistanceToNowStrict(date, { ...options, unit });
}

/** How often relative times are worked out again while shown. */
export const TICK_MS = 15_000;

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let now = Date.now();

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/**
 * The time, moved on every 15 s while a relative time is on screen (one timer for all of them):
 * a page that asks the server nothing more (Domains, Exports, Audit log, Team) showed "just now"
 * for as long as it stayed open.
 */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

/** "3 days ago", with the exact time on hover and for machines. */
export function RelativeTime({ value }: { value: string }) {
  useNow();
  const date = parseISO(value);
  const recent = Math.abs(Date.now() - date.getTime()) < 60_000;
  return (
    <time dateTime={value} title={format(date, 'PPpp')}>
      {recent ? 'just now' : relativeDistance(date, { addSuffix: true })}
    </time>
  );
}

export function formatDate(value: string): string {
  return format(parseISO(value), 'MMM d, yyyy');
}
