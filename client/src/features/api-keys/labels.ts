import { DATE_RANGE_LABELS, describeFilter, type FieldLabel, type FilterLabels, SEARCH_LABEL } from '../../app/filter-labels';
import type { FilterLabel } from '../../app/url-filters';
import type { ApiKeyFilter, Permission, UsageStatus } from '../../gql/graphql';

export const PERMISSION_LABEL: Record<Permission, string> = {
  FULL_ACCESS: 'Full access',
  SENDING_ACCESS: 'Sending access',
};

export const PERMISSION_OPTIONS = [
  { value: 'FULL_ACCESS', label: 'Full access', description: 'Create, delete, get and update any resource.' },
  { value: 'SENDING_ACCESS', label: 'Sending access', description: 'Only send emails, optionally from one domain.' },
] as const satisfies readonly { value: Permission; label: string; description: string }[];

/** Each status in words; descriptions take the server's `inactiveAfterDays` (useThresholds). */
export const USAGE_STATUS: Record<UsageStatus, { label: string; description: (inactiveAfterDays: number) => string; tone: 'green' | 'amber' | 'grey' }> = {
  ACTIVE: { label: 'Active', description: (days) => `Used in the last ${days} days`, tone: 'green' },
  INACTIVE: { label: 'Inactive', description: (days) => `Unused for ${days}+ days`, tone: 'amber' },
  NEVER_USED: { label: 'Never used', description: () => 'No requests yet', tone: 'grey' },
};

/** The health cards, each a filter of the list, named in the URL (`?health=inactive`). */
export const HEALTH_FILTERS = [
  { id: 'never-used', label: 'Never used', count: 'neverUsed', filter: { usageStatus: 'NEVER_USED' } },
  { id: 'inactive', label: 'Inactive', count: 'inactive', filter: { usageStatus: 'INACTIVE' } },
  { id: 'full-access', label: 'Full access', count: 'fullAccess', filter: { permission: 'FULL_ACCESS' } },
  { id: 'expiring-soon', label: 'Expiring soon', count: 'expiringSoon', filter: { expiringSoon: true } },
  { id: 'disabled', label: 'Disabled', count: 'disabled', filter: { enabled: false } },
] as const satisfies readonly {
  id: string;
  label: string;
  count: 'neverUsed' | 'inactive' | 'fullAccess' | 'expiringSoon' | 'disabled';
  filter: ApiKeyFilter;
}[];

export type HealthFilterId = (typeof HEALTH_FILTERS)[number]['id'];

export const healthFilter = (id: string | null) => HEALTH_FILTERS.find((f) => f.id === id);

/** The GraphQL filter for a health card and a search; `{}` for the whole list. */
export function toApiKeyFilter(health: string | null, search: string): ApiKeyFilter {
  const q = search.trim();
  return { ...(healthFilter(health)?.filter ?? {}), ...(q ? { search: q } : {}) };
}

/** The grace periods a roll offers, in seconds. */
export const GRACE_PERIODS = [
  { value: 0, label: 'Now', description: 'The old token stops working at once.' },
  { value: 3_600, label: 'In 1 hour', description: 'The old token keeps working for 1 hour.' },
  { value: 86_400, label: 'In 24 hours', description: 'The old token keeps working for 24 hours.' },
  { value: 604_800, label: 'In 7 days', description: 'The old token keeps working for 7 days.' },
] as const;

export const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** A filter's key that is not (or no longer) in the team's list. */
export const DELETED_KEY_FILTER = 'A deleted key';

/** The "API key" filter of a list (Emails, Logs) in words: the key's name, or that it is gone. */
export const API_KEY_FILTER_LABEL: FieldLabel = { label: 'API key', value: (id, keyName) => keyName(String(id)) ?? DELETED_KEY_FILTER };

/** The API Keys list's filter in words: its export dialog and its exports on the Exports page. */
export const API_KEY_FILTER_LABELS: FilterLabels<ApiKeyFilter> = {
  permission: { label: 'Permission', value: (v) => PERMISSION_LABEL[v as Permission] ?? String(v) },
  usageStatus: { label: 'Usage', value: (v) => USAGE_STATUS[v as UsageStatus]?.label ?? String(v) },
  expiringSoon: { label: 'Expiry', value: (v) => (v === true ? 'Expiring soon' : v === false ? 'Not expiring soon' : undefined) },
  enabled: { label: 'State', value: (v) => (v ? 'Enabled' : 'Disabled') },
  search: SEARCH_LABEL,
  ...DATE_RANGE_LABELS,
};

export const describeApiKeyFilters = (filter: ApiKeyFilter): FilterLabel[] => describeFilter(API_KEY_FILTER_LABELS, filter);
