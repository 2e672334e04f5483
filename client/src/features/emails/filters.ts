import { DATE_RANGE_LABELS, describeFilter, type FilterLabels, type FilterValue, SEARCH_LABEL } from '../../app/filter-labels';
import { anyValue, type DayRange, dayRangeFilter, dayRangeReaders, type FilterLabel, oneOf, searchReader, urlFilters } from '../../app/url-filters';
import type { EmailFilter, EmailStatus as EmailStatusValue } from '../../gql/graphql';
import { API_KEY_FILTER_LABEL } from '../api-keys';

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

const statusLabel = (v: FilterValue) => EMAIL_STATUSES.find((s) => s.value === String(v).toLowerCase())?.label ?? String(v);

/** The Emails list's filter in words: its export dialog and its exports on the Exports page. */
export const EMAIL_FILTER_LABELS: FilterLabels<EmailFilter> = {
  search: SEARCH_LABEL,
  apiKeyId: API_KEY_FILTER_LABEL,
  emailStatus: { label: 'Status', value: statusLabel, filter: 'status' },
  status: { label: 'Status', value: statusLabel },
  ...DATE_RANGE_LABELS,
};

export const describeEmailFilters = (filters: EmailFilters, keyName: (id: string) => string | undefined): FilterLabel[] =>
  describeFilter(EMAIL_FILTER_LABELS, toEmailFilter(filters), keyName);
