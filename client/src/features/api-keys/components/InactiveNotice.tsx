import { useThresholds } from '../../../app/session';
import { Button } from '../../../ui/Button';
import { plural } from '../labels';

/** Resend's advice: a key unused for a while (inactiveAfterDays) is a liability; suggest removing it. */
export function InactiveNotice({ count, onShow, message }: { count: number; onShow?: () => void; message?: string }) {
  const { inactiveAfterDays: days } = useThresholds();
  if (count === 0) return null;
  const text =
    message ??
    (count === 1
      ? `1 key has not been used for ${days} days. Consider removing it.`
      : `${plural(count, 'key', 'keys')} have not been used for ${days} days. Consider removing them.`);
  return (
    <aside className="notice notice-warning" aria-label="Inactive keys">
      <span className="usage-dot usage-dot-amber" aria-hidden="true" />
      <p>{text}</p>
      {onShow && (
        <Button size="sm" variant="ghost" onClick={onShow}>
          Show inactive keys
        </Button>
      )}
    </aside>
  );
}
