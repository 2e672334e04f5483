import type { ContactFilter } from '../../gql/graphql';
import { type Day, dayEnd, dayStart, formatDay, parseDay } from '../../ui/DateRangeFields';
import type { ExportFilterLabel, ExportFilters } from '../exports';

export const SUBSCRIPTIONS = [
  { value: 'subscribed', label: 'Subscribed' },
  { value: 'unsubscribed', label: 'Unsubscribed' },
] as const;

export type Subscription = (typeof SUBSCRIPTIONS)[number]['value'];

/** As the URL holds them: `/contacts?subscription=unsubscribed&from=2026-01-01&to=2026-01-31`. */
export type ContactFilters = { subscription?: Subscription; from?: Day; to?: Day };

const toSubscription = (value: string | null) => SUBSCRIPTIONS.find((s) => s.value === value)?.value;

export function readContactFilters(params: URLSearchParams): ContactFilters {
  return { subscription: toSubscription(params.get('subscription')), from: parseDay(params.get('from')), to: parseDay(params.get('to')) };
}

export function contactFiltersSearch(filters: ContactFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['subscription', 'from', 'to'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return params;
}

/** The `contacts(filter:)` argument, which is also what an export of these contacts takes. */
export function toContactFilter(filters: ContactFilters): ContactFilter & ExportFilters {
  const out: ContactFilter & ExportFilters = {};
  if (filters.subscription) out.unsubscribed = filters.subscription === 'unsubscribed';
  if (filters.from) out.from = dayStart(filters.from);
  if (filters.to) out.to = dayEnd(filters.to);
  return out;
}

export function describeContactFilters(filters: ContactFilters): ExportFilterLabel[] {
  const out: ExportFilterLabel[] = [];
  const subscription = SUBSCRIPTIONS.find((s) => s.value === filters.subscription);
  if (subscription) out.push({ filter: 'unsubscribed', label: 'Subscription', value: subscription.label });
  if (filters.from) out.push({ filter: 'from', label: 'From', value: formatDay(filters.from) });
  if (filters.to) out.push({ filter: 'to', label: 'To', value: formatDay(filters.to) });
  return out;
}
