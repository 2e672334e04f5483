import { Button } from './Button';
import { formatDate } from './RelativeTime';

/**
 * The foot of a list whose search stopped after a budget of rows (a connection's `searchedUntil`):
 * how far back it searched, and a button to search further back (the next page).
 */
export function SearchOlder({
  searchedUntil,
  shown,
  noun,
  older,
  loading,
  onSearchOlder,
}: {
  /** ISO-8601: rows older than this were not searched yet. */
  searchedUntil: string;
  shown: number;
  /** Plural, what matched, e.g. "requests". */
  noun: string;
  /** Plural, what was searched, e.g. "logs". */
  older: string;
  loading: boolean;
  onSearchOlder: () => void;
}) {
  return (
    <div className="load-more">
      <span className="muted" role="status">
        No {shown ? 'more ' : ''}matching {noun} back to {formatDate(searchedUntil)}; older {older} were not searched yet.
      </span>
      <Button size="sm" loading={loading} onClick={onSearchOlder}>
        Search older {older}
      </Button>
    </div>
  );
}
