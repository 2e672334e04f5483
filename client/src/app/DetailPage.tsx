import type { ErrorLike } from '@apollo/client';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ErrorState, Loading } from '../ui/Loading';
import { PageHeader } from '../ui/PageHeader';
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
  const backLink = (
    <p className="back-link">
      <Link to={back.to}>← {back.label}</Link>
    </p>
  );
  // Every state has the page's level-one heading, as the lists and the API key's page do: a screen
  // reader's user landing on a mistyped link found no heading to start from.
  if (loading && !data) {
    return (
      <>
        {backLink}
        <PageHeader title={noun} />
        <Loading label={loadingLabel} />
      </>
    );
  }
  if (error && !data) {
    return (
      <>
        {backLink}
        <PageHeader title={noun} />
        <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />
      </>
    );
  }
  if (!item) {
    return (
      <>
        {backLink}
        <PageHeader title={`${noun} not found`} description="It may belong to another team, or the link is mistyped." />
      </>
    );
  }
  return (
    <>
      {backLink}
      {children(item)}
    </>
  );
}
