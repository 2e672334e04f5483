import type { BroadcastsTable_BroadcastFragment } from '../../../gql/graphql';
import { Badge } from '../../../ui/Badge';
import { RelativeTime } from '../../../ui/RelativeTime';
import { type Column, Table } from '../../../ui/Table';

export function BroadcastsTable({ broadcasts }: { broadcasts: readonly BroadcastsTable_BroadcastFragment[] }) {
  const columns: Column<BroadcastsTable_BroadcastFragment>[] = [
    {
      header: 'Name',
      cell: (b) => (
        <span className="cell-strong" dir="auto">
          {b.name}
        </span>
      ),
    },
    {
      header: 'Subject',
      cell: (b) => (
        <span className="cell-clip" title={b.subject} dir="auto">
          {b.subject}
        </span>
      ),
    },
    {
      header: 'From',
      cell: (b) => (
        <span className="cell-clip" dir="auto">
          {b.from}
        </span>
      ),
    },
    {
      header: 'Status',
      cell: (b) => (b.status === 'sent' ? <Badge tone="green">Sent</Badge> : <Badge>{b.status === 'draft' ? 'Draft' : b.status}</Badge>),
    },
    { header: 'Created', cell: (b) => <RelativeTime value={b.createdAt} /> },
    { header: 'Sent', cell: (b) => (b.sentAt ? <RelativeTime value={b.sentAt} /> : '—') },
  ];
  return <Table label="Broadcasts" columns={columns} rows={broadcasts} rowKey={(b) => b.id} />;
}
