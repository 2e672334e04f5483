import { format, formatDistanceToNowStrict, parseISO } from 'date-fns';

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

/** "3 days ago", with the exact time on hover and for machines. */
export function RelativeTime({ value }: { value: string }) {
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
