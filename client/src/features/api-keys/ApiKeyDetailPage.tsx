import { useQuery } from '@apollo/client/react';
import { format, parseISO } from 'date-fns';
import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { queryErrorMessage, splitErrors } from '../../app/errors';
import { usePageTitle } from '../../app/page-title';
import { useIsAdmin, useThresholds } from '../../app/session';
import { useRouteId } from '../../app/url-filters';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState, Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { DisabledMarker, DomainCell, InactiveMarker, tokenPreview } from './components/ApiKeysTable';
import { Expiry } from './components/Expiry';
import { InactiveNotice } from './components/InactiveNotice';
import { LastUsed } from './components/LastUsed';
import { PreviousToken } from './components/PreviousToken';
import { RecentRequests } from './components/RecentRequests';
import { emailsHref, logsHref, RequestsLink } from './components/RequestsLink';
import { UsageChart } from './components/UsageChart';
import { UsageStatusDot } from './components/UsageStatus';
import { ApiKeyDetailQuery } from './documents';
import { useApiKeyActions } from './hooks/useApiKeyActions';
import { PERMISSION_LABEL, USAGE_STATUS } from './labels';
import { LIVE } from './live';
import { isolate, UserText } from '../../ui/UserText';

const RECENT = 20;

const exact = (value: string) => format(parseISO(value), 'PPpp');

export function ApiKeyDetailPage() {
  const id = useRouteId();
  const isAdmin = useIsAdmin();
  const { inactiveAfterDays } = useThresholds();
  const navigate = useNavigate();
  const actions = useApiKeyActions({ onRemoved: () => navigate('/api-keys', { replace: true }) });
  const { data, loading, error, refetch } = useQuery(ApiKeyDetailQuery, {
    variables: { id },
    fetchPolicy: 'cache-and-network',
    ...LIVE,
  });
  const apiKey = data?.apiKey;
  usePageTitle(apiKey ? `${isolate(apiKey.name)} · API Keys` : 'API key');

  const back = (
    <Link to="/api-keys" className="back-link">
      ← API Keys
    </Link>
  );

  if (!data && loading) {
    return (
      <>
        {back}
        <PageHeader title="API key" />
        <Loading label="Loading API key" />
      </>
    );
  }
  // A mistyped id (the logs' filter refuses it) is a key that does not exist, not an error to retry.
  const mistypedId = Boolean(error) && splitErrors(error, ['apiKeyId'] as const).fieldErrors.apiKeyId !== undefined;
  if (!data && error && !mistypedId) {
    return (
      <>
        {back}
        <PageHeader title="API key" />
        <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />
      </>
    );
  }
  if (!apiKey) {
    return (
      <>
        {back}
        <PageHeader title="API key not found" />
        <EmptyState title="This key does not exist">
          <p>It may have been removed. Go back to the list of API keys.</p>
        </EmptyState>
      </>
    );
  }

  const logs = (data?.usageLogs.edges ?? []).slice(0, RECENT).map((e) => e.node);
  const details: { term: string; details: ReactNode }[] = [
    {
      term: 'Token',
      details: (
        <span className="token-cell">
          <code className="mono">{tokenPreview(apiKey.tokenStart)}</code>
          <PreviousToken apiKey={apiKey} canExpire={isAdmin} />
        </span>
      ),
    },
    {
      term: 'Permission',
      details: <Badge tone={apiKey.permission === 'FULL_ACCESS' ? 'blue' : 'neutral'}>{PERMISSION_LABEL[apiKey.permission]}</Badge>,
    },
    { term: 'Domain', details: <DomainCell apiKey={apiKey} /> },
    {
      term: 'Status',
      details: (
        <span className="key-name">
          <UsageStatusDot status={apiKey.usageStatus} />
          {USAGE_STATUS[apiKey.usageStatus].label}
          {!apiKey.enabled && <DisabledMarker />}
          {apiKey.usageStatus === 'INACTIVE' && <InactiveMarker />}
        </span>
      ),
    },
    { term: 'Last used', details: <LastUsed value={apiKey.lastUsedAt} /> },
    { term: 'Total requests', details: <RequestsLink apiKey={apiKey} /> },
    {
      term: 'Created',
      details: (
        <span>
          <time dateTime={apiKey.createdAt}>{exact(apiKey.createdAt)}</time>
          {apiKey.createdBy && (
            <span className="muted">
              {' '}
              by <UserText>{apiKey.createdBy.email}</UserText>
            </span>
          )}
        </span>
      ),
    },
    { term: 'Expires', details: <Expiry value={apiKey.expiresAt} /> },
  ];

  return (
    <>
      {back}
      <PageHeader
        title={<UserText>{apiKey.name}</UserText>}
        actions={
          isAdmin ? (
            <>
              <Button onClick={() => actions.onEdit(apiKey)}>Edit</Button>
              <Button onClick={() => actions.onRoll(apiKey)}>Roll</Button>
              {apiKey.enabled ? (
                <Button onClick={() => actions.onDisable(apiKey)}>Disable</Button>
              ) : (
                <Button onClick={() => actions.onEnable(apiKey)}>Enable</Button>
              )}
              <Button variant="danger" onClick={() => actions.onRemove(apiKey)}>
                Remove
              </Button>
            </>
          ) : null
        }
      />
      {!apiKey.enabled && (
        <aside className="notice notice-warning" aria-label="Disabled key">
          <p>This key is disabled: its requests are refused with “This API key is disabled.” until an admin enables it.</p>
        </aside>
      )}
      {apiKey.usageStatus === 'INACTIVE' && (
        <InactiveNotice count={1} message={`This key has not been used for ${inactiveAfterDays} days. Consider removing it.`} />
      )}
      <dl className="key-details" aria-label="Key details">
        {details.map((d) => (
          <div key={d.term} className="key-details-row">
            <dt>{d.term}</dt>
            <dd>{d.details}</dd>
          </div>
        ))}
      </dl>
      <section className="section" aria-labelledby="usage-heading">
        <h2 id="usage-heading" className="section-title">
          Usage, last 30 days
        </h2>
        <UsageChart buckets={apiKey.usage} />
      </section>
      <section className="section" aria-labelledby="requests-heading">
        <div className="section-heading-row">
          <h2 id="requests-heading" className="section-title">
            Latest requests
          </h2>
          <span className="section-links">
            <Link to={logsHref(apiKey.id)}>View all in Logs</Link>
            <Link to={emailsHref(apiKey.id)}>Emails sent</Link>
          </span>
        </div>
        <RecentRequests logs={logs} />
      </section>
      {isAdmin && actions.dialogs}
    </>
  );
}
