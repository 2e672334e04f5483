import type { MembersTable_MemberFragment } from '../../../gql/graphql';
import { Badge } from '../../../ui/Badge';
import { menuColumn } from '../../../ui/Menu';
import { RelativeTime } from '../../../ui/RelativeTime';
import { type Column, Table } from '../../../ui/Table';
import { ROLE_LABEL } from '../roles';
import { UserText } from '../../../ui/UserText';

type Member = MembersTable_MemberFragment;

export type MemberActions = {
  onChangeRole: (member: Member, role: Member['role']) => void;
  onRemove: (member: Member) => void;
};

export function MembersTable({
  members,
  currentUserId,
  actions,
}: {
  members: readonly Member[];
  currentUserId: string;
  /** Absent for members, who may not manage the team. */
  actions?: MemberActions;
}) {
  const columns: Column<Member>[] = [
    {
      header: 'Member',
      cell: (m) => (
        <span className="cell-strong">
          <UserText>{m.user.email}</UserText> {m.user.id === currentUserId && <Badge tone="blue">You</Badge>}
        </span>
      ),
    },
    { header: 'Role', cell: (m) => <Badge tone={m.role === 'ADMIN' ? 'green' : 'neutral'}>{ROLE_LABEL[m.role]}</Badge> },
    { header: 'Joined', cell: (m) => <RelativeTime value={m.createdAt} /> },
  ];
  if (actions) {
    columns.push(
      menuColumn(
        (m) => m.user.email,
        // Your own membership is not managed from here: it could lock you out of the team.
        (m) => {
          if (m.user.id === currentUserId) return null;
          const other = m.role === 'ADMIN' ? 'MEMBER' : 'ADMIN';
          return [
            { label: `Change role to ${ROLE_LABEL[other].toLowerCase()}`, onSelect: () => actions.onChangeRole(m, other) },
            { label: 'Remove from team', tone: 'danger', onSelect: () => actions.onRemove(m) },
          ];
        },
      ),
    );
  }
  return <Table label="Members" columns={columns} rows={members} rowKey={(m) => m.id} cards />;
}
