import { ApolloLink } from '@apollo/client';
import { MockLink } from '@apollo/client/testing';
import { screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { TeamAdminsQuery } from '../features/team/components/AdminsOnlyNote';
import { TeamPageQuery } from '../features/team/documents';
import { UpdateMemberRoleMutation } from '../features/team/hooks/useUpdateMemberRoleMutation';
import { TeamPage } from '../features/team/TeamPage';
import { adminUser, gqlError, memberUser, renderWithProviders, thresholds } from '../test/render';
import { sessionLink } from './apollo';
import { RequireAuth } from './guards';
import { MailRelayQuery } from './mail-relay';
import { SessionQuery, type SessionUser, ThresholdsQuery } from './session';

const session = (me: SessionUser) => ({
  request: { query: SessionQuery },
  result: { data: { me: { __typename: 'User', ...me, team: me.team && { __typename: 'Team', ...me.team } } } },
});

const members = [
  { __typename: 'Member', id: 'm1', role: 'ADMIN', createdAt: new Date().toISOString(), user: { __typename: 'User', id: 'u-9', email: 'eve@example.com' } },
  { __typename: 'Member', id: 'm2', role: 'MEMBER', createdAt: new Date().toISOString(), user: { __typename: 'User', id: 'u-3', email: 'bob@example.com' } },
];

const team = (isAdmin: boolean) => ({
  request: { query: TeamPageQuery, variables: { isAdmin } },
  result: { data: { team: { __typename: 'Team', id: 't-1', name: 'Analytical Engines', members, ...(isAdmin ? { invitations: [] } : {}) } } },
});

describe('the session link', () => {
  it('asks who is signed in again when the server says only admins can do this, so a demoted admin sees the member view', async () => {
    // Ada was made a member in another tab: her page still shows her as an admin.
    const me = { ...adminUser, id: 'u-1' };
    const mocks = [
      session(me),
      { request: { query: ThresholdsQuery }, result: { data: { thresholds: { __typename: 'Thresholds', ...thresholds } } } },
      { request: { query: MailRelayQuery }, result: { data: { sendingPolicy: { __typename: 'SendingPolicy', mailRelay: true } } } },
      team(true),
      {
        request: { query: UpdateMemberRoleMutation, variables: { id: 'm2', role: 'ADMIN' } },
        result: { errors: [gqlError('Only admins can do this.', 'FORBIDDEN')] },
      },
      session({ ...memberUser, id: 'u-1', email: me.email }),
      team(false),
      { request: { query: TeamAdminsQuery }, result: { data: { team: { __typename: 'Team', id: 't-1', members } } } },
    ];
    const { user } = renderWithProviders(
      <Routes>
        <Route element={<RequireAuth />}>
          <Route path="/team" element={<TeamPage />} />
        </Route>
      </Routes>,
      { route: '/team', link: ApolloLink.from([sessionLink, new MockLink(mocks)]) },
    );
    await screen.findByRole('table', { name: 'Members' });
    expect(screen.getByText('Admin', { selector: '.team-switch .badge' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'More options for bob@example.com' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Change role to admin' }));
    const confirm = await screen.findByRole('dialog', { name: 'Change role to admin?' });
    await user.click(within(confirm).getByRole('button', { name: 'Change role to admin' }));
    expect(await screen.findByText('Only admins can do this.')).toBeTruthy();

    // The session, asked again, says member: the badge and the admin buttons follow.
    await waitFor(() => expect(screen.getByText('Member', { selector: '.team-switch .badge' })).toBeTruthy());
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Invite member' })).toBeNull());
    expect(screen.queryByRole('button', { name: /^More options for / })).toBeNull();
  });
});
