import { useState } from 'react';
import { FilterSelect, ListFilters } from '../../app/ListFilters';
import { ListState } from '../../app/ListState';
import { usePageTitle } from '../../app/page-title';
import { useIsAdmin } from '../../app/session';
import { useUrlFilters } from '../../app/url-filters';
import { useCursorList } from '../../app/useCursorList';
import type { EmailsTable_EmailFragment } from '../../gql/graphql';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';
import { ApiKeyFilterField, useApiKeyFilterKeys } from '../api-keys';
import { ExportButton } from '../exports';
import { EmailsTable } from './components/EmailsTable';
import { EmailsPageQuery } from './documents';
import { describeEmailFilters, EMAIL_STATUSES, emailUrlFilters, toEmailFilter } from './filters';
import { useCancelEmailMutation } from './hooks/useCancelEmailMutation';
import { UserText } from '../../ui/UserText';

const PAGE_SIZE = 50;

export function EmailsPage() {
  usePageTitle('Emails');
  const { filters, setFilters, filtered, params } = useUrlFilters(emailUrlFilters);
  const filter = toEmailFilter(filters);
  // Statuses move on (scheduled, queued, then sent or failed) while the tab is hidden.
  const list = useCursorList(EmailsPageQuery, { variables: { filter, first: PAGE_SIZE }, connection: (d) => d.emails, refreshWhenShown: true });
  const { keys, keyName } = useApiKeyFilterKeys();
  const isAdmin = useIsAdmin();
  const [canceling, setCanceling] = useState<EmailsTable_EmailFragment | null>(null);
  const { cancelEmail, loading: cancelLoading } = useCancelEmailMutation();
  return (
    <>
      <PageHeader
        title="Emails"
        description="The emails your API keys have sent or scheduled, newest first."
        actions={<ExportButton input={{ resource: 'EMAILS', emails: filter }} filterLabels={describeEmailFilters(filters, keyName)} />}
      />
      <ListFilters noun="emails" filters={filters} onChange={setFilters} searchPlaceholder="Subject or address" dateErrors={list.fieldErrors}>
        <ApiKeyFilterField
          keys={keys}
          value={filters.apiKeyId}
          onChange={(apiKeyId) => setFilters({ ...filters, apiKeyId })}
          refused={Boolean(list.fieldErrors.apiKeyId)}
        />
        <FilterSelect
          label="Status"
          name="status"
          all="All statuses"
          options={EMAIL_STATUSES}
          value={filters.status}
          onChange={(status) => setFilters({ ...filters, status })}
        />
      </ListFilters>
      <ListState
        list={list}
        noun="emails"
        filtered={filtered}
        onClearFilters={() => setFilters({})}
        empty={
          <EmptyState title="No emails yet">
            <p>
              Emails sent through the API with <code className="mono">POST /api/emails</code> show up here.
            </p>
          </EmptyState>
        }
        // A status or a search, which no index serves, stops after a budget of emails and says how far back it got.
        searchedUntil={{ at: list.data?.emails.searchedUntil, older: 'emails' }}
      >
        {(emails) => <EmailsTable emails={emails} search={params.toString()} onCancel={isAdmin ? setCanceling : undefined} />}
      </ListState>
      <ConfirmDialog
        open={canceling !== null}
        onOpenChange={(open) => !open && setCanceling(null)}
        title="Cancel scheduled email"
        description={
          <>
            <strong dir="auto">{canceling?.subject}</strong> to <UserText>{canceling?.to.join(', ')}</UserText> will not be sent. This cannot be undone.
          </>
        }
        confirmLabel="Cancel email"
        cancelLabel="Keep it"
        loading={cancelLoading}
        onConfirm={async () => {
          if (canceling && (await cancelEmail(canceling))) setCanceling(null);
        }}
      />
    </>
  );
}
