import { Link } from 'react-router';
import { useThresholds } from '../../../app/session';
import type { ApiKeysTable_ApiKeyFragment } from '../../../gql/graphql';
import { Badge } from '../../../ui/Badge';
import { menuColumn } from '../../../ui/Menu';
import { RelativeTime } from '../../../ui/RelativeTime';
import { type Column, Table } from '../../../ui/Table';
import { PERMISSION_LABEL } from '../labels';
import { Expiry } from './Expiry';
import { LastUsed } from './LastUsed';
import { PreviousToken } from './PreviousToken';
import { RequestsLink } from './RequestsLink';
import { RecentUsage } from './Sparkline';
import { UsageStatusDot } from './UsageStatus';

type ApiKey = ApiKeysTable_ApiKeyFragment;

export type ApiKeyRowActions = {
  onEdit: (apiKey: ApiKey) => void;
  onRoll: (apiKey: ApiKey) => void;
  onRemove: (apiKey: ApiKey) => void;
  onDisable: (apiKey: ApiKey) => void;
  onEnable: (apiKey: ApiKey) => void;
};

export const tokenPreview = (tokenStart: string) => `${tokenStart}…`;

export function InactiveMarker() {
  const { inactiveAfterDays: days } = useThresholds();
  return (
    <span className="inactive-marker" title={`Not used for ${days} days: consider removing it`}>
      <Badge tone="yellow">Unused for {days} days</Badge>
    </span>
  );
}

export function DisabledMarker() {
  return (
    <span className="inactive-marker" title="Requests with this key are refused until it is enabled again">
      <Badge tone="red">Disabled</Badge>
    </span>
  );
}

export function DomainCell({ apiKey }: { apiKey: Pick<ApiKey, 'permission' | 'domain'> }) {
  if (apiKey.permission === 'FULL_ACCESS') return <span className="muted">—</span>;
  return apiKey.domain ? <span dir="auto">{apiKey.domain.name}</span> : <span className="muted">All domains</span>;
}

export type RecentUsageOf = (id: string) => { recentRequests: readonly number[]; recentErrorRate?: number | null } | undefined;

export function ApiKeysTable({
  apiKeys,
  actions,
  recentUsage,
}: {
  apiKeys: readonly ApiKey[];
  /** Each key's last 7 days, once loaded. */
  recentUsage?: RecentUsageOf;
  /** Absent for members, who may not change keys. */
  actions?: ApiKeyRowActions;
}) {
  const columns: Column<ApiKey>[] = [
    {
      header: 'Name',
      cell: (k) => (
        <span className="key-name">
          <UsageStatusDot status={k.usageStatus} />
          {/* The markers go under the name when the column is tight, not past the table's edge. */}
          <span className="key-name-text">
            <Link to={`/api-keys/${encodeURIComponent(k.id)}`} className="cell-strong key-link" dir="auto">
              {k.name}
            </Link>
            {!k.enabled && <DisabledMarker />}
            {k.usageStatus === 'INACTIVE' && <InactiveMarker />}
          </span>
        </span>
      ),
    },
    {
      header: 'Token',
      cell: (k) => (
        <span className="token-cell">
          <code className="mono token-start">{tokenPreview(k.tokenStart)}</code>
          <PreviousToken apiKey={k} canExpire={Boolean(actions)} />
        </span>
      ),
    },
    {
      header: 'Permission',
      cell: (k) => <Badge tone={k.permission === 'FULL_ACCESS' ? 'blue' : 'neutral'}>{PERMISSION_LABEL[k.permission]}</Badge>,
    },
    { header: 'Domain', cell: (k) => <DomainCell apiKey={k} /> },
    { header: 'Last used', cell: (k) => <LastUsed value={k.lastUsedAt} /> },
    { header: 'Requests', align: 'right', cell: (k) => <RequestsLink apiKey={k} /> },
    {
      header: 'Last 7 days',
      cell: (k) => {
        const usage = recentUsage?.(k.id);
        return usage ? <RecentUsage requests={usage.recentRequests} errorRate={usage.recentErrorRate} /> : <span className="muted">…</span>;
      },
    },
    // One column for both dates, one under the other: ten columns did not fit a 1280 px screen
    // (Created and Expires were under the row's menu, out of view).
    {
      header: 'Created · Expires',
      cell: (k) => (
        <span className="key-dates">
          <RelativeTime value={k.createdAt} />
          <Expiry value={k.expiresAt} />
        </span>
      ),
    },
  ];
  if (actions) {
    columns.push(
      menuColumn(
        // Names need not be unique: the token start tells two "Production" menus apart.
        (k) => `${k.name} (${tokenPreview(k.tokenStart)})`,
        (k) => [
          { label: 'Edit API key', onSelect: () => actions.onEdit(k) },
          { label: 'Roll API key', onSelect: () => actions.onRoll(k) },
          k.enabled ? { label: 'Disable API key', onSelect: () => actions.onDisable(k) } : { label: 'Enable API key', onSelect: () => actions.onEnable(k) },
          { label: 'Remove API key', tone: 'danger', onSelect: () => actions.onRemove(k) },
        ],
        { sticky: true },
      ),
    );
  }
  return (
    <div className="api-keys-table">
      <Table label="API keys" columns={columns} rows={apiKeys} rowKey={(k) => k.id} cards />
    </div>
  );
}
