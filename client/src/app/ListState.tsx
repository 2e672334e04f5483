import type { ReactNode } from 'react';
import { Button } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { ErrorState, Loading } from '../ui/Loading';
import { LoadMore } from '../ui/LoadMore';
import { SearchOlder } from '../ui/SearchOlder';
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
  footer: pageFooter,
  searchedUntil,
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
  /**
   * A search that stopped after a budget of rows (the connection's `searchedUntil`, `at`): the foot
   * says how far back it searched and offers to search `older` rows ("logs") rather than "Load more".
   */
  searchedUntil?: { at: string | null | undefined; older: string };
  children: (nodes: TNode[]) => ReactNode;
}) {
  const footer =
    pageFooter ??
    (searchedUntil?.at ? (
      <SearchOlder
        searchedUntil={searchedUntil.at}
        shown={list.nodes.length}
        noun={noun}
        older={searchedUntil.older}
        loading={list.loadingMore}
        onSearchOlder={list.loadMore}
      />
    ) : undefined);
  const { apiKeyId: keyRefused, ...dateErrors } = list.fieldErrors;
  const refused = Boolean(keyRefused) || Object.keys(dateErrors).length > 0;
  // The filter says what is wrong beside it; here, the way out (and the rows shown before, if any).
  const refusedNote = refused && (
    <div className="list-note" role="status">
      <span>{keyRefused ? 'Choose an API key to update the list.' : 'Fix the dates to update the list.'}</span>
      {onClearFilters && (
        <Button size="sm" onClick={onClearFilters}>
          Clear filters
        </Button>
      )}
    </div>
  );
  if (list.loading && !list.data) return <Loading label={loadingLabel} />;
  if (list.error && !list.data) {
    return refused ? refusedNote : <ErrorState message={queryErrorMessage(list.error)} onRetry={() => list.refetch()} />;
  }
  if (refused) {
    return (
      <>
        {refusedNote}
        {list.nodes.length > 0 && children(list.nodes)}
      </>
    );
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
