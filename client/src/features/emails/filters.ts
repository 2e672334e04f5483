import type { EmailFilter } from '../../gql/graphql';
import { type Day, dayEnd, dayStart, formatDay, parseDay } from '../../ui/DateRangeFields';
import type { ExportFilterLabel, ExportFilters } from '../exports';

/** As the URL holds them: `/emails?status=sent&from=2026-01-01&to=2026-01-31`. */
export type EmailFilters = { status?: EmailStatus; from?: Day; to?: Day };

export const EMAIL_STATUSES = [
  { value: 'queued', label: 'Queued' },
  { value: 'sent', label: 'Sent' },
  { value: 'failed', label: 'Failed' },
] as const;

export type EmailStatus = (typeof EMAIL_STATUSES)[number]['value'];

const toStatus = (value: string | null) => EMAIL_STATUSES.find((s) => s.value === value)?.value;

export function readEmailFilters(params: URLSearchParams): EmailFilters {
  return { status: toStatus(params.get('status')), from: parseDay(params.get('from')), to: parseDay(params.get('to')) };
}

export function emailFiltersSearch(filters: EmailFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['status', 'from', 'to'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return params;
}

/** The `emails(filter:)` argument, which is also what an export of these emails takes. */
export function toEmailFilter(filters: EmailFilters): EmailFilter & ExportFilters {
  const out: EmailFilter & ExportFilters = {};
  if (filters.status) out.status = filters.status;
  if (filters.from) out.from = dayStart(filters.from);
  if (filters.to) out.to = dayEnd(filters.to);
  return out;
}

export function describeEmailFilters(filters: EmailFilters): ExportFilterLabel[] {
  const out: ExportFilterLabel[] = [];
  const status = EMAIL_STATUSES.find((s) => s.value === filters.status);
  if (status) out.push({ filter: 'status', label: 'Status', value: status.label });
  if (filters.from) out.push({ filter: 'from', label: 'From', value: formatDay(filters.from) });
  if (filters.to) out.push({ filter: 'to', label: 'To', value: formatDay(filters.to) });
  return out;
}
