import type { InvitationsTable_InvitationFragment } from '../../../gql/graphql';
import { Badge } from '../../../ui/Badge';
import { Button } from '../../../ui/Button';
import { RelativeTime } from '../../../ui/RelativeTime';
import { type Column, Table } from '../../../ui/Table';
import { ROLE_LABEL } from '../roles';

type Invitation = InvitationsTable_InvitationFragment;

export function InvitationsTable({
  invitations,
  onRevoke,
  revoking,
  onCopyLink,
  copying,
}: {
  invitations: readonly Invitation[];
  onRevoke: (invitation: Invitation) => void;
  revoking?: string;
  onCopyLink?: (invitation: Invitation) => void;
  copying?: string;
}) {
  const columns: Column<Invitation>[] = [
    {
      header: 'Email',
      cell: (i) => (
        <span className="cell-strong" dir="auto">
          {i.email}
        </span>
      ),
    },
    { header: 'Role', cell: (i) => <Badge>{ROLE_LABEL[i.role]}</Badge> },
    {
      header: 'Invited by',
      cell: (i) => (
        <span className="muted" dir="auto">
          {i.invitedBy?.email ?? '—'}
        </span>
      ),
    },
    { header: 'Expires', cell: (i) => <RelativeTime value={i.expiresAt} /> },
    {
      header: 'Actions',
      srOnlyHeader: true,
      align: 'right',
      width: '12rem',
      cell: (i) => (
        <span className="row-actions">
          {onCopyLink && (
            <Button size="sm" variant="ghost" loading={copying === i.id} aria-label={`Copy link for ${i.email}`} onClick={() => onCopyLink(i)}>
              Copy link
            </Button>
          )}
          <Button size="sm" variant="ghost" loading={revoking === i.id} aria-label={`Revoke invitation for ${i.email}`} onClick={() => onRevoke(i)}>
            Revoke
          </Button>
        </span>
      ),
    },
  ];
  return (
    <Table
      label="Pending invitations"
      columns={columns}
      rows={invitations}
      rowKey={(i) => i.id}
      cards
      empty={<p className="muted section-empty">No pending invitations.</p>}
    />
  );
}
