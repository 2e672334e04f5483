import { format, parseISO } from 'date-fns';
import { useThresholds } from '../../../app/session';
import { relativeDistance, useNow } from '../../../ui/RelativeTime';

/** "Expires in 3 days", "Expired 2 days ago", or "Never" for a key without expiry. */
export function Expiry({ value }: { value: string | null | undefined }) {
  const { expiringSoonDays } = useThresholds();
  useNow();
  if (!value) return <span className="muted">Never</span>;
  const date = parseISO(value);
  const left = date.getTime() - Date.now();
  const distance = relativeDistance(date);
  const text = left <= 0 ? `Expired ${distance} ago` : `Expires in ${distance}`;
  const tone = left <= 0 ? 'expiry-past' : left <= expiringSoonDays * 86_400_000 ? 'expiry-soon' : undefined;
  return (
    <time dateTime={value} title={format(date, 'PPpp')} className={tone}>
      {text}
    </time>
  );
}
