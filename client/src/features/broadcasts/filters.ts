import type { BroadcastFilter } from '../../gql/graphql';
import { type Day, dayEnd, dayStart, formatDay, parseDay } from '../../ui/DateRangeFields';
import type { ExportFilterLabel, ExportFilters } from '../exports';

export const BROADCAST_STATUSES = [
  { value: 'draft', label: 'Draft' },
  { value: 'sent', label: 'Sent' },
] as const;

export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number]['value'];

/** As the URL holds them: `/broadcasts?status=sent&from=2026-01-01&to=2026-01-31`. */
export type BroadcastFilters = { status?: BroadcastStatus; from?: Day; to?: Day };

const toStatus = (value: string | null) => BROADCAST_STATUSES.find((s) => s.value === value)?.value;

export function readBroadcastFilters(params: URLSearchParams): BroadcastFilters {
  return { status: toStatus(params.get('status')), from: parseDay(params.get('from')), to: parseDay(params.get('to')) };
}

export function broadcastFiltersSearch(filters: BroadcastFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['status', 'from', 'to'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return params;
}

/** The `broadcasts(filter:)` argument, which is also what an export of these broadcasts takes. */
export function toBroadcastFilter(filters: BroadcastFilters): BroadcastFilter & ExportFilters {
  const out: BroadcastFilter & ExportFilters = {};
  if (filters.status) out.status = filters.status;
  if (filters.from) out.from = dayStart(filters.from);
  if (filters.to) out.to = dayEnd(filters.to);
  return out;
}

export function describeBroadcastFilters(filters: BroadcastFilters): ExportFilterLabel[] {
  const out: ExportFilterLabel[] = [];
  const status = BROADCAST_STATUSES.find((s) => s.value === filters.status);
  if (status) out.push({ filter: 'status', label: 'Status', value: status.label });
  if (filters.from) out.push({ filter: 'from', label: 'From', value: formatDay(filters.from) });
  if (filters.to) out.push({ filter: 'to', label: 'To', value: formatDay(filters.to) });
  return out;
}
