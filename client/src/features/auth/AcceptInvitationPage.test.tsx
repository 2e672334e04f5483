import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LocationProbe } from '../../test/LocationProbe';
import { gqlError, renderWithProviders } from '../../test/render';
import { AcceptInvitationPage, InvitationPreviewQuery } from './AcceptInvitationPage';
import { AcceptInvitationMutation } from './hooks/useAcceptInvitationMutation';

const input = { token: 'inv_token', password: 'a long password' };

const renderPage = (mocks: unknown[]) =>
  renderWithProviders(
    <>
      <AcceptInvitationPage />
      <LocationProbe />
    </>,
    { route: `/accept-invitation?token=${input.token}`, mocks: mocks as never[] },
  );

const previewMock = (invitationPreview: { teamName: string; email: string; expiresAt: string } | null) => ({
  request: { query: InvitationPreviewQuery, variables: { token: input.token } },
  result: { data: { invitationPreview: invitationPreview && { __typename: 'InvitationPreview', ...invitationPreview } } },
});

describe('AcceptInvitationPage', () => {
  it('names the team and the address the invitation is for', async () => {
    renderPage([previewMock({ teamName: 'Analytical Engines', email: 'bob@example.com', expiresAt: new Date(Date.now() + 86_400_000).toISOString() })]);
    expect(await screen.findByRole('heading', { name: 'Join Analytical Engines on Keyring' })).toBeTruthy();
    expect(screen.getByText('bob@example.com')).toBeTruthy();
  });

  it('isolates the team name and the address, as written, from the sentence around them (right-to-left names)', async () => {
    renderPage([previewMock({ teamName: 'שלום!', email: 'bob@example.com', expiresAt: new Date(Date.now() + 86_400_000).toISOString() })]);
    const heading = await screen.findByRole('heading', { name: 'Join שלום! on Keyring' });
    expect(heading.querySelector('bdi')?.textContent).toBe('שלום!');
    expect(screen.getByText('bob@example.com').getAttribute('dir')).toBe('auto');
  });

  it('says when the link no longer works, without a form', async () => {
    renderPage([previewMock(null)]);
    expect(await screen.findByRole('heading', { name: 'This invitation no longer works' })).toBeTruthy();
    expect(screen.queryByLabelText('Password')).toBeNull();
  });

  it('joins the team and opens the API keys', async () => {
    const { user } = renderPage([
      previewMock({ teamName: 'Analytical Engines', email: 'bob@example.com', expiresAt: new Date(Date.now() + 86_400_000).toISOString() }),
      {
        request: { query: AcceptInvitationMutation, variables: { input } },
        result: {
          data: {
            acceptInvitation: {
              __typename: 'User',
              id: 'u-2',
              email: 'bob@example.com',
              role: 'MEMBER',
              team: { __typename: 'Team', id: 't-1', name: 'Analytical Engines' },
            },
          },
        },
      },
    ]);
    await screen.findByRole('heading', { name: 'Join Analytical Engines on Keyring' });
    await user.type(screen.getByLabelText('Password'), input.password);
    await user.click(screen.getByRole('button', { name: 'Accept invitation' }));
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/api-keys'));
  });

  it('shows a refused invitation in the form and stays', async () => {
    const { user } = renderPage([
      {
        request: { query: AcceptInvitationMutation, variables: { input } },
        result: { errors: [gqlError('This invitation has expired or was already used.', 'BAD_USER_INPUT')] },
      },
    ]);
    await user.type(screen.getByLabelText('Password'), input.password);
    await user.click(screen.getByRole('button', { name: 'Accept invitation' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('This invitation has expired or was already used.');
    expect(screen.getByRole('form', { name: 'Accept invitation' }).contains(alert)).toBe(true);
    expect(screen.getByTestId('location').textContent).toBe(`/accept-invitation?token=${input.token}`);
  });

  it('shows a password error beside the field', async () => {
    const { user } = renderPage([
      {
        request: { query: AcceptInvitationMutation, variables: { input } },
        result: { errors: [gqlError('Password must be at least 10 characters.', 'BAD_USER_INPUT', 'password')] },
      },
    ]);
    await user.type(screen.getByLabelText('Password'), input.password);
    await user.click(screen.getByRole('button', { name: 'Accept invitation' }));
    expect(await screen.findByText('Password must be at least 10 characters.')).toBeTruthy();
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBe('true');
  });
});
