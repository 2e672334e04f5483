import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MailRelayQuery } from '../../app/mail-relay';
import { adminUser, gqlError, memberUser, renderWithProviders } from '../../test/render';
import { TeamPageQuery } from './documents';
import { InviteMemberMutation } from './hooks/useInviteMemberMutation';
import { RemoveMemberMutation } from './hooks/useRemoveMemberMutation';
import { RenewInvitationLinkMutation } from './hooks/useRenewInvitationLinkMutation';
import { RevokeInvitationMutation } from './hooks/useRevokeInvitationMutation';
import { UpdateMemberRoleMutation } from './hooks/useUpdateMemberRoleMutation';
import { TEAM_POLL_MS, TeamPage } from './TeamPage';
import { sentence } from '../../test/text';

const now = Date.now();
const iso = (daysFromNow: number) => new Date(now + daysFromNow * 86_400_000).toISOString();

const member = (id: string, userId: string, email: string, role: 'ADMIN' | 'MEMBER') => ({
  __typename: 'Member',
  id,
  role,
  createdAt: iso(-10),
  user: { __typename: 'User', id: userId, email },
});

const invitation = (id: string, email: string) => ({
  __typename: 'Invitation',
  id,
  email,
  role: 'MEMBER',
  createdAt: iso(-1),
  expiresAt: iso(6),
  invitedBy: { __typename: 'User', id: adminUser.id, email: adminUser.email },
});

const teamMock = (isAdmin: boolean, invitations = [invitation('i1', 'old@example.com')]) => ({
  request: { query: TeamPageQuery, variables: { isAdmin } },
  result: {
    data: {
      team: {
        __typename: 'Team',
        id: 't-1',
        name: 'Analytical Engines',
        members: [member('m1', adminUser.id, adminUser.email, 'ADMIN'), member('m2', 'u-2', 'bob@example.com', 'MEMBER')],
        ...(isAdmin ? { invitations } : {}),
      },
    },
  },
});

describe('TeamPage', () => {
  it('lists members with their roles and pending invitations for admins', async () => {
    renderWithProviders(<TeamPage />, { user: adminUser, mocks: [teamMock(true)] });
    const members = await screen.findByRole('table', { name: 'Members' });
    const rows = within(members).getAllByRole('row');
    expect(rows[1].textContent).toContain('ada@example.com');
    expect(rows[1].textContent).toContain('You');
    expect(rows[2].textContent).toContain('Member');
    // No menu on your own row: you cannot lock yourself out from here.
    expect(within(rows[1]).queryByRole('button')).toBeNull();
    expect(within(rows[2]).getByRole('button', { name: 'More options for bob@example.com' })).toBeTruthy();
    const invitations = screen.getByRole('table', { name: 'Pending invitations' });
    expect(within(invitations).getByText('old@example.com')).toBeTruthy();
  });

  it('invites a member and shows the link once, with a Copy button', async () => {
    const inv = invitation('i2', 'new@example.com');
    const { user } = renderWithProviders(<TeamPage />, {
      user: adminUser,
      mocks: [
        teamMock(true),
        {
          request: { query: InviteMemberMutation, variables: { input: { email: 'taken@example.com', role: 'ADMIN' } } },
          result: { errors: [gqlError('This person is already a member of the team.', 'BAD_USER_INPUT', 'email')] },
        },
        {
          request: { query: InviteMemberMutation, variables: { input: { email: 'new@example.com', role: 'ADMIN' } } },
          result: { data: { inviteMember: { __typename: 'InvitationPayload', token: 'tok_123', invitation: inv } } },
        },
      ],
    });
    await screen.findByRole('table', { name: 'Members' });
    await user.click(screen.getByRole('button', { name: 'Invite member' }));
    const dialog = await screen.findByRole('dialog', { name: 'Invite member' });
    await user.selectOptions(within(dialog).getByLabelText('Role'), 'ADMIN');
    await user.type(within(dialog).getByLabelText('Email'), 'taken@example.com');
    await user.click(within(dialog).getByRole('button', { name: 'Send invitation' }));
    await within(dialog).findByText('This person is already a member of the team.');

    await user.clear(within(dialog).getByLabelText('Email'));
    await user.type(within(dialog).getByLabelText('Email'), 'new@example.com');
    await user.click(within(dialog).getByRole('button', { name: 'Send invitation' }));

    const sent = await screen.findByRole('dialog', { name: 'Invitation sent' });
    const link = within(sent).getByRole('textbox', { name: 'Invitation link' });
    expect(link.getAttribute('value')).toBe(`${window.location.origin}/accept-invitation?token=tok_123`);
    expect(within(sent).getByRole('button', { name: /^Copy/ })).toBeTruthy();

    await user.click(within(sent).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.queryByDisplayValue(/tok_123/)).toBeNull();
    expect(within(screen.getByRole('table', { name: 'Pending invitations' })).getByText('new@example.com')).toBeTruthy();
  });

  it('does not promise an email when no mail relay is set: the invitation is created, not sent', async () => {
    const { user } = renderWithProviders(<TeamPage />, {
      user: adminUser,
      mocks: [
        teamMock(true),
        { request: { query: MailRelayQuery }, result: { data: { sendingPolicy: { __typename: 'SendingPolicy', mailRelay: false } } } },
        {
          request: { query: InviteMemberMutation, variables: { input: { email: 'new@example.com', role: 'MEMBER' } } },
          result: { data: { inviteMember: { __typename: 'InvitationPayload', token: 'tok_9', invitation: invitation('i2', 'new@example.com') } } },
        },
      ],
    });
    await screen.findByRole('table', { name: 'Members' });
    await user.click(screen.getByRole('button', { name: 'Invite member' }));
    const dialog = await screen.findByRole('dialog', { name: 'Invite member' });
    await waitFor(() => expect(dialog.textContent).toContain('No mail relay is set, so no email is sent'));
    expect(dialog.textContent).not.toContain('They will get an email');
    expect(within(dialog).queryByRole('button', { name: 'Send invitation' })).toBeNull();
    await user.type(within(dialog).getByLabelText('Email'), 'new@example.com');
    await user.click(within(dialog).getByRole('button', { name: 'Create invitation' }));
    const created = await screen.findByRole('dialog', { name: 'Invitation created' });
    expect(created.textContent).toContain('no email was sent');
    expect(within(created).getByRole('textbox', { name: 'Invitation link' }).getAttribute('value')).toContain('token=tok_9');
    expect(screen.queryByRole('dialog', { name: 'Invitation sent' })).toBeNull();
  });

  describe('while the page is open', () => {
    afterEach(() => {
      vi.useRealTimers();
      vi.restoreAllMocks();
    });

    /** The team as the server holds it when asked, however often; `asked` counts the page's queries. */
    const liveTeam = (state: { accepted: boolean; asked: number }) => ({
      request: { query: TeamPageQuery, variables: { isAdmin: true } },
      result: () => {
        state.asked++;
        const team = teamMock(true, state.accepted ? [] : [invitation('i1', 'old@example.com')]).result.data.team;
        if (state.accepted) team.members = [...team.members, member('m3', 'u-3', 'old@example.com', 'MEMBER')];
        return { data: { team } };
      },
      maxUsageCount: Number.POSITIVE_INFINITY,
    });

    it('moves an invitation accepted meanwhile from Pending invitations to Members, without a reload', async () => {
      vi.useFakeTimers({ shouldAdvanceTime: true });
      const state = { accepted: false, asked: 0 };
      renderWithProviders(<TeamPage />, { user: adminUser, mocks: [liveTeam(state)] });
      const pending = await screen.findByRole('table', { name: 'Pending invitations' });
      expect(within(pending).getByText('old@example.com')).toBeTruthy();
      expect(within(screen.getByRole('table', { name: 'Members' })).queryByText('old@example.com')).toBeNull();

      state.accepted = true;
      await act(() => vi.advanceTimersByTimeAsync(TEAM_POLL_MS));
      await waitFor(() => expect(within(screen.getByRole('table', { name: 'Members' })).getByText('old@example.com')).toBeTruthy());
      expect(
        screen.queryByRole('table', { name: 'Pending invitations' }) &&
          within(screen.getByRole('table', { name: 'Pending invitations' })).queryByText('old@example.com'),
      ).toBeFalsy();
      expect(screen.getByRole('heading', { name: /Members/ }).textContent).toContain('3');
      expect(screen.getByRole('heading', { name: /Pending invitations/ }).textContent).toContain('0');
    });

    it('asks nothing while the tab is hidden', async () => {
      vi.useFakeTimers({ shouldAdvanceTime: true });
      const state = { accepted: false, asked: 0 };
      renderWithProviders(<TeamPage />, { user: adminUser, mocks: [liveTeam(state)] });
      await screen.findByRole('table', { name: 'Pending invitations' });
      const asked = state.asked;
      vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
      state.accepted = true;
      await act(() => vi.advanceTimersByTimeAsync(3 * TEAM_POLL_MS));
      expect(state.asked).toBe(asked);
      expect(within(screen.getByRole('table', { name: 'Pending invitations' })).getByText('old@example.com')).toBeTruthy();
    });
  });

  it('asks before changing a role, and changes it only once confirmed', async () => {
    let sent = 0;
    const { user } = renderWithProviders(<TeamPage />, {
      user: adminUser,
      mocks: [
        teamMock(true),
        {
          request: { query: UpdateMemberRoleMutation, variables: { id: 'm2', role: 'ADMIN' } },
          result: () => {
            sent++;
            return { data: { updateMemberRole: member('m2', 'u-2', 'bob@example.com', 'ADMIN') } };
          },
        },
      ],
    });
    const members = await screen.findByRole('table', { name: 'Members' });
    await user.click(screen.getByRole('button', { name: 'More options for bob@example.com' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Change role to admin' }));

    const confirm = await screen.findByRole('dialog', { name: 'Change role to admin?' });
    expect(confirm.textContent).toContain('bob@example.com will be able to manage API keys');
    expect(sent).toBe(0);
    // Cancel changes nothing.
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(sent).toBe(0);

    await user.click(screen.getByRole('button', { name: 'More options for bob@example.com' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Change role to admin' }));
    const again = await screen.findByRole('dialog', { name: 'Change role to admin?' });
    await user.click(within(again).getByRole('button', { name: 'Change role to admin' }));
    expect(await screen.findByText(sentence('bob@example.com is now admin'))).toBeTruthy();
    expect(sent).toBe(1);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(within(within(members).getAllByRole('row')[2]).getByText('Admin')).toBeTruthy();
  });

  it('revokes a pending invitation', async () => {
    const { user } = renderWithProviders(<TeamPage />, {
      user: adminUser,
      mocks: [
        teamMock(true),
        {
          request: { query: RevokeInvitationMutation, variables: { id: 'i1' } },
          result: { data: { revokeInvitation: 'i1' } },
        },
      ],
    });
    await screen.findByRole('table', { name: 'Members' });
    await user.click(screen.getByRole('button', { name: 'Revoke invitation for old@example.com' }));
    expect(await screen.findByText('No pending invitations.')).toBeTruthy();
  });

  it('closes the role confirmation and drops a member who left or was removed meanwhile', async () => {
    const { user } = renderWithProviders(<TeamPage />, {
      user: adminUser,
      mocks: [
        teamMock(true),
        {
          request: { query: UpdateMemberRoleMutation, variables: { id: 'm2', role: 'ADMIN' } },
          result: { errors: [gqlError('Member not found.', 'NOT_FOUND')] },
        },
        (() => {
          const mock = teamMock(true);
          const team = mock.result.data.team;
          return { ...mock, result: { data: { team: { ...team, members: team.members.filter((m) => m.id !== 'm2') } } } };
        })(),
      ],
    });
    const table = await screen.findByRole('table', { name: 'Members' });
    await user.click(within(table).getByRole('button', { name: 'More options for bob@example.com' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Change role to admin' }));
    const dialog = await screen.findByRole('dialog', { name: 'Change role to admin?' });
    await user.click(within(dialog).getByRole('button', { name: 'Change role to admin' }));
    expect(await screen.findByText(sentence('bob@example.com is no longer in the team: no role was changed.'))).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(within(table).queryByText('bob@example.com')).toBeNull();
  });

  it('drops an invitation revoked or accepted meanwhile, instead of an error over a row still there', async () => {
    const { user } = renderWithProviders(<TeamPage />, {
      user: adminUser,
      mocks: [
        teamMock(true),
        { request: { query: RevokeInvitationMutation, variables: { id: 'i1' } }, result: { errors: [gqlError('Invitation not found.', 'NOT_FOUND')] } },
        teamMock(true, []),
      ],
    });
    await screen.findByRole('table', { name: 'Members' });
    await user.click(screen.getByRole('button', { name: 'Revoke invitation for old@example.com' }));
    expect(await screen.findByText(sentence('The invitation for old@example.com was already revoked or accepted.'))).toBeTruthy();
    expect(await screen.findByText('No pending invitations.')).toBeTruthy();
    expect(screen.queryByText('Invitation not found.')).toBeNull();
  });

  it('closes the confirmation and drops a member who left or was removed meanwhile', async () => {
    const { user } = renderWithProviders(<TeamPage />, {
      user: adminUser,
      mocks: [
        teamMock(true),
        { request: { query: RemoveMemberMutation, variables: { id: 'm2' } }, result: { errors: [gqlError('Member not found.', 'NOT_FOUND')] } },
        (() => {
          const mock = teamMock(true);
          const team = mock.result.data.team;
          return { ...mock, result: { data: { team: { ...team, members: team.members.filter((m) => m.id !== 'm2') } } } };
        })(),
      ],
    });
    const table = await screen.findByRole('table', { name: 'Members' });
    await user.click(within(table).getByRole('button', { name: 'More options for bob@example.com' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Remove from team' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove member' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove member' }));
    expect(await screen.findByText(sentence('bob@example.com was no longer in the team.'))).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(within(table).queryByText('bob@example.com')).toBeNull();
  });

  it('Copy link issues a new link for a pending invitation, copies it and says so', async () => {
    const link = `${window.location.origin}/accept-invitation?token=tok_new`;
    const { user } = renderWithProviders(<TeamPage />, {
      user: adminUser,
      mocks: [
        teamMock(true),
        {
          request: { query: RenewInvitationLinkMutation, variables: { id: 'i1' } },
          result: {
            data: {
              renewInvitationLink: { __typename: 'InvitationLinkPayload', link, invitation: { __typename: 'Invitation', id: 'i1', expiresAt: iso(7) } },
            },
          },
        },
      ],
    });
    await screen.findByRole('table', { name: 'Members' });
    await user.click(screen.getByRole('button', { name: 'Copy link for old@example.com' }));
    expect(await screen.findByText(sentence('Copied a new invitation link for old@example.com'))).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe(link);
  });

  it('Copy link of an invitation revoked or accepted meanwhile says so and drops it, copying nothing', async () => {
    // It toasted 'Invitation not found.' beside an invitation still pending.
    const { user } = renderWithProviders(<TeamPage />, {
      user: adminUser,
      mocks: [
        teamMock(true),
        { request: { query: RenewInvitationLinkMutation, variables: { id: 'i1' } }, result: { errors: [gqlError('Invitation not found.', 'NOT_FOUND')] } },
        teamMock(true, []),
      ],
    });
    await screen.findByRole('table', { name: 'Members' });
    await navigator.clipboard.writeText('before');
    await user.click(screen.getByRole('button', { name: 'Copy link for old@example.com' }));
    expect(await screen.findByText(sentence('The invitation for old@example.com was revoked or accepted meanwhile: there is no link to copy.'))).toBeTruthy();
    expect(await screen.findByText('No pending invitations.')).toBeTruthy();
    expect(screen.queryByText('Invitation not found.')).toBeNull();
    expect(await navigator.clipboard.readText()).toBe('before');
  });

  it('shows members neither invitations nor controls', async () => {
    renderWithProviders(<TeamPage />, { user: memberUser, mocks: [teamMock(false)] });
    await screen.findByRole('table', { name: 'Members' });
    expect(screen.queryByRole('table', { name: 'Pending invitations' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Invite member' })).toBeNull();
    expect(screen.queryByRole('button', { name: /More options/ })).toBeNull();
  });
});
