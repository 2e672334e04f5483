import { useQuery } from '@apollo/client/react';
import { format, parseISO } from 'date-fns';
import { Link, useNavigate } from 'react-router';
import { DetailPage } from '../../app/DetailPage';
import { useMailRelay } from '../../app/mail-relay';
import { usePageTitle } from '../../app/page-title';
import { useIsAdmin, useThresholds } from '../../app/session';
import { useRouteId } from '../../app/url-filters';
import type { ExportDetail_ExportFragment } from '../../gql/graphql';
import { Button } from '../../ui/Button';
import { DescriptionList } from '../../ui/DescriptionList';
import { DownloadIcon } from '../../ui/icons';
import { PageHeader } from '../../ui/PageHeader';
import { ProgressBar } from '../../ui/ProgressBar';
import { RelativeTime } from '../../ui/RelativeTime';
import { useApiKeyFilterKeys } from '../api-keys';
import { ExportStatusBadge } from './components/ExportStatusBadge';
import { formatRows, formatTotalRows, isFloorEstimate, pastKnownTotal } from './components/ExportsTable';
import { ExportDetailQuery } from './documents';
import { downloadHref } from './download';
import { describeExportFilters } from './filter-labels';
import { useCreateExportMutation } from './hooks/useCreateExportMutation';
import { useFollowExport } from './hooks/useFollowExport';
import { useRefreshAtExpiry } from './hooks/useRefreshAtExpiry';
import { RESOURCES } from './resources';
import { FilterSummary } from './components/FilterSummary';

const exact = (value: string) => format(parseISO(value), 'PPpp');

/** Only the floor known: the server knows there are more than inlineMaxRows, the planner nothing better. */
const totalUnknown = (exp: ExportDetail_ExportFragment, inlineMaxRows: number) =>
  exp.rowCount == null && (exp.estimatedRowCount == null || isFloorEstimate(exp.estimatedRowCount, inlineMaxRows));

/** The share done, or null when it cannot be told (a bar at 99% from the 1,001st row on would lie). */
function percentDone(exp: ExportDetail_ExportFragment, inlineMaxRows: number): number | null {
  if (exp.status === 'READY') return 100;
  if (totalUnknown(exp, inlineMaxRows)) return exp.status === 'PROCESSING' ? null : 0;
  const total = exp.rowCount ?? exp.estimatedRowCount;
  if (!total) return 0;
  // An estimate can be short of the truth: never show a running export as done.
  return Math.min(exp.status === 'PROCESSING' ? 99 : 100, (exp.processedRows / total) * 100);
}

/** "550 of about 1,100" rows, or only "42,672" once past all that is known of the total (the floor, or an estimate too low). */
function rowsWritten(exp: ExportDetail_ExportFragment, inlineMaxRows: number): { text: string; valueText: string } {
  const written = formatRows(exp.processedRows);
  if (pastKnownTotal(exp, inlineMaxRows)) return { text: written, valueText: `${written} rows written` };
  const text = `${written} of ${formatTotalRows(exp, inlineMaxRows)}`;
  return { text, valueText: `${text} rows` };
}

function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function ExportDetailPage() {
  const id = useRouteId();
  const isAdmin = useIsAdmin();
  const navigate = useNavigate();
  const { createExport, loading: creating } = useCreateExportMutation();
  const relay = useMailRelay();
  const thresholds = useThresholds();
  const { data, loading, error, refetch } = useQuery(ExportDetailQuery, {
    variables: { id },
    fetchPolicy: 'cache-and-network',
  });
  const exp = data?.export;
  usePageTitle(exp ? `${RESOURCES[exp.resource].title} export · Exports` : 'Export');
  useFollowExport(id, exp?.status === 'PROCESSING');
  // Its download ends at expiresAt: then it reads Expired here, not Download CSV (which answers 410).
  useRefreshAtExpiry(exp);
  const filteredByKey = !!exp?.filters && typeof exp.filters === 'object' && 'apiKeyId' in exp.filters;
  const { keyName } = useApiKeyFilterKeys({ skip: !filteredByKey });

  return (
    <DetailPage query={{ data, loading, error, refetch }} item={exp} back={{ to: '/exports', label: 'Exports' }} noun="Export">
      {(exp) => {
        const { title, noun } = RESOURCES[exp.resource];
        const filters = <FilterSummary labels={describeExportFilters(exp.resource, exp.filters, keyName)} />;
        const progress = rowsWritten(exp, thresholds.exportInlineMaxRows);
        // While it is written, admins may download it already: the file arrives as rows are
        // written and completes when the export is ready (the server's streamUrl).
        const download =
          isAdmin && exp.status === 'READY' && exp.downloadUrl ? (
            <a className="btn btn-primary btn-md" href={downloadHref(exp.downloadUrl)} download>
              <DownloadIcon />
              Download CSV
            </a>
          ) : isAdmin && exp.status === 'PROCESSING' && exp.streamUrl ? (
            <a className="btn btn-secondary btn-md" href={downloadHref(exp.streamUrl)} download aria-describedby="export-stream-note">
              <DownloadIcon />
              Download while it is written
            </a>
          ) : null;

        return (
          <>
            <PageHeader
              title={`${title} export`}
              description={
                <>
                  Created <RelativeTime value={exp.createdAt} /> by {exp.createdBy?.email ?? 'an API key'}
                </>
              }
              actions={download}
            />
            <section className="panel export-status" aria-label="Progress">
              <div className="export-status-line">
                <ExportStatusBadge status={exp.status} />
                <span className="muted" aria-live="polite">
                  {exp.status === 'PROCESSING' && `${progress.text} ${noun} written…`}
                  {exp.status === 'READY' && `${formatRows(exp.rowCount)} ${exp.rowCount === 1 ? 'row' : 'rows'} ready`}
                  {exp.status === 'FAILED' && 'The export failed'}
                </span>
              </div>
              <ProgressBar label="Export progress" value={percentDone(exp, thresholds.exportInlineMaxRows)} valueText={progress.valueText} />
              {exp.status === 'READY' && !isAdmin && <p className="muted">Only admins can download exports.</p>}
              {exp.status === 'READY' && exp.expiresAt && (
                <p className="muted">
                  The download works until <time dateTime={exp.expiresAt}>{exact(exp.expiresAt)}</time>.
                </p>
              )}
              {exp.status === 'EXPIRED' && (
                <div className="export-again">
                  <p className="muted">
                    Downloads work for {thresholds.exportDownloadDays} days. Export the {noun} again to get a fresh file.
                  </p>
                  {isAdmin && (
                    <Button
                      variant="primary"
                      size="sm"
                      loading={creating}
                      onClick={async () => {
                        const again = await createExport({ resource: exp.resource, filters: exp.filters });
                        if (again) navigate(`/exports/${encodeURIComponent(again.id)}`);
                      }}
                    >
                      Export again
                    </Button>
                  )}
                </div>
              )}
              {exp.status === 'FAILED' && (
                <p className="form-alert" role="alert">
                  {exp.error ?? 'Something went wrong while writing the file.'} Try exporting again.
                </p>
              )}
              {exp.status === 'PROCESSING' && download && (
                <p className="muted" id="export-stream-note">
                  A download started now receives the rows as they are written and completes when the export is ready.
                </p>
              )}
              {exp.status === 'PROCESSING' && (
                <p className="muted">
                  {relay === false
                    ? 'The file will be here when it is ready: keep this link. (No mail relay is set, so no email is sent.)'
                    : 'You can leave this page: we will email you a link to it when the file is ready.'}{' '}
                  <Link to={`/exports/${encodeURIComponent(exp.id)}`}>Link to this export</Link>
                </p>
              )}
            </section>
            <DescriptionList
              label="Export details"
              items={[
                { term: 'Resource', details: title },
                { term: 'Filters', details: filters },
                { term: 'Rows', details: formatRows(exp.rowCount) },
                ...(exp.fileSizeBytes !== null && exp.fileSizeBytes !== undefined ? [{ term: 'File size', details: fileSize(exp.fileSizeBytes) }] : []),
                { term: 'Created by', details: exp.createdBy?.email ?? 'An API key' },
                { term: 'Created', details: exact(exp.createdAt) },
                ...(exp.completedAt ? [{ term: 'Completed', details: exact(exp.completedAt) }] : []),
                // "Expired" is said once, by the status; here the day the download ended.
                ...(exp.expiresAt ? [{ term: exp.status === 'EXPIRED' ? 'Download ended' : 'Expires', details: exact(exp.expiresAt) }] : []),
              ]}
            />
          </>
        );
      }}
    </DetailPage>
  );
}
