import { ListState } from '../../app/ListState';
import { useUrlFilters } from '../../app/url-filters';
import { useCursorList } from '../../app/useCursorList';
import { DateRangeFields } from '../../ui/DateRangeFields';
import { EmptyState } from '../../ui/EmptyState';
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
  const list = useCursorList(BroadcastsPageQuery, { variables: { filter, first: PAGE_SIZE }, connection: (d) => d.broadcasts });

  return (
    <>
      <PageHeader
        title="Broadcasts"
        description="Messages to your contacts, created through the API, newest first."
        actions={<ExportButton input={{ resource: 'BROADCASTS', broadcasts: filter }} filterLabels={describeBroadcastFilters(filters)} />}
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
          errors={list.fieldErrors}
        />
      </fieldset>
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
