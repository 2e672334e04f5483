import type { ReactNode } from 'react';
import { DateRangeFields } from '../ui/DateRangeFields';
import { SearchField } from '../ui/SearchField';
import { SelectField } from '../ui/SelectField';
import type { DayRange } from './url-filters';

/**
 * A list page's filter bar over its URL filters: the search box (`q`), the page's selects, and
 * the date range with the server's errors about it beside it.
 */
export function ListFilters<F extends DayRange & { q?: string }>({
  noun,
  filters,
  onChange,
  searchPlaceholder,
  dateErrors,
  children,
}: {
  /** Plural, e.g. "emails". */
  noun: string;
  filters: F;
  onChange: (next: F) => void;
  searchPlaceholder: string;
  dateErrors: { from?: string; to?: string };
  /** The page's own fields, between the search and the dates. */
  children?: ReactNode;
}) {
  return (
    <fieldset className="filters">
      <legend className="sr-only">Filter {noun}</legend>
      <SearchField label="Search" placeholder={searchPlaceholder} value={filters.q} onSearch={(q) => onChange({ ...filters, q })} />
      {children}
      <DateRangeFields from={filters.from} to={filters.to} onChange={(range) => onChange({ ...filters, ...range })} errors={dateErrors} />
    </fieldset>
  );
}

/** One of a few values, or all of them (''): a select of a list's filter bar. */
export function FilterSelect<T extends string>({
  label,
  name,
  all,
  options,
  value,
  onChange,
}: {
  label: string;
  name: string;
  /** The option that clears the filter, e.g. "All statuses". */
  all: string;
  options: readonly { value: T; label: string }[];
  value: T | undefined;
  onChange: (value: T | undefined) => void;
}) {
  return (
    <SelectField
      label={label}
      name={name}
      className="filter-field"
      options={[{ value: '', label: all }, ...options]}
      value={value ?? ''}
      onChange={(e) => onChange(options.find((o) => o.value === e.target.value)?.value)}
    />
  );
}
