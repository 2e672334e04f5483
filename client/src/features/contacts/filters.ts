import { DATE_RANGE_LABELS, describeFilter, type FilterLabels, SEARCH_LABEL } from '../../app/filter-labels';
import { type DayRange, dayRangeFilter, dayRangeReaders, type FilterLabel, oneOf, searchReader, urlFilters } from '../../app/url-filters';
import type { ContactFilter } from '../../gql/graphql';

export const SUBSCRIPTIONS = [
  { value: 'subscribed', label: 'Subscribed' },
  { value: 'unsubscribed', label: 'Unsubscribed' },
] as const;

export type Subscription = (typeof SUBSCRIPTIONS)[number]['value'];

/** As the URL holds them: `/contacts?q=ada&subscription=unsubscribed&from=2026-01-01&to=2026-01-31`. */
export type ContactFilters = DayRange & {
  /** Part of the email address or the name */
  q?: string;
  subscription?: Subscription;
};

export const contactUrlFilters = urlFilters<ContactFilters>({ q: searchReader, subscription: oneOf(SUBSCRIPTIONS), ...dayRangeReaders });

/** The `contacts(filter:)` argument, which is also what an export of these contacts takes. */
export function toContactFilter(filters: ContactFilters): ContactFilter {
  const out: ContactFilter = {};
  if (filters.q) out.search = filters.q;
  if (filters.subscription) out.unsubscribed = filters.subscription === 'unsubscribed';
  return Object.assign(out, dayRangeFilter(filters));
}

/** The Contacts list's filter in words: its export dialog and its exports on the Exports page. */
export const CONTACT_FILTER_LABELS: FilterLabels<ContactFilter> = {
  search: SEARCH_LABEL,
  unsubscribed: { label: 'Subscription', value: (v) => SUBSCRIPTIONS.find((s) => s.value === (v ? 'unsubscribed' : 'subscribed'))?.label },
  ...DATE_RANGE_LABELS,
};

export const describeContactFilters = (filters: ContactFilters): FilterLabel[] => describeFilter(CONTACT_FILTER_LABELS, toContactFilter(filters));
