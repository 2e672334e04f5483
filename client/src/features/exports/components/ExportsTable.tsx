import { format, parseISO } from 'date-fns';
import { Link } from 'react-router';
import { useThresholds } from '../../../app/session';
import type { ExportsTable_ExportFragment } from '../../../gql/graphql';
import { RelativeTime } from '../../../ui/RelativeTime';
import { type Column, Table } from '../../../ui/Table';
import { describeExportFilters } from '../filter-labels';
import { RESOURCES } from '../resources';
import { ExportStatusBadge } from './ExportStatusBadge';
import { FilterSummary } from './FilterSummary';
import { UserText } from '../../../ui/UserText';

export const formatRows = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString('en-US'));

/**
 * PostgreSQL's estimate of a large export's rows, in words. The server never estimates fewer than
 * inlineMaxRows + 1 (it knows there are more): at that floor the planner knew nothing better.
 */
export function formatEstimate(estimate: number, inlineMaxRows: number): string {
  return isFloorEstimate(estimate, inlineMaxRows) ? `more than ${formatRows(inlineMaxRows)}` : `about ${formatRows(estimate)}`;
}

/** The estimate says only that there are more rows than an export writes at once. */
export const isFloorEstimate = (estimate: number, inlineMaxRows: number) => estimate <= inlineMaxRows + 1;

/** An export's rows as shown: exact once known, else the estimate (a large export in progress). */
export function formatTotalRows(e: { rowCount?: number | null; estimatedRowCount?: number | null }, inlineMaxRows: number): string {
  if (e.rowCount !== null && e.rowCount !== undefined) return formatRows(e.rowCount);
  if (e.estimatedRowCount !== null && e.estimatedRowCount !== undefined) return formatEstimate(e.estimatedRowCount, inlineMaxRows);
  return '—';
}

type Counted = { rowCount?: number | null; estimatedRowCount?: number | null; processedRows?: number | null };

/**
 * A running export has written more rows than all that is known of its total: the floor (the
 * server only knows there are more than inlineMaxRows) or an estimate the planner made too low.
 */
export function pastKnownTotal(e: Counted, inlineMaxRows: number): boolean {
  if (e.rowCount !== null && e.rowCount !== undefined) return false;
  const estimate = e.estimatedRowCount;
  const known = estimate === null || estimate === undefined || isFloorEstimate(estimate, inlineMaxRows) ? inlineMaxRows : estimate;
  return (e.processedRows ?? 0) > known;
}

/** The Rows column: exact once known; while written, the estimate, or "at least" the rows written once they pass it. */
export const formatListedRows = (e: Counted, inlineMaxRows: number) =>
  pastKnownTotal(e, inlineMaxRows) ? `at least ${formatRows(e.processedRows)}` : formatTotalRows(e, inlineMaxRows);

export function ExportsTable({ exports, keyName }: { exports: readonly ExportsTable_ExportFragment[]; keyName: (id: string) => string | undefined }) {
  const { exportInlineMaxRows } = useThresholds();
  const columns: Column<ExportsTable_ExportFragment>[] = [
    {
      header: 'Resource',
      cell: (e) => (
        <Link to={`/exports/${e.id}`} className="cell-strong" aria-label={`${RESOURCES[e.resource].title} export of ${format(parseISO(e.createdAt), 'PPpp')}`}>
          {RESOURCES[e.resource].title}
        </Link>
      ),
    },
    {
      header: 'Filters',
      cell: (e) => (
        <span className="cell-clip">
          <FilterSummary labels={describeExportFilters(e.resource, e.filters, keyName)} />
        </span>
      ),
    },
    { header: 'Status', cell: (e) => <ExportStatusBadge status={e.status} /> },
    { header: 'Rows', align: 'right', cell: (e) => <span className="mono">{formatListedRows(e, exportInlineMaxRows)}</span> },
    { header: 'Created by', cell: (e) => (e.createdBy ? <UserText>{e.createdBy.email}</UserText> : 'An API key') },
    { header: 'Created', cell: (e) => <RelativeTime value={e.createdAt} /> },
    {
      header: 'Expires',
      cell: (e) => {
        // An expired export says "Expired" once, in its status; here, when.
        return (e.status === 'READY' || e.status === 'EXPIRED') && e.expiresAt ? <RelativeTime value={e.expiresAt} /> : '—';
      },
    },
  ];
  return <Table label="Exports" columns={columns} rows={exports} rowKey={(e) => e.id} cards />;
}
