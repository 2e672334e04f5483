import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { queryErrorMessage, reportErrors } from '../../app/errors';
import { EmptyState } from '../../ui/EmptyState';
import { LoadMore } from '../../ui/LoadMore';
import { ErrorState, Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { ExportButton } from '../exports';
import { BroadcastsTable } from './components/BroadcastsTable';
import { BroadcastsPageQuery } from './documents';

const PAGE_SIZE = 50;

export function BroadcastsPage() {
  const { data, loading, error, refetch, fetchMore, networkStatus } = useQuery(BroadcastsPageQuery, {
    variables: { first: PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  const broadcasts = data?.broadcasts.edges.map((e) => e.node) ?? [];

  const loadMore = async () => {
    try {
      await fetchMore({ variables: { after: data?.broadcasts.pageInfo.endCursor } });
    } catch (e) {
      reportErrors(e);
    }
  };

  let body: ReactNode;
  if (loading && !data) body = <Loading label="Loading broadcasts" />;
  else if (error && !data) body = <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />;
  else if (broadcasts.length === 0) {
    body = (
      <EmptyState title="No broadcasts yet">
        <p>
          Broadcasts created through the API with <code className="mono">POST /api/broadcasts</code> show up here.
        </p>
      </EmptyState>
    );
  } else {
    body = (
      <>
        <BroadcastsTable broadcasts={broadcasts} />
        <LoadMore
          shown={broadcasts.length}
          noun="broadcasts"
          hasMore={data?.broadcasts.pageInfo.hasNextPage ?? false}
          loading={networkStatus === NetworkStatus.fetchMore}
          onLoadMore={loadMore}
        />
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Broadcasts"
        description="Messages to your contacts, created through the API, newest first."
        actions={<ExportButton resource="BROADCASTS" filters={{}} filterLabels={[]} />}
      />
      {body}
    </>
  );
}
