import type { ErrorLike } from '@apollo/client';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '../ui/EmptyState';
import { ErrorState, Loading } from '../ui/Loading';
import { queryErrorMessage } from './errors';

/**
 * A detail page's body in every state: loading, its error (with a retry), not found (another
 * team's or a mistyped id), or the item under a link back to its list.
 */
export function DetailPage<TItem>({
  query,
  item,
  back,
  noun,
  loadingLabel = `Loading the ${noun.toLowerCase()}`,
  children,
}: {
  /** The detail query's result (`useQuery`'s). */
  query: { data?: unknown; loading: boolean; error?: ErrorLike; refetch: () => unknown };
  item: TItem | null | undefined;
  /** The list the page belongs to: where it is and what it is called. */
  back: { to: string; label: string };
  /** Singular and capitalised, e.g. "Domain": "Domain not found". */
  noun: string;
  loadingLabel?: string;
  children: (item: TItem) => ReactNode;
}) {
  const { data, loading, error, refetch } = query;
  if (loading && !data) return <Loading label={loadingLabel} />;
  if (error && !data) return <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />;
  return (
    <>
      <p className="back-link">
        <Link to={back.to}>← {back.label}</Link>
      </p>
      {item ? (
        children(item)
      ) : (
        <EmptyState title={`${noun} not found`}>
          <p>It may belong to another team, or the link is mistyped.</p>
        </EmptyState>
      )}
    </>
  );
}
