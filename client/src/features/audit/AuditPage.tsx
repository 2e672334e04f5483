import { ListState } from '../../app/ListState';
import { usePageTitle } from '../../app/page-title';
import { useCurrentUser } from '../../app/session';
import { useCursorList } from '../../app/useCursorList';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';
import { useApiKeyFilterKeys } from '../api-keys';
import { AuditTable } from './components/AuditTable';
import { AuditPageQuery } from './documents';

const PAGE_SIZE = 50;
const DESCRIPTION = "Who did what to your team's keys, domains, members and exports, and when, newest first. Never a secret.";

export function AuditPage() {
  usePageTitle('Audit log');
  const me = useCurrentUser();
  return (
    <>
      <PageHeader title="Audit log" description={DESCRIPTION} />
      {me.role === 'ADMIN' ? (
        <AuditList />
      ) : (
        <EmptyState title="Only admins can see the audit log">
          <p>Ask an admin of your team.</p>
        </EmptyState>
      )}
    </>
  );
}

function AuditList() {
  // Teammates act while the tab is hidden.
  const list = useCursorList(AuditPageQuery, { variables: { first: PAGE_SIZE }, connection: (d) => d.auditEvents, refreshWhenShown: true });
  const { keyName } = useApiKeyFilterKeys();
  return (
    <ListState
      list={list}
      noun="events"
      empty={
        <EmptyState title="Nothing yet">
          <p>Creating, editing or removing a key, a domain, a member or an export is recorded here.</p>
        </EmptyState>
      }
    >
      {(events) => <AuditTable events={events} keyName={keyName} />}
    </ListState>
  );
}
