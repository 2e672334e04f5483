import { format, formatDistanceToNowStrict, parseISO } from 'date-fns';

/** "3 days ago", with the exact time on hover and for machines. */
export function RelativeTime({ value }: { value: string }) {
  const date = parseISO(value);
  const recent = Math.abs(Date.now() - date.getTime()) < 60_000;
  return (
    <time dateTime={value} title={format(date, 'PPpp')}>
      {recent ? 'just now' : formatDistanceToNowStrict(date, { addSuffix: true })}
    </time>
  );
}

export function formatDate(value: string): string {
  return format(parseISO(value), 'MMM d, yyyy');
}
