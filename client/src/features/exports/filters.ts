import { format, isValid, parseISO } from 'date-fns';
import type { FilterLabel } from '../../app/url-filters';
import type { CreateExportInput } from '../../gql/graphql';

/**
 * What an Export button sends: the resource and its list's own typed filter, the same object the
 * page queries with (`{ resource: 'EMAILS', emails: filter }`).
 */
export type ExportInput = Omit<CreateExportInput, 'filters'>;

/** A stored export's filters, as `Export.filters` answers them: the list's filter as JSON. */
export type ExportFilters = { [filter: string]: string | number | boolean };

/** One filter in words. `filter` is its name, under which the server reports errors (`filters.<name>`). */
export type ExportFilterLabel = FilterLabel;

const date = (value: unknown) => {
  const d = typeof value === 'string' ? parseISO(value) : null;
  return d && isValid(d) ? format(d, 'MMM d, yyyy') : String(value);
};

const WORDS: Record<string, string> = {
  FULL_ACCESS: 'Full access',
  SENDING_ACCESS: 'Sending access',
  NEVER_USED: 'Never used',
  ACTIVE: 'Active',
  INACTIVE: 'Inactive',
};

/** A stored export's filters (its JSON, as the server kept it) in words, in a stable order. */
export function describeExportFilters(filters: unknown, keyName: (id: string) => string | undefined = () => undefined) {
  if (!filters || typeof filters !== 'object' || Array.isArray(filters)) return [];
  const f = filters as Record<string, unknown>;
  const out: ExportFilterLabel[] = [];
  const add = (filter: string, label: string, value: string) => out.push({ filter, label, value });
  if (typeof f.apiKeyId === 'string') add('apiKeyId', 'API key', keyName(f.apiKeyId) ?? `${f.apiKeyId.slice(0, 8)}…`);
  // Typed filters are stored as the server reads them: a status class as its digit, statuses in lower case.
  const statusClass = f.responseClass ?? f.statusClass;
  if (statusClass !== undefined) add('statusClass', 'Status', `${String(statusClass)}xx`);
  if (f.statusCode !== undefined) add('statusCode', 'Status', String(f.statusCode));
  const method = f.httpMethod ?? f.method;
  if (typeof method === 'string') add('method', 'Method', method);
  const status = f.emailStatus ?? f.broadcastStatus ?? f.status;
  if (typeof status === 'string') add('status', 'Status', status.charAt(0).toUpperCase() + status.slice(1).toLowerCase());
  if (typeof f.permission === 'string') add('permission', 'Permission', WORDS[f.permission] ?? f.permission);
  if (typeof f.usageStatus === 'string') add('usageStatus', 'Usage', WORDS[f.usageStatus] ?? f.usageStatus);
  if (f.expiringSoon === true) add('expiringSoon', 'Expiry', 'Expiring soon');
  if (typeof f.enabled === 'boolean') add('enabled', 'State', f.enabled ? 'Enabled' : 'Disabled');
  if (typeof f.search === 'string') add('search', 'Search', `“${f.search}”`);
  if (typeof f.unsubscribed === 'boolean') add('unsubscribed', 'Subscription', f.unsubscribed ? 'Unsubscribed' : 'Subscribed');
  if (f.from !== undefined) add('from', 'From', date(f.from));
  if (f.to !== undefined) add('to', 'To', date(f.to));
  return out;
}

/** "Status: 4xx · From: Jan 1, 2026", or "All rows". */
export const summarizeFilters = (labels: readonly ExportFilterLabel[]): string =>
  labels.length ? labels.map((l) => `${l.label}: ${l.value}`).join(' · ') : 'All rows';
