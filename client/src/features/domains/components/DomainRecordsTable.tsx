import type { DomainRecords_DomainFragment } from '../../../gql/graphql';
import { Badge, type BadgeTone } from '../../../ui/Badge';
import { CopyField } from '../../../ui/CopyField';
import { type Column, Table } from '../../../ui/Table';

type DomainRecord = DomainRecords_DomainFragment['records'][number];

const STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  not_started: { label: 'Not checked', tone: 'neutral' },
  pending: { label: 'Not found', tone: 'yellow' },
  verified: { label: 'Verified', tone: 'green' },
  failed: { label: 'Wrong value', tone: 'red' },
  temporary_failure: { label: 'DNS error', tone: 'yellow' },
};

const label = (r: DomainRecord) => `${r.record} ${r.type}`;

/** The records to publish, each name and value with a Copy button, and what the last check found. */
export function DomainRecordsTable({ records }: { records: readonly DomainRecord[] }) {
  const columns: Column<DomainRecord>[] = [
    { header: 'Record', cell: (r) => <span className="cell-strong">{r.record}</span> },
    { header: 'Type', cell: (r) => <span className="mono">{r.type}</span> },
    { header: 'Name', cell: (r) => <CopyField label={`${label(r)} name`} value={r.fqdn} /> },
    { header: 'Value', cell: (r) => <CopyField label={`${label(r)} value`} value={r.value} /> },
    { header: 'Priority', cell: (r) => (r.priority == null ? <span className="muted">—</span> : r.priority) },
    {
      header: 'Status',
      cell: (r) => {
        const s = STATUS[r.status] ?? { label: r.status, tone: 'neutral' as const };
        return <Badge tone={s.tone}>{s.label}</Badge>;
      },
    },
  ];
  return (
    <div className="domain-records">
      <Table label="DNS records" columns={columns} rows={records} rowKey={(r) => `${r.type} ${r.fqdn}`} />
    </div>
  );
}
