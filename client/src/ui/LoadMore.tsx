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
  return (
    <div className="load-more">
      <span className="muted" aria-live="polite">
        {hasMore ? `Showing the latest ${shown} ${noun}` : `${shown} ${noun}`}
      </span>
      {hasMore && (
        <Button size="sm" loading={loading} onClick={onLoadMore}>
          Load more
        </Button>
      )}
    </div>
  );
}
