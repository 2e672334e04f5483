import { anyValue, type DayRange, dayRangeFilter, dayRangeReaders, describeDayRange, describeSearch, oneOf, searchReader, urlFilters } from '../../app/url-filters';
import type { EmailFilter } from '../../gql/graphql';
import { describeApiKeyFilter } from '../api-keys';
import type { ExportFilterLabel, ExportFilters } from '../exports';

export const EMAIL_STATUSES = [
  { value: 'scheduled', label: 'Scheduled' },
  { value: 'queued', label: 'Queued' },
  { value: 'sent', label: 'Sent' },
  { value: 'failed', label: 'Failed' },
  { value: 'canceled', label: 'Canceled' },
] as const;

export type EmailStatus = (typeof EMAIL_STATUSES)[number]['value'];

/** As the URL holds them: `/emails?q=invoice&apiKeyId=…&status=sent&from=2026-01-01&to=2026-01-31`. */
export type EmailFilters = DayRange & {
  /** Part of the subject, the sender or a recipient */
  q?: string;
  apiKeyId?: string;
  status?: EmailStatus;
};

export const emailUrlFilters = urlFilters<EmailFilters>({
  q: searchReader,
  apiKeyId: anyValue,
  status: oneOf(EMAIL_STATUSES),
  ...dayRangeReaders,
});

/** The `emails(filter:)` argument, which is also what an export of these emails takes. */
export function toEmailFilter(filters: EmailFilters): EmailFilter & ExportFilters {
  const out: EmailFilter & ExportFilters = {};
  if (filters.q) out.search = filters.q;
  if (filters.apiKeyId) out.apiKeyId = filters.apiKeyId;
  if (filters.status) out.status = filters.status;
  return Object.assign(out, dayRangeFilter(filters));
}

export function describeEmailFilters(filters: EmailFilters, keyName: (id: string) => string | undefined): ExportFilterLabel[] {
  const out: ExportFilterLabel[] = describeSearch(filters.q);
  out.push(...describeApiKeyFilter(filters.apiKeyId, keyName));
  const status = EMAIL_STATUSES.find((s) => s.value === filters.status);
  if (status) out.push({ filter: 'status', label: 'Status', value: status.label });
  return [...out, ...describeDayRange(filters)];
}
