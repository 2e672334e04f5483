import { useQuery } from '@apollo/client/react';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { queryErrorMessage } from '../../app/errors';
import { usePageTitle } from '../../app/page-title';
import { useIsAdmin } from '../../app/session';
import { searchReader, urlFilters, useUrlFilters } from '../../app/url-filters';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState, Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { SEARCH_DELAY_MS } from '../../ui/SearchField';
import { ExportButton } from '../exports';
import { AdminsOnlyNote } from '../team';
import { ApiKeysTable } from './components/ApiKeysTable';
import { CreateApiKeyDialog } from './components/CreateApiKeyDialog';
import { HealthOverview } from './components/HealthOverview';
import { InactiveNotice } from './components/InactiveNotice';
import { UsageStatusLegend } from './components/UsageStatus';
import { ApiKeysPageQuery, ApiKeysRecentUsageQuery } from './documents';
import { useApiKeyActions } from './hooks/useApiKeyActions';
import { describeApiKeyFilters, type HealthFilterId, healthFilter, toApiKeyFilter } from './labels';
import { LIVE } from './live';

/** The health card and the search, as the URL holds them: `/api-keys?health=inactive&q=prod`. */
const apiKeyUrlFilters = urlFilters<{ health?: HealthFilterId; q?: string }>({
  health: (value) => healthFilter(value)?.id,
  q: searchReader,
});

function useListFilters() {
  const { filters, setFilters } = useUrlFilters(apiKeyUrlFilters);
  const update = (next: { health?: HealthFilterId; search?: string }) =>
    setFilters((current) => ({ health: 'health' in next ? next.health : current.health, q: 'search' in next ? next.search : current.q }));
  return { health: filters.health, search: filters.q ?? '', update };
}

export function ApiKeysPage() {
  usePageTitle('API Keys');
  const isAdmin = useIsAdmin();
  const { health, search, update } = useListFilters();
  // Clear filters starts the box afresh: its text, and a search still waiting for a pause, go.
  const [searchBox, setSearchBox] = useState(0);
  const [creating, setCreating] = useState(false);
  const actions = useApiKeyActions();

  const filter = toApiKeyFilter(health ?? null, search);
  const filtered = Object.keys(filter).length > 0;
  const { data, previousData, loading, error, refetch } = useQuery(ApiKeysPageQuery, {
    variables: { filter },
    // Counts and "last used" move on the server with every request made with a key.
    fetchPolicy: 'cache-and-network',
    ...LIVE,
  });
  // While another filter loads, keep showing the last list rather than a spinner.
  const shown = data ?? previousData;
  const usage = useQuery(ApiKeysRecentUsageQuery, { variables: { filter }, fetchPolicy: 'cache-and-network', ...LIVE });
  const usageRows = usage.data ?? usage.previousData;
  const usageById = new Map((usageRows?.apiKeys ?? []).map((k) => [k.id, k]));

  const createButton = isAdmin ? (
    <Button variant="primary" onClick={() => setCreating(true)}>
      Create API Key
    </Button>
  ) : null;

  const clearFilters = () => {
    setSearchBox((n) => n + 1);
    update({ health: undefined, search: '' });
  };

  let body: ReactNode;
  if (!data && error) body = <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />;
  else if (!shown && loading) body = <Loading label="Loading API keys" />;
  else if (shown && shown.apiKeyHealth.total === 0 && !filtered) {
    body = (
      <EmptyState title="No API keys yet" action={createButton}>
        <p>Create a key for each application that sends email, so you can see its use and revoke it on its own.</p>
      </EmptyState>
    );
  } else if (shown) {
    body = (
      <>
        <HealthOverview health={shown.apiKeyHealth} active={health} onSelect={(id) => update({ health: id })} />
        <InactiveNotice count={shown.apiKeyHealth.inactive} onShow={health === 'inactive' ? undefined : () => update({ health: 'inactive' })} />
        <div className="list-toolbar">
          <ApiKeySearch key={searchBox} search={search} onSearch={(value) => update({ search: value })} />
          <UsageStatusLegend />
        </div>
        {shown.apiKeys.length === 0 ? (
          <EmptyState
            title="No API keys match"
            action={
              <Button size="sm" onClick={clearFilters}>
                Clear filters
              </Button>
            }
          >
            <p>Try another search, or show all keys.</p>
          </EmptyState>
        ) : (
          <ApiKeysTable apiKeys={shown.apiKeys} actions={isAdmin ? actions : undefined} recentUsage={(id) => usageById.get(id)} />
        )}
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="API Keys"
        description="Create and manage the keys your applications use to send email."
        actions={
          shown && (shown.apiKeyHealth.total > 0 || filtered) ? (
            <>
              <ExportButton input={{ resource: 'API_KEYS', apiKeys: filter }} filterLabels={describeApiKeyFilters(filter)} />
              {createButton}
            </>
          ) : null
        }
      />
      {!isAdmin && <AdminsOnlyNote what="create, edit, roll, disable or remove keys" />}
      {body}
      {isAdmin && <CreateApiKeyDialog open={creating} onOpenChange={setCreating} />}
      {isAdmin && actions.dialogs}
    </>
  );
}

/**
 * The search box, searching as the user types once they pause. What is typed is the box's own
 * state: held by the page, each keystroke rendered every key's row again, and with the 500 keys a
 * team may hold, typing lagged by over a second a character.
 */
function ApiKeySearch({ search, onSearch }: { search: string; onSearch: (value: string) => void }) {
  const [text, setText] = useState(search);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  // The URL changed under the box (back, forward, a link): show its search.
  useEffect(() => setText(search), [search]);
  return (
    <input
      type="search"
      className="input list-search"
      aria-label="Search API keys"
      placeholder="Search by name or token start"
      value={text}
      onChange={(e) => {
        const value = e.target.value;
        setText(value);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => onSearch(value), SEARCH_DELAY_MS);
      }}
    />
  );
}
