import { Link } from 'react-router';
import type { DomainsTable_DomainFragment } from '../../../gql/graphql';
import { Badge, type BadgeTone } from '../../../ui/Badge';
import { menuColumn } from '../../../ui/Menu';
import { RelativeTime } from '../../../ui/RelativeTime';
import { type Column, Table } from '../../../ui/Table';

const STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  not_started: { label: 'Not started', tone: 'neutral' },
  pending: { label: 'Pending', tone: 'yellow' },
  verified: { label: 'Verified', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
};

export function DomainStatus({ status }: { status: string }) {
  const s = STATUS[status] ?? { label: status.replace(/_/g, ' '), tone: 'neutral' };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

export function DomainsTable({
  domains,
  onRemove,
}: {
  domains: readonly DomainsTable_DomainFragment[];
  /** Absent for members, who may not remove domains. */
  onRemove?: (domain: DomainsTable_DomainFragment) => void;
}) {
  const columns: Column<DomainsTable_DomainFragment>[] = [
    {
      header: 'Name',
      cell: (d) => (
        <Link to={`/domains/${encodeURIComponent(d.id)}`} className="cell-strong" dir="auto">
          {d.name}
        </Link>
      ),
    },
    { header: 'Status', cell: (d) => <DomainStatus status={d.status} /> },
    { header: 'Region', cell: (d) => <span className="mono">{d.region}</span> },
    { header: 'Created', cell: (d) => <RelativeTime value={d.createdAt} /> },
  ];
  if (onRemove) {
    columns.push(
      menuColumn(
        (d) => d.name,
        (d) => [{ label: 'Remove domain', tone: 'danger', onSelect: () => onRemove(d) }],
      ),
    );
  }
  return <Table label="Domains" columns={columns} rows={domains} rowKey={(d) => d.id} cards />;
}
