import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { queryErrorMessage, reportErrors, splitErrors } from '../../app/errors';
import { useUrlFilters } from '../../app/url-filters';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { LoadMore } from '../../ui/LoadMore';
import { ErrorState, Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { formatDate } from '../../ui/RelativeTime';
import { useApiKeyFilterKeys } from '../api-keys';
import { ExportButton } from '../exports';
import { LogFiltersBar } from './components/LogFiltersBar';
import { LogsTable } from './components/LogsTable';
import { LogsPageQuery } from './documents';
import { describeLogFilters, logUrlFilters, toUsageLogFilter } from './filters';

export const LOGS_PAGE_SIZE = 50;

export function LogsPage() {
  const { filters, setFilters, filtered, params } = useUrlFilters(logUrlFilters);
  const filter = toUsageLogFilter(filters);
  const { data, loading, error, refetch, fetchMore, networkStatus } = useQuery(LogsPageQuery, {
    variables: { filter, first: LOGS_PAGE_SIZE },
    // Requests keep coming in: a visit shows the cached page at once, then the latest.
    fetchPolicy: 'cache-and-network',
  });
  const { keys, keyName } = useApiKeyFilterKeys();

  const logs = data?.usageLogs.edges.map((e) => e.node) ?? [];
  // A reversed date range is refused by the server: say so beside the dates.
  const { fieldErrors } = error ? splitErrors(error, ['from', 'to'] as const) : { fieldErrors: {} };

  const loadMore = async () => {
    try {
      await fetchMore({ variables: { after: data?.usageLogs.pageInfo.endCursor } });
    } catch (e) {
      reportErrors(e);
    }
  };

  // A search that no index serves stops after a budget of logs and says how far back it got.
  const searchedUntil = data?.usageLogs.searchedUntil;
  const searchOlder = searchedUntil ? (
    <div className="load-more">
      <span className="muted" role="status">
        No {logs.length ? 'more ' : ''}matching requests back to {formatDate(searchedUntil)}; older logs were not searched yet.
      </span>
      <Button size="sm" loading={networkStatus === NetworkStatus.fetchMore} onClick={loadMore}>
        Search older logs
      </Button>
    </div>
  ) : null;
  const retention = data?.usageLogRetention;

  let body: ReactNode;
  if (loading && !data) body = <Loading label="Loading logs" />;
  else if (error && !data) {
    body = Object.keys(fieldErrors).length ? null : (
      <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />
    );
  } else if (logs.length === 0 && searchOlder) {
    body = searchOlder;
  } else if (logs.length === 0) {
    body = filtered ? (
      <EmptyState title="No requests match these filters" action={<Button onClick={() => setFilters({})}>Clear filters</Button>} />
    ) : (
      <EmptyState title="No requests yet">
        <p>Every request made with one of your API keys shows up here within a few seconds.</p>
      </EmptyState>
    );
  } else {
    body = (
      <>
        <LogsTable logs={logs} search={params.toString()} />
        {searchOlder ?? (
          <LoadMore
            shown={logs.length}
            noun="requests"
            hasMore={data?.usageLogs.pageInfo.hasNextPage ?? false}
            loading={networkStatus === NetworkStatus.fetchMore}
            onLoadMore={loadMore}
          />
        )}
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Logs"
        description={`Every request made with your API keys, newest first.${
          retention
            ? ` Logs are kept ${retention.days} days${retention.oldestAt ? `; the oldest is from ${formatDate(retention.oldestAt)}` : ''}.`
            : ''
        }`}
        actions={
          <>
            <Button onClick={() => refetch().catch(reportErrors)} loading={networkStatus === NetworkStatus.refetch}>
              Refresh
            </Button>
            <ExportButton resource="LOGS" filters={filter} filterLabels={describeLogFilters(filters, keyName)} />
          </>
        }
      />
      <LogFiltersBar filters={filters} onChange={setFilters} keys={keys} errors={fieldErrors} />
      {body}
    </>
  );
}
