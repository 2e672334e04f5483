import { Link } from 'react-router';
import type { RecentRequests_LogFragment } from '../../../gql/graphql';
import { Badge, type BadgeTone } from '../../../ui/Badge';
import { RelativeTime } from '../../../ui/RelativeTime';
import { type Column, Table } from '../../../ui/Table';

const statusTone = (code: number): BadgeTone => (code >= 500 ? 'red' : code >= 400 ? 'yellow' : 'green');

export function RecentRequests({ logs }: { logs: readonly RecentRequests_LogFragment[] }) {
  const columns: Column<RecentRequests_LogFragment>[] = [
    {
      header: 'Endpoint',
      cell: (l) => (
        <Link to={`/logs/${encodeURIComponent(l.id)}`} className="mono" aria-label={`${l.method} ${l.endpoint}, ${l.statusCode}: view log`}>
          <span className="method">{l.method}</span> {l.endpoint}
        </Link>
      ),
    },
    { header: 'Status', cell: (l) => <Badge tone={statusTone(l.statusCode)}>{l.statusCode}</Badge> },
    { header: 'Duration', align: 'right', cell: (l) => <span className="mono">{l.durationMs} ms</span> },
    { header: 'When', cell: (l) => <RelativeTime value={l.createdAt} /> },
  ];
  return (
    <Table
      label="Latest requests"
      columns={columns}
      rows={logs}
      rowKey={(l) => l.id}
      empty={<p className="muted section-empty">No requests made with this key yet.</p>}
    />
  );
}
