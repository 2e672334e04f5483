import { FilterSelect, ListFilters } from '../../app/ListFilters';
import { ListState } from '../../app/ListState';
import { usePageTitle } from '../../app/page-title';
import { useUrlFilters } from '../../app/url-filters';
import { useCursorList } from '../../app/useCursorList';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';
import { ExportButton } from '../exports';
import { ContactsTable } from './components/ContactsTable';
import { ContactsPageQuery } from './documents';
import { contactUrlFilters, describeContactFilters, SUBSCRIPTIONS, toContactFilter } from './filters';

const PAGE_SIZE = 50;

export function ContactsPage() {
  usePageTitle('Contacts');
  const { filters, setFilters, filtered } = useUrlFilters(contactUrlFilters);
  const filter = toContactFilter(filters);
  // Contacts are added and unsubscribe through the API while the tab is hidden.
  const list = useCursorList(ContactsPageQuery, { variables: { filter, first: PAGE_SIZE }, connection: (d) => d.contacts, refreshWhenShown: true });

  return (
    <>
      <PageHeader
        title="Contacts"
        description="The people your team sends broadcasts to, newest first."
        actions={<ExportButton input={{ resource: 'CONTACTS', contacts: filter }} filterLabels={describeContactFilters(filters)} />}
      />
      <ListFilters noun="contacts" filters={filters} onChange={setFilters} searchPlaceholder="Email or name" dateErrors={list.fieldErrors}>
        <FilterSelect
          label="Subscription"
          name="subscription"
          all="All contacts"
          options={SUBSCRIPTIONS}
          value={filters.subscription}
          onChange={(subscription) => setFilters({ ...filters, subscription })}
        />
      </ListFilters>
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
