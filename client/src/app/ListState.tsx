import type { ReactNode } from 'react';
import { Button } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { LoadMore } from '../ui/LoadMore';
import { ErrorState, Loading } from '../ui/Loading';
import { queryErrorMessage } from './errors';
import type { CursorList } from './useCursorList';

/**
 * A list page's body in every state: loading, its error (none when the dates are at fault: they
 * say so themselves), empty (with or without filters), or its rows and the next page.
 */
export function ListState<TNode>({
  list,
  noun,
  loadingLabel = `Loading ${noun}`,
  filtered = false,
  onClearFilters,
  empty,
  footer,
  children,
}: {
  list: CursorList<TNode>;
  /** Plural, e.g. "emails". */
  noun: string;
  loadingLabel?: string;
  filtered?: boolean;
  onClearFilters?: () => void;
  /** What an unfiltered empty list says. */
  empty: ReactNode;
  /** Replaces "Load more" (and stands in for an empty list) when the page has its own way on. */
  footer?: ReactNode;
  children: (nodes: TNode[]) => ReactNode;
}) {
  if (list.loading && !list.data) return <Loading label={loadingLabel} />;
  if (list.error && !list.data) {
    return Object.keys(list.fieldErrors).length ? null : <ErrorState message={queryErrorMessage(list.error)} onRetry={() => list.refetch()} />;
  }
  if (list.nodes.length === 0) {
    if (footer) return footer;
    if (!filtered) return empty;
    return <EmptyState title={`No ${noun} match these filters`} action={onClearFilters && <Button onClick={onClearFilters}>Clear filters</Button>} />;
  }
  return (
    <>
      {children(list.nodes)}
      {footer ?? <LoadMore shown={list.nodes.length} noun={noun} hasMore={list.hasMore} loading={list.loadingMore} onLoadMore={list.loadMore} />}
    </>
  );
}
