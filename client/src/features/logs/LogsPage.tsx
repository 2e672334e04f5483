import { NetworkStatus } from '@apollo/client';
import { reportErrors } from '../../app/errors';
import { ListState } from '../../app/ListState';
import { usePageTitle } from '../../app/page-title';
import { useUrlFilters } from '../../app/url-filters';
import { useCursorList } from '../../app/useCursorList';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
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
  usePageTitle('Logs');
  const { filters, setFilters, filtered, params } = useUrlFilters(logUrlFilters);
  const filter = toUsageLogFilter(filters);
  // Requests keep coming in: a visit shows the cached page at once, then the latest.
  // Not asked again when the tab is shown: logs never change, only new ones come, and a reader
  // back from another window would lose their place in them. Refresh is theirs to press.
  const list = useCursorList(LogsPageQuery, { variables: { filter, first: LOGS_PAGE_SIZE }, connection: (d) => d.usageLogs });
  const { data, refetch, networkStatus } = list;
  const { keys, keyName } = useApiKeyFilterKeys();

  const retention = data?.usageLogRetention;

  // The oldest log's own time, in the reader's time zone (oldestAt is a UTC day, a day off west of UTC).
  const oldest = retention?.oldestLogAt ?? retention?.oldestAt;
  return (
    <>
      <PageHeader
        title="Logs"
        description={`Every request made with your API keys, newest first.${
          retention ? ` Logs are kept ${retention.days} days${oldest ? `; the oldest is from ${formatDate(oldest)}` : ''}.` : ''
        }`}
        actions={
          <>
            <Button onClick={() => refetch().catch(reportErrors)} loading={networkStatus === NetworkStatus.refetch}>
              Refresh
            </Button>
            <ExportButton input={{ resource: 'LOGS', logs: filter }} filterLabels={describeLogFilters(filters, keyName)} />
          </>
        }
      />
      <LogFiltersBar filters={filters} onChange={setFilters} keys={keys} errors={list.fieldErrors} />
      <ListState
        list={list}
        noun="requests"
        loadingLabel="Loading logs"
        filtered={filtered}
        onClearFilters={() => setFilters({})}
        empty={
          <EmptyState title="No requests yet">
            <p>Every request made with one of your API keys shows up here within a few seconds.</p>
          </EmptyState>
        }
        // A search that no index serves stops after a budget of logs and says how far back it got.
        searchedUntil={{ at: data?.usageLogs.searchedUntil, older: 'logs' }}
      >
        {(logs) => <LogsTable logs={logs} search={params.toString()} />}
      </ListState>
    </>
  );
}
