import { type DayRange, dayRangeFilter, dayRangeReaders, describeDayRange, describeSearch, oneOf, searchReader, urlFilters } from '../../app/url-filters';
import type { BroadcastFilter } from '../../gql/graphql';
import type { ExportFilterLabel, ExportFilters } from '../exports';

export const BROADCAST_STATUSES = [
  { value: 'draft', label: 'Draft' },
  { value: 'sent', label: 'Sent' },
] as const;

export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number]['value'];

/** As the URL holds them: `/broadcasts?q=newsletter&status=sent&from=2026-01-01&to=2026-01-31`. */
export type BroadcastFilters = DayRange & {
  /** Part of the name or the subject */
  q?: string;
  status?: BroadcastStatus;
};

export const broadcastUrlFilters = urlFilters<BroadcastFilters>({ q: searchReader, status: oneOf(BROADCAST_STATUSES), ...dayRangeReaders });

/** The `broadcasts(filter:)` argument, which is also what an export of these broadcasts takes. */
export function toBroadcastFilter(filters: BroadcastFilters): BroadcastFilter & ExportFilters {
  const out: BroadcastFilter & ExportFilters = {};
  if (filters.q) out.search = filters.q;
  if (filters.status) out.status = filters.status;
  return Object.assign(out, dayRangeFilter(filters));
}

export function describeBroadcastFilters(filters: BroadcastFilters): ExportFilterLabel[] {
  const out: ExportFilterLabel[] = describeSearch(filters.q);
  const status = BROADCAST_STATUSES.find((s) => s.value === filters.status);
  if (status) out.push({ filter: 'status', label: 'Status', value: status.label });
  return [...out, ...describeDayRange(filters)];
}
