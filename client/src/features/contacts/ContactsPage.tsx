import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { queryErrorMessage, reportErrors } from '../../app/errors';
import { EmptyState } from '../../ui/EmptyState';
import { LoadMore } from '../../ui/LoadMore';
import { ErrorState, Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { ExportButton } from '../exports';
import { ContactsTable } from './components/ContactsTable';
import { ContactsPageQuery } from './documents';

const PAGE_SIZE = 50;

export function ContactsPage() {
  const { data, loading, error, refetch, fetchMore, networkStatus } = useQuery(ContactsPageQuery, {
    variables: { first: PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  const contacts = data?.contacts.edges.map((e) => e.node) ?? [];

  const loadMore = async () => {
    try {
      await fetchMore({ variables: { after: data?.contacts.pageInfo.endCursor } });
    } catch (e) {
      reportErrors(e);
    }
  };

  let body: ReactNode;
  if (loading && !data) body = <Loading label="Loading contacts" />;
  else if (error && !data) body = <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />;
  else if (contacts.length === 0) {
    body = (
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
        actions={<ExportButton resource="CONTACTS" filters={{}} filterLabels={[]} />}
      />
      {body}
    </>
  );
}
