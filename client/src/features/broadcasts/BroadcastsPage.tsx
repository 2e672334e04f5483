import { FilterSelect, ListFilters } from '../../app/ListFilters';
import { ListState } from '../../app/ListState';
import { usePageTitle } from '../../app/page-title';
import { useUrlFilters } from '../../app/url-filters';
import { useCursorList } from '../../app/useCursorList';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';
import { ExportButton } from '../exports';
import { BroadcastsTable } from './components/BroadcastsTable';
import { BroadcastsPageQuery } from './documents';
import { BROADCAST_STATUSES, broadcastUrlFilters, describeBroadcastFilters, toBroadcastFilter } from './filters';

const PAGE_SIZE = 50;

export function BroadcastsPage() {
  usePageTitle('Broadcasts');
  const { filters, setFilters, filtered } = useUrlFilters(broadcastUrlFilters);
  const filter = toBroadcastFilter(filters);
  // Broadcasts are made and sent through the API while the tab is hidden.
  const list = useCursorList(BroadcastsPageQuery, { variables: { filter, first: PAGE_SIZE }, connection: (d) => d.broadcasts, refreshWhenShown: true });

  return (
    <>
      <PageHeader
        title="Broadcasts"
        description="Messages to your contacts, created through the API, newest first."
        actions={<ExportButton input={{ resource: 'BROADCASTS', broadcasts: filter }} filterLabels={describeBroadcastFilters(filters)} />}
      />
      <ListFilters noun="broadcasts" filters={filters} onChange={setFilters} searchPlaceholder="Name or subject" dateErrors={list.fieldErrors}>
        <FilterSelect
          label="Status"
          name="status"
          all="All statuses"
          options={BROADCAST_STATUSES}
          value={filters.status}
          onChange={(status) => setFilters({ ...filters, status })}
        />
      </ListFilters>
      <ListState
        list={list}
        noun="broadcasts"
        filtered={filtered}
        onClearFilters={() => setFilters({})}
        empty={
          <EmptyState title="No broadcasts yet">
            <p>
              Broadcasts created through the API with <code className="mono">POST /api/broadcasts</code> show up here.
            </p>
          </EmptyState>
        }
      >
        {(broadcasts) => <BroadcastsTable broadcasts={broadcasts} />}
      </ListState>
    </>
  );
}
