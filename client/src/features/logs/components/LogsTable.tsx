import { Link, useNavigate } from 'react-router';
import type { LogsTable_LogFragment } from '../../../gql/graphql';
import { RelativeTime } from '../../../ui/RelativeTime';
import { type Column, Table } from '../../../ui/Table';
import { StatusCode } from './StatusCode';
import { UserText } from '../../../ui/UserText';

/** The key's name now, or the name it had when the request was made if it has been deleted since. */
export const keyNameOf = (log: LogsTable_LogFragment): string => log.apiKey?.name ?? log.apiKeyName ?? 'Deleted key';

export const formatDuration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`);

export function LogsTable({ logs, search }: { logs: readonly LogsTable_LogFragment[]; search: string }) {
  const navigate = useNavigate();
  const columns: Column<LogsTable_LogFragment>[] = [
    // One line: "28 minutes ago" wrapped over three in the width a 1280 px screen leaves.
    { header: 'Time', nowrap: true, cell: (l) => <RelativeTime value={l.createdAt} /> },
    { header: 'Method', cell: (l) => <span className="mono method">{l.method}</span> },
    {
      header: 'Endpoint',
      cell: (l) => (
        // The list's filters travel along, so "back to Logs" returns to the same view.
        <Link to={`/logs/${l.id}`} state={{ search }} className="mono cell-strong">
          {l.endpoint}
        </Link>
      ),
    },
    { header: 'Status', cell: (l) => <StatusCode code={l.statusCode} /> },
    {
      header: 'Error',
      cell: (l) =>
        l.errorName || l.errorMessage ? (
          <span className="cell-clip log-error" title={[l.errorName, l.errorMessage].filter(Boolean).join(': ')}>
            {l.errorName ? <span className="mono">{l.errorName}</span> : null}
            {l.errorName && l.errorMessage ? ' · ' : null}
            {l.errorMessage}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    { header: 'API key', cell: (l) => <UserText>{keyNameOf(l)}</UserText> },
    { header: 'Duration', align: 'right', nowrap: true, cell: (l) => <span className="mono">{formatDuration(l.durationMs)}</span> },
    {
      header: 'User agent',
      cell: (l) => (
        <span className="cell-clip mono log-user-agent" title={l.userAgent ?? undefined}>
          {l.userAgent ?? '—'}
        </span>
      ),
    },
  ];
  // A click anywhere on a row opens the request, as its endpoint link does.
  return (
    <div className="logs-table">
      <Table label="Logs" columns={columns} rows={logs} rowKey={(l) => l.id} onRowClick={(l) => navigate(`/logs/${l.id}`, { state: { search } })} />
    </div>
  );
}
