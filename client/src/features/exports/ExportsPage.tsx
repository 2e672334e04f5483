import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { queryErrorMessage, reportErrors } from '../../app/errors';
import { useThresholds } from '../../app/session';
import { EmptyState } from '../../ui/EmptyState';
import { LoadMore } from '../../ui/LoadMore';
import { ErrorState, Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { ExportsTable } from './components/ExportsTable';
import { ExportKeyNamesQuery, ExportsPageQuery } from './documents';

const PAGE_SIZE = 25;

export function ExportsPage() {
  const { exportDownloadDays } = useThresholds();
  const { data, loading, error, refetch, fetchMore, networkStatus } = useQuery(ExportsPageQuery, {
    variables: { first: PAGE_SIZE },
    // Exports change status on their own: show what is cached, then what is true now.
    fetchPolicy: 'cache-and-network',
  });
  const exports = data?.exports.edges.map((e) => e.node) ?? [];
  const filteredByKey = exports.some((e) => e.filters && typeof e.filters === 'object' && 'apiKeyId' in e.filters);
  const keys = useQuery(ExportKeyNamesQuery, { skip: !filteredByKey });
  const keyName = (id: string) => keys.data?.apiKeys.find((k) => k.id === id)?.name;

  const loadMore = async () => {
    try {
      await fetchMore({ variables: { after: data?.exports.pageInfo.endCursor } });
    } catch (e) {
      reportErrors(e);
    }
  };

  let body: ReactNode;
  if (loading && !data) body = <Loading label="Loading exports" />;
  else if (error && !data) body = <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />;
  else if (exports.length === 0) {
    body = (
      <EmptyState title="No exports yet">
        <p>Use the Export button on the Logs, Emails, Contacts, Broadcasts, Domains or API Keys page.</p>
      </EmptyState>
    );
  } else {
    body = (
      <>
        <ExportsTable exports={exports} keyName={keyName} />
        <LoadMore
          shown={exports.length}
          noun="exports"
          hasMore={data?.exports.pageInfo.hasNextPage ?? false}
          loading={networkStatus === NetworkStatus.fetchMore}
          onLoadMore={loadMore}
        />
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Exports"
        description={`CSV exports of your team's data. Each file can be downloaded by admins for ${exportDownloadDays} days.`}
      />
      {body}
    </>
  );
}
