import { ListState } from '../../app/ListState';
import { useUrlFilters } from '../../app/url-filters';
import { useCursorList } from '../../app/useCursorList';
import { DateRangeFields } from '../../ui/DateRangeFields';
import { EmptyState } from '../../ui/EmptyState';
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
  const list = useCursorList(ContactsPageQuery, { variables: { filter, first: PAGE_SIZE }, connection: (d) => d.contacts });

  return (
    <>
      <PageHeader
        title="Contacts"
        description="The people your team sends broadcasts to, newest first."
        actions={<ExportButton input={{ resource: 'CONTACTS', contacts: filter }} filterLabels={describeContactFilters(filters)} />}
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
          errors={list.fieldErrors}
        />
      </fieldset>
      <ListState
        list={list}
        noun="contacts"
        filtered={filtered}
        onClearFilters={() => setFilters({})}
        empty={
          <EmptyState title="No contacts yet">
            <p>
              Contacts created through the API with <code className="mono">POST /api/contacts</code> show up here.
            </p>
          </EmptyState>
        }
      >
        {(contacts) => <ContactsTable contacts={contacts} />}
      </ListState>
    </>
  );
}
