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
import { ContactsTable } from './components/ContactsTable';
import { ContactsPageQuery } from './documents';
import { contactUrlFilters, describeContactFilters, SUBSCRIPTIONS, toContactFilter } from './filters';

const PAGE_SIZE = 50;

export function ContactsPage() {
  const { filters, setFilters, filtered } = useUrlFilters(contactUrlFilters);
  const filter = toContactFilter(filters);
  const { data, loading, error, refetch, fetchMore, networkStatus } = useQuery(ContactsPageQuery, {
    variables: { filter, first: PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  const contacts = data?.contacts.edges.map((e) => e.node) ?? [];
  // A reversed date range (from a hand-edited URL) is refused by the server: say so beside the dates.
  const { fieldErrors } = error ? splitErrors(error, ['from', 'to'] as const) : { fieldErrors: {} };

  const loadMore = async () => {
    try {
      await fetchMore({ variables: { after: data?.contacts.pageInfo.endCursor } });
    } catch (e) {
      reportErrors(e);
    }
  };

  let body: ReactNode;
  if (loading && !data) body = <Loading label="Loading contacts" />;
  else if (error && !data) {
    body = Object.keys(fieldErrors).length ? null : (
      <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />
    );
  } else if (contacts.length === 0) {
    body = filtered ? (
      <EmptyState title="No contacts match these filters" action={<Button onClick={() => setFilters({})}>Clear filters</Button>} />
    ) : (
      <EmptyState title="No contacts yet">
        <p>
          Contacts created through the API with <code className="mono">POST /api/contacts</code> show up here.
        </p>
      </EmptyState>
    );
  } else {
    body = (
      <>
        <ContactsTable contacts={contacts} />
        <LoadMore
          shown={contacts.length}
          noun="contacts"
          hasMore={data?.contacts.pageInfo.hasNextPage ?? false}
          loading={networkStatus === NetworkStatus.fetchMore}
          onLoadMore={loadMore}
        />
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Contacts"
        description="The people your team sends broadcasts to, newest first."
        actions={<ExportButton resource="CONTACTS" filters={filter} filterLabels={describeContactFilters(filters)} />}
      />
      <fieldset className="filters">
        <legend className="sr-only">Filter contacts</legend>
        <SearchField label="Search" placeholder="Email or name" value={filters.q} onSearch={(q) => setFilters({ ...filters, q })} />
        <SelectField
          label="Subscription"
          name="subscription"
          className="filter-field"
          options={[{ value: '', label: 'All contacts' }, ...SUBSCRIPTIONS]}
          value={filters.subscription ?? ''}
          onChange={(e) => setFilters({ ...filters, subscription: SUBSCRIPTIONS.find((s) => s.value === e.target.value)?.value })}
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
