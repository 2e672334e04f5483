import {
  anyValue,
  type DayRange,
  dayRangeFilter,
  dayRangeReaders,
  describeDayRange,
  describeSearch,
  oneOf,
  searchReader,
  urlFilters,
} from '../../app/url-filters';
import type { EmailFilter, EmailStatus as EmailStatusValue } from '../../gql/graphql';
import { describeApiKeyFilter } from '../api-keys';
import type { ExportFilterLabel } from '../exports';

/** Each of the schema's EmailStatus values in words: a status the schema adds or drops fails to compile here. */
const EMAIL_STATUS_LABELS: Record<EmailStatusValue, string> = {
  SCHEDULED: 'Scheduled',
  QUEUED: 'Queued',
  SENT: 'Sent',
  FAILED: 'Failed',
  CANCELED: 'Canceled',
};

/** The statuses as the URL holds them (`?status=sent`), each with its value in the schema. */
export const EMAIL_STATUSES = Object.entries(EMAIL_STATUS_LABELS).map(([status, label]) => ({
  value: status.toLowerCase(),
  status: status as EmailStatusValue,
  label,
}));

export type EmailStatus = string;

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
export function toEmailFilter(filters: EmailFilters): EmailFilter {
  const out: EmailFilter = {};
  if (filters.q) out.search = filters.q;
  if (filters.apiKeyId) out.apiKeyId = filters.apiKeyId;
  const status = EMAIL_STATUSES.find((s) => s.value === filters.status)?.status;
  if (status) out.emailStatus = status;
  return Object.assign(out, dayRangeFilter(filters));
}

export function describeEmailFilters(filters: EmailFilters, keyName: (id: string) => string | undefined): ExportFilterLabel[] {
  const out: ExportFilterLabel[] = describeSearch(filters.q);
  out.push(...describeApiKeyFilter(filters.apiKeyId, keyName));
  const status = EMAIL_STATUSES.find((s) => s.value === filters.status);
  if (status) out.push({ filter: 'status', label: 'Status', value: status.label });
  return [...out, ...describeDayRange(filters)];
}
