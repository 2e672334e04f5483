import { DATE_RANGE_LABELS, describeFilter, type FilterLabels } from '../../app/filter-labels';
import { anyValue, type DayRange, dayRangeFilter, dayRangeReaders, type FilterLabel, oneOf, urlFilters } from '../../app/url-filters';
import type { HttpMethod, StatusClass, UsageLogFilter } from '../../gql/graphql';
import { API_KEY_FILTER_LABEL } from '../api-keys';

/** The Logs page filters, as the URL holds them: `/logs?apiKeyId=…&status=4xx&method=POST&endpoint=/emails&from=2026-01-01`. */
export type LogFilters = DayRange & {
  apiKeyId?: string;
  /** "errors" (every status of 400 or more), "2xx", "4xx", "5xx" or a status code like "422". */
  status?: string;
  method?: LogMethod;
  /** A path: the logs of it and of everything under it (`/emails` includes /emails/batch). */
  endpoint?: string;
};

/** The schema's HttpMethod values, in the order offered: one the schema adds or drops fails to compile here. */
const METHOD_ORDER: Record<HttpMethod, number> = { GET: 1, POST: 2, PATCH: 3, PUT: 4, DELETE: 5, HEAD: 6, OPTIONS: 7 };
export const LOG_METHODS = (Object.keys(METHOD_ORDER) as HttpMethod[]).map((m) => ({ value: m, label: m }));
export type LogMethod = HttpMethod;

/** The first digit of each of the schema's StatusClass values (`4xx` is CLIENT_ERROR). */
const STATUS_CLASS_DIGIT: Record<StatusClass, number> = { INFORMATIONAL: 1, SUCCESS: 2, REDIRECTION: 3, CLIENT_ERROR: 4, SERVER_ERROR: 5 };
const statusClassOf = (digit: number) => (Object.keys(STATUS_CLASS_DIGIT) as StatusClass[]).find((c) => STATUS_CLASS_DIGIT[c] === digit);

/** The API's resources, offered as endpoint filters; /graphql is every GraphQL operation made with a key. */
export const LOG_ENDPOINTS = ['/emails', '/api-keys', '/domains', '/contacts', '/broadcasts', '/logs', '/graphql'] as const;

/** The status filter's value for every failed request (4xx and 5xx). */
export const ERRORS_ONLY = 'errors';

export const STATUS_CLASSES = [
  { value: ERRORS_ONLY, label: 'Errors only · 4xx and 5xx' },
  { value: '2xx', label: '2xx · Success' },
  { value: '4xx', label: '4xx · Client errors' },
  { value: '5xx', label: '5xx · Server errors' },
] as const;

/** The codes the API answers with, offered one by one. */
export const STATUS_CODES = [200, 201, 400, 401, 403, 404, 405, 409, 410, 422, 429, 500] as const;

type ParsedStatus = { statusClass: number } | { statusCode: number } | { errorsOnly: true } | undefined;

export function parseStatus(status: string | null | undefined): ParsedStatus {
  if (!status) return undefined;
  if (status === ERRORS_ONLY) return { errorsOnly: true };
  const cls = /^([1-5])xx$/.exec(status);
  if (cls) return { statusClass: Number(cls[1]) };
  if (/^\d{3}$/.test(status)) {
    const code = Number(status);
    if (code >= 100 && code <= 599) return { statusCode: code };
  }
  return undefined;
}

export const logUrlFilters = urlFilters<LogFilters>({
  apiKeyId: anyValue,
  status: (value) => (value && parseStatus(value) ? value : undefined),
  method: oneOf(LOG_METHODS),
  // Any path, so that a link to the logs of one resource (`/contacts/ada@example.com`) works too.
  endpoint: (value) => (value?.startsWith('/') && value.length <= 300 ? value : undefined),
  ...dayRangeReaders,
});

/** The `usageLogs(filter:)` argument; the same object is what an export of these logs takes. */
export function toUsageLogFilter(filters: LogFilters): UsageLogFilter {
  const out: UsageLogFilter = {};
  if (filters.apiKeyId) out.apiKeyId = filters.apiKeyId;
  const status = parseStatus(filters.status);
  if (status && 'statusCode' in status) out.statusCode = status.statusCode;
  if (status && 'statusClass' in status) out.responseClass = statusClassOf(status.statusClass);
  if (status && 'errorsOnly' in status) out.errorsOnly = true;
  if (filters.method) out.httpMethod = filters.method;
  if (filters.endpoint) out.endpoint = filters.endpoint;
  return Object.assign(out, dayRangeFilter(filters));
}

/** The Logs list's filter in words: its export dialog and its exports on the Exports page (which store a class as its digit). */
export const LOG_FILTER_LABELS: FilterLabels<UsageLogFilter> = {
  apiKeyId: API_KEY_FILTER_LABEL,
  responseClass: { label: 'Status', filter: 'statusClass', value: (v) => `${typeof v === 'number' ? v : (STATUS_CLASS_DIGIT[v as StatusClass] ?? v)}xx` },
  statusClass: { label: 'Status', value: (v) => `${v}xx` },
  statusCode: { label: 'Status', value: String },
  httpMethod: { label: 'Method', filter: 'method', value: String },
  method: { label: 'Method', value: String },
  endpoint: { label: 'Endpoint', value: String },
  errorsOnly: { label: 'Status', value: (v) => (v === true ? 'Errors only (4xx, 5xx)' : undefined) },
  ...DATE_RANGE_LABELS,
};

/** The filters in words, for the export dialog; `filter` names the key the server reports errors under. */
export const describeLogFilters = (filters: LogFilters, keyName: (id: string) => string | undefined): FilterLabel[] =>
  describeFilter(LOG_FILTER_LABELS, toUsageLogFilter(filters), keyName);
