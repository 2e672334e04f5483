import type { ExportFilterLabel, ExportFilters } from '../exports';
import type { UsageLogFilter } from '../../gql/graphql';
import { type Day, dayEnd, dayStart, formatDay, parseDay } from '../../ui/DateRangeFields';

/** The Logs page filters, as the URL holds them: `/logs?apiKeyId=…&status=4xx&from=2026-01-01&to=2026-01-31`. */
export type LogFilters = {
  apiKeyId?: string;
  /** "2xx", "4xx", "5xx" or a status code like "422". */
  status?: string;
  from?: Day;
  to?: Day;
};

export const STATUS_CLASSES = [
  { value: '2xx', label: '2xx · Success' },
  { value: '4xx', label: '4xx · Client errors' },
  { value: '5xx', label: '5xx · Server errors' },
] as const;

/** The codes the API answers with, offered one by one. */
export const STATUS_CODES = [200, 201, 400, 401, 403, 404, 405, 409, 410, 422, 429, 500] as const;

type ParsedStatus = { statusClass: number } | { statusCode: number } | undefined;

export function parseStatus(status: string | null | undefined): ParsedStatus {
  if (!status) return undefined;
  const cls = /^([1-5])xx$/.exec(status);
  if (cls) return { statusClass: Number(cls[1]) };
  if (/^\d{3}$/.test(status)) {
    const code = Number(status);
    if (code >= 100 && code <= 599) return { statusCode: code };
  }
  return undefined;
}

export function readLogFilters(params: URLSearchParams): LogFilters {
  const status = params.get('status') ?? undefined;
  return {
    apiKeyId: params.get('apiKeyId') || undefined,
    status: parseStatus(status) ? status : undefined,
    from: parseDay(params.get('from')),
    to: parseDay(params.get('to')),
  };
}

/** The URL query of the filters, without the empty ones. */
export function logFiltersSearch(filters: LogFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['apiKeyId', 'status', 'from', 'to'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return params;
}

/** The `usageLogs(filter:)` argument; the same object is what an export of these logs takes. */
export function toUsageLogFilter(filters: LogFilters): UsageLogFilter & ExportFilters {
  const out: UsageLogFilter & ExportFilters = {};
  if (filters.apiKeyId) out.apiKeyId = filters.apiKeyId;
  const status = parseStatus(filters.status);
  if (status) Object.assign(out, status);
  if (filters.from) out.from = dayStart(filters.from);
  if (filters.to) out.to = dayEnd(filters.to);
  return out;
}

/** The filters in words, for the export dialog; `filter` names the key the server reports errors under. */
export function describeLogFilters(filters: LogFilters, keyName: (id: string) => string | undefined): ExportFilterLabel[] {
  const out: ExportFilterLabel[] = [];
  if (filters.apiKeyId) out.push({ filter: 'apiKeyId', label: 'API key', value: keyName(filters.apiKeyId) ?? 'A deleted key' });
  const status = parseStatus(filters.status);
  if (status) out.push({ filter: 'statusClass' in status ? 'statusClass' : 'statusCode', label: 'Status', value: filters.status ?? '' });
  if (filters.from) out.push({ filter: 'from', label: 'From', value: formatDay(filters.from) });
  if (filters.to) out.push({ filter: 'to', label: 'To', value: formatDay(filters.to) });
  return out;
}
