import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { queryErrorMessage } from '../../app/errors';
import { usePageTitle } from '../../app/page-title';
import { pollWhileShown } from '../../app/polling';
import { useCurrentUser } from '../../app/session';
import type { MembersTable_MemberFragment, Role } from '../../gql/graphql';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorState, Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { AdminsOnlyNote } from './components/AdminsOnlyNote';
import { InvitationsTable } from './components/InvitationsTable';
import { InviteMemberDialog } from './components/InviteMemberDialog';
import { MembersTable } from './components/MembersTable';
import { TeamPageQuery } from './documents';
import { useRemoveMemberMutation } from './hooks/useRemoveMemberMutation';
import { useRenewInvitationLinkMutation } from './hooks/useRenewInvitationLinkMutation';
import { useRevokeInvitationMutation } from './hooks/useRevokeInvitationMutation';
import { useUpdateMemberRoleMutation } from './hooks/useUpdateMemberRoleMutation';
import { ROLE_LABEL } from './roles';
import { UserText } from '../../ui/UserText';

/** What the new role means, said before it is given. */
const ROLE_CHANGE: Record<Role, string> = {
  ADMIN: 'will be able to manage API keys, domains and exports, and to invite, remove and change the roles of members.',
  MEMBER: 'will still see the team’s keys, domains, logs and exports, but no longer change them nor manage members.',
};

/**
 * Others change the team while the page is open: an invitation accepted (its row moves from
 * Pending invitations to Members), a member removed or given another role by another admin. The
 * page asks again every 10 s while it is shown.
 */
export const TEAM_POLL_MS = 10_000;

export function TeamPage() {
  usePageTitle('Team');
  const me = useCurrentUser();
  const isAdmin = me.role === 'ADMIN';
  const { data, loading, error, refetch } = useQuery(TeamPageQuery, { variables: { isAdmin }, ...pollWhileShown(TEAM_POLL_MS) });
  const [inviting, setInviting] = useState(false);
  const [removing, setRemoving] = useState<MembersTable_MemberFragment | null>(null);
  const [changingRole, setChangingRole] = useState<{ member: MembersTable_MemberFragment; role: Role } | null>(null);
  const [revokingId, setRevokingId] = useState<string>();
  const [copyingId, setCopyingId] = useState<string>();
  const { removeMember, loading: removingBusy } = useRemoveMemberMutation();
  const { revokeInvitation } = useRevokeInvitationMutation();
  const { copyInvitationLink } = useRenewInvitationLinkMutation();
  const { updateMemberRole, loading: changingRoleBusy } = useUpdateMemberRoleMutation();
  const roleName = ROLE_LABEL[changingRole?.role ?? 'MEMBER'].toLowerCase();

  const header = (
    <PageHeader
      title="Team"
      description={
        data ? (
          <>
            Who can use <UserText>{data.team.name}</UserText> on Keyring.
          </>
        ) : (
          'Who can use your team on Keyring.'
        )
      }
      actions={
        isAdmin ? (
          <Button variant="primary" onClick={() => setInviting(true)}>
            Invite member
          </Button>
        ) : null
      }
    />
  );

  if (loading && !data) {
    return (
      <>
        {header}
        <Loading label="Loading team" />
      </>
    );
  }
  if (error && !data) {
    return (
      <>
        {header}
        <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />
      </>
    );
  }
  if (!data) return header;

  return (
    <>
      {header}
      {!isAdmin && <AdminsOnlyNote what="invite members, change roles or remove members" />}
      <section className="section" aria-labelledby="members-heading">
        <h2 id="members-heading" className="section-title">
          Members <span className="count">{data.team.members.length}</span>
        </h2>
        <MembersTable
          members={data.team.members}
          currentUserId={me.id}
          actions={isAdmin ? { onChangeRole: (member, role) => setChangingRole({ member, role }), onRemove: setRemoving } : undefined}
        />
      </section>
      {isAdmin && (
        <section className="section" aria-labelledby="invitations-heading">
          <h2 id="invitations-heading" className="section-title">
            Pending invitations <span className="count">{data.team.invitations?.length ?? 0}</span>
          </h2>
          <InvitationsTable
            invitations={data.team.invitations ?? []}
            revoking={revokingId}
            onRevoke={async (invitation) => {
              setRevokingId(invitation.id);
              await revokeInvitation(invitation);
              setRevokingId(undefined);
            }}
            copying={copyingId}
            onCopyLink={async (invitation) => {
              setCopyingId(invitation.id);
              await copyInvitationLink(invitation);
              setCopyingId(undefined);
            }}
          />
        </section>
      )}
      {isAdmin && <InviteMemberDialog open={inviting} onOpenChange={setInviting} />}
      {/* A role is power over the team: asked first, as removing is. */}
      <ConfirmDialog
        open={changingRole !== null}
        onOpenChange={(open) => !open && setChangingRole(null)}
        title={`Change role to ${roleName}?`}
        description={
          <>
            <strong dir="auto">{changingRole?.member.user.email}</strong> {changingRole && ROLE_CHANGE[changingRole.role]}
          </>
        }
        confirmLabel={`Change role to ${roleName}`}
        destructive={changingRole?.role === 'MEMBER'}
        loading={changingRoleBusy}
        onConfirm={async () => {
          if (changingRole && (await updateMemberRole(changingRole.member, changingRole.role))) setChangingRole(null);
        }}
      />
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        title="Remove member"
        description={
          <>
            <strong dir="auto">{removing?.user.email}</strong> will lose access to this team at once and be signed out of it.
          </>
        }
        confirmLabel="Remove member"
        loading={removingBusy}
        onConfirm={async () => {
          if (removing && (await removeMember(removing))) setRemoving(null);
        }}
      />
    </>
  );
}
