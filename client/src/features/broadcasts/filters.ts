import { DATE_RANGE_LABELS, describeFilter, type FilterLabels, type FilterValue, SEARCH_LABEL } from '../../app/filter-labels';
import { type DayRange, dayRangeFilter, dayRangeReaders, type FilterLabel, oneOf, searchReader, urlFilters } from '../../app/url-filters';
import type { BroadcastFilter, BroadcastStatus as BroadcastStatusValue } from '../../gql/graphql';

/** Each of the schema's BroadcastStatus values in words: a status the schema adds or drops fails to compile here. */
const BROADCAST_STATUS_LABELS: Record<BroadcastStatusValue, string> = { DRAFT: 'Draft', SENT: 'Sent' };

/** The statuses as the URL holds them (`?status=sent`), each with its value in the schema. */
export const BROADCAST_STATUSES = Object.entries(BROADCAST_STATUS_LABELS).map(([status, label]) => ({
  value: status.toLowerCase(),
  status: status as BroadcastStatusValue,
  label,
}));

export type BroadcastStatus = string;

/** As the URL holds them: `/broadcasts?q=newsletter&status=sent&from=2026-01-01&to=2026-01-31`. */
export type BroadcastFilters = DayRange & {
  /** Part of the name or the subject */
  q?: string;
  status?: BroadcastStatus;
};

export const broadcastUrlFilters = urlFilters<BroadcastFilters>({ q: searchReader, status: oneOf(BROADCAST_STATUSES), ...dayRangeReaders });

/** The `broadcasts(filter:)` argument, which is also what an export of these broadcasts takes. */
export function toBroadcastFilter(filters: BroadcastFilters): BroadcastFilter {
  const out: BroadcastFilter = {};
  if (filters.q) out.search = filters.q;
  const status = BROADCAST_STATUSES.find((s) => s.value === filters.status)?.status;
  if (status) out.broadcastStatus = status;
  return Object.assign(out, dayRangeFilter(filters));
}

const statusLabel = (v: FilterValue) => BROADCAST_STATUSES.find((s) => s.value === String(v).toLowerCase())?.label ?? String(v);

/** The Broadcasts list's filter in words: its export dialog and its exports on the Exports page. */
export const BROADCAST_FILTER_LABELS: FilterLabels<BroadcastFilter> = {
  search: SEARCH_LABEL,
  broadcastStatus: { label: 'Status', value: statusLabel, filter: 'status' },
  status: { label: 'Status', value: statusLabel },
  ...DATE_RANGE_LABELS,
};

export const describeBroadcastFilters = (filters: BroadcastFilters): FilterLabel[] => describeFilter(BROADCAST_FILTER_LABELS, toBroadcastFilter(filters));
