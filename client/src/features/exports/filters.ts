import type { FilterLabel } from '../../app/url-filters';
import type { CreateExportInput } from '../../gql/graphql';

/**
 * What an Export button sends: the resource and its list's own typed filter, the same object the
 * page queries with (`{ resource: 'EMAILS', emails: filter }`).
 */
export type ExportInput = Omit<CreateExportInput, 'filters'>;

/** A stored export's filters, as `Export.filters` answers them: the list's filter as JSON. */
export type ExportFilters = { [filter: string]: string | number | boolean };

/** One filter in words. `filter` is its name, under which the server reports errors (`filters.<name>`). */
export type ExportFilterLabel = FilterLabel;

/** "Status: 4xx · From: Jan 1, 2026", or "All rows". */
export const summarizeFilters = (labels: readonly ExportFilterLabel[]): string =>
  labels.length ? labels.map((l) => `${l.label}: ${l.value}`).join(' · ') : 'All rows';
