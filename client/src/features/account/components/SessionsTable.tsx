import type { AccountSessionsQuery } from '../../../gql/graphql';
import { Badge } from '../../../ui/Badge';
import { Button } from '../../../ui/Button';
import { RelativeTime } from '../../../ui/RelativeTime';
import { type Column, Table } from '../../../ui/Table';
import { describeDevice } from './device';

type Session = AccountSessionsQuery['sessions'][number];

export function SessionsTable({
  sessions,
  revoking,
  onRevoke,
}: {
  sessions: readonly Session[];
  /** The session being signed out, whose button shows it is busy. */
  revoking?: string;
  onRevoke: (session: Session) => void;
}) {
  const columns: Column<Session>[] = [
    {
      header: 'Browser',
      cell: (s) => (
        <span className="cell-strong cell-break" title={s.userAgent ?? undefined}>
          {describeDevice(s.userAgent)} {s.current && <Badge tone="blue">This browser</Badge>}
        </span>
      ),
    },
    { header: 'Team', cell: (s) => s.teamName },
    { header: 'Address', cell: (s) => <span className="mono">{s.ip ?? '—'}</span> },
    { header: 'Signed in', cell: (s) => <RelativeTime value={s.createdAt} /> },
    { header: 'Expires', cell: (s) => <RelativeTime value={s.expiresAt} /> },
    {
      header: 'Actions',
      srOnlyHeader: true,
      align: 'right',
      cell: (s) =>
        s.current ? null : (
          <Button
            size="sm"
            loading={revoking === s.id}
            onClick={() => onRevoke(s)}
            aria-label={`Sign out ${describeDevice(s.userAgent)}, signed in from ${s.ip ?? 'an unknown address'}`}
          >
            Sign out
          </Button>
        ),
    },
  ];
  return <Table label="Sessions" columns={columns} rows={sessions} rowKey={(s) => s.id} cards />;
}
