import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { queryErrorMessage, reportErrors, splitErrors } from '../../app/errors';
import { useUrlFilters } from '../../app/url-filters';
import { Button } from '../../ui/Button';
import { DateRangeFields } from '../../ui/DateRangeFields';
import { EmptyState } from '../../ui/EmptyState';
import { LoadMore } from '../../ui/LoadMore';
import { ErrorState, Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { SearchField } from '../../ui/SearchField';
import { SelectField } from '../../ui/SelectField';
import { ExportButton } from '../exports';
import { BroadcastsTable } from './components/BroadcastsTable';
import { BroadcastsPageQuery } from './documents';
import { BROADCAST_STATUSES, broadcastUrlFilters, describeBroadcastFilters, toBroadcastFilter } from './filters';

const PAGE_SIZE = 50;

export function BroadcastsPage() {
  const { filters, setFilters, filtered } = useUrlFilters(broadcastUrlFilters);
  const filter = toBroadcastFilter(filters);
  const { data, loading, error, refetch, fetchMore, networkStatus } = useQuery(BroadcastsPageQuery, {
    variables: { filter, first: PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  const broadcasts = data?.broadcasts.edges.map((e) => e.node) ?? [];
  // A reversed date range (from a hand-edited URL) is refused by the server: say so beside the dates.
  const { fieldErrors } = error ? splitErrors(error, ['from', 'to'] as const) : { fieldErrors: {} };

  const loadMore = async () => {
    try {
      await fetchMore({ variables: { after: data?.broadcasts.pageInfo.endCursor } });
    } catch (e) {
      reportErrors(e);
    }
  };

  let body: ReactNode;
  if (loading && !data) body = <Loading label="Loading broadcasts" />;
  else if (error && !data) {
    body = Object.keys(fieldErrors).length ? null : (
      <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />
    );
  } else if (broadcasts.length === 0) {
    body = filtered ? (
      <EmptyState title="No broadcasts match these filters" action={<Button onClick={() => setFilters({})}>Clear filters</Button>} />
    ) : (
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
        actions={<ExportButton resource="BROADCASTS" filters={filter} filterLabels={describeBroadcastFilters(filters)} />}
      />
      <fieldset className="filters">
        <legend className="sr-only">Filter broadcasts</legend>
        <SearchField label="Search" placeholder="Name or subject" value={filters.q} onSearch={(q) => setFilters({ ...filters, q })} />
        <SelectField
          label="Status"
          name="status"
          className="filter-field"
          options={[{ value: '', label: 'All statuses' }, ...BROADCAST_STATUSES]}
          value={filters.status ?? ''}
          onChange={(e) => setFilters({ ...filters, status: BROADCAST_STATUSES.find((s) => s.value === e.target.value)?.value })}
        />
        <DateRangeFields
          from={filters.from}
          to={filters.to}
          onChange={(range) => setFilters({ ...filters, ...range })}
          errors={fieldErrors}
        />
      </fieldset>
      {body}
    </>
  );
}
