import { Button } from './Button';

/** The foot of a cursor-paginated list: how many rows are shown, and a button for the next page. */
export function LoadMore({
  shown,
  noun,
  hasMore,
  loading,
  onLoadMore,
}: {
  shown: number;
  /** Plural, e.g. "requests". */
  noun: string;
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
}) {
  // "1 contact", not "1 contacts": every list's noun is a plural in -s.
  const counted = shown === 1 && noun.endsWith('s') ? noun.slice(0, -1) : noun;
  return (
    <div className="load-more">
      <span className="muted" aria-live="polite">
        {hasMore ? `Showing the latest ${shown} ${counted}` : `${shown} ${counted}`}
      </span>
      {hasMore && (
        <Button size="sm" loading={loading} onClick={onLoadMore}>
          Load more
        </Button>
      )}
    </div>
  );
}
