import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { type ReactNode, useState } from 'react';
import { queryErrorMessage, reportErrors, splitErrors } from '../../app/errors';
import { useIsAdmin } from '../../app/session';
import { useUrlFilters } from '../../app/url-filters';
import type { EmailsTable_EmailFragment } from '../../gql/graphql';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { DateRangeFields } from '../../ui/DateRangeFields';
import { EmptyState } from '../../ui/EmptyState';
import { LoadMore } from '../../ui/LoadMore';
import { ErrorState, Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { SearchField } from '../../ui/SearchField';
import { SelectField } from '../../ui/SelectField';
import { ApiKeyFilterField, useApiKeyFilterKeys } from '../api-keys';
import { ExportButton } from '../exports';
import { EmailsTable } from './components/EmailsTable';
import { EmailsPageQuery } from './documents';
import { useCancelEmailMutation } from './hooks/useCancelEmailMutation';
import { describeEmailFilters, EMAIL_STATUSES, emailUrlFilters, toEmailFilter } from './filters';

const PAGE_SIZE = 50;

export function EmailsPage() {
  const { filters, setFilters, filtered, params } = useUrlFilters(emailUrlFilters);
  const filter = toEmailFilter(filters);
  const { data, loading, error, refetch, fetchMore, networkStatus } = useQuery(EmailsPageQuery, {
    variables: { filter, first: PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  const { keys, keyName } = useApiKeyFilterKeys();
  const isAdmin = useIsAdmin();
  const [canceling, setCanceling] = useState<EmailsTable_EmailFragment | null>(null);
  const { cancelEmail, loading: cancelLoading } = useCancelEmailMutation();
  const emails = data?.emails.edges.map((e) => e.node) ?? [];
  const { fieldErrors } = error ? splitErrors(error, ['from', 'to'] as const) : { fieldErrors: {} };

  const loadMore = async () => {
    try {
      await fetchMore({ variables: { after: data?.emails.pageInfo.endCursor } });
    } catch (e) {
      reportErrors(e);
    }
  };

  let body: ReactNode;
  if (loading && !data) body = <Loading label="Loading emails" />;
  else if (error && !data) {
    body = Object.keys(fieldErrors).length ? null : (
      <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />
    );
  } else if (emails.length === 0) {
    body = filtered ? (
      <EmptyState title="No emails match these filters" action={<Button onClick={() => setFilters({})}>Clear filters</Button>} />
    ) : (
      <EmptyState title="No emails yet">
        <p>
          Emails sent through the API with <code className="mono">POST /api/emails</code> show up here.
        </p>
      </EmptyState>
    );
  } else {
    body = (
      <>
        <EmailsTable emails={emails} search={params.toString()} onCancel={isAdmin ? setCanceling : undefined} />
        <LoadMore
          shown={emails.length}
          noun="emails"
          hasMore={data?.emails.pageInfo.hasNextPage ?? false}
          loading={networkStatus === NetworkStatus.fetchMore}
          onLoadMore={loadMore}
        />
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Emails"
        description="The emails your API keys have sent or scheduled, newest first."
        actions={<ExportButton resource="EMAILS" filters={filter} filterLabels={describeEmailFilters(filters, keyName)} />}
      />
      <fieldset className="filters">
        <legend className="sr-only">Filter emails</legend>
        <SearchField
          label="Search"
          placeholder="Subject or address"
          value={filters.q}
          onSearch={(q) => setFilters({ ...filters, q })}
        />
        <ApiKeyFilterField keys={keys} value={filters.apiKeyId} onChange={(apiKeyId) => setFilters({ ...filters, apiKeyId })} />
        <SelectField
          label="Status"
          name="status"
          className="filter-field"
          options={[{ value: '', label: 'All statuses' }, ...EMAIL_STATUSES]}
          value={filters.status ?? ''}
          onChange={(e) => setFilters({ ...filters, status: EMAIL_STATUSES.find((s) => s.value === e.target.value)?.value })}
        />
        <DateRangeFields
          from={filters.from}
          to={filters.to}
          onChange={(range) => setFilters({ ...filters, ...range })}
          errors={fieldErrors}
        />
      </fieldset>
      {body}
      <ConfirmDialog
        open={canceling !== null}
        onOpenChange={(open) => !open && setCanceling(null)}
        title="Cancel scheduled email"
        description={
          <>
            <strong>{canceling?.subject}</strong> to {canceling?.to.join(', ')} will not be sent. This cannot be undone.
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
