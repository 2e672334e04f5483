import { format, isValid, parseISO } from 'date-fns';
import type { FilterLabel } from './url-filters';

/** A value of a list's `filter:` argument, typed (the page's) or as an export stored it (JSON). */
export type FilterValue = string | number | boolean;

/** How one field of a list's `filter:` argument reads: its label, and its value in words (undefined: not shown). */
export type FieldLabel = {
  label: string;
  value: (value: FilterValue, keyName: (id: string) => string | undefined) => string | undefined;
  /** The name the server reports its errors under, when not the field's own. */
  filter?: string;
};

/**
 * Every field of a list's `filter:` argument in words, in the order shown. Keyed by the schema's
 * filter type, so a filter the schema adds to a list fails to compile until it has a label; the list
 * page's export dialog and the Exports page (a stored export's filters) both read it.
 */
export type FilterLabels<F> = { [K in keyof Required<F>]: FieldLabel };

/** An ISO instant as its (local) day: "Jan 1, 2026". */
const day = (value: FilterValue) => {
  const d = typeof value === 'string' ? parseISO(value) : null;
  return d && isValid(d) ? format(d, 'MMM d, yyyy') : String(value);
};

export const SEARCH_LABEL: FieldLabel = { label: 'Search', value: String };
export const DATE_RANGE_LABELS = {
  from: { label: 'From', value: day },
  to: { label: 'To', value: day },
} as const satisfies Record<'from' | 'to', FieldLabel>;

/** A filter (the page's typed one, or an export's stored JSON) in words, in its labels' order. */
export function describeFilter(
  labels: { readonly [field: string]: FieldLabel },
  filter: unknown,
  keyName: (id: string) => string | undefined = () => undefined,
): FilterLabel[] {
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) return [];
  const f = filter as Record<string, unknown>;
  const out: FilterLabel[] = [];
  for (const [field, l] of Object.entries(labels) as [string, FieldLabel][]) {
    const raw = f[field];
    if (raw === undefined || raw === null || raw === '' || typeof raw === 'object') continue;
    const value = l.value(raw as FilterValue, keyName);
    if (value !== undefined) out.push({ filter: l.filter ?? field, label: l.label, value });
  }
  return out;
}
