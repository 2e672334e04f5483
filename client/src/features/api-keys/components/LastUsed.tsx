import { RelativeTime } from '../../../ui/RelativeTime';

export function LastUsed({ value }: { value: string | null | undefined }) {
  return value ? <RelativeTime value={value} /> : <span className="muted">Never</span>;
}
