import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LocationProbe } from '../../test/LocationProbe';
import { gqlError, renderWithProviders } from '../../test/render';
import { ResetPasswordMutation } from './hooks/useResetPasswordMutation';
import { ResetPasswordPage } from './ResetPasswordPage';

const input = { token: 'reset_token', password: 'a brand new passphrase' };

const renderPage = (mocks: unknown[], route = `/reset-password?token=${input.token}`) =>
  renderWithProviders(
    <>
      <ResetPasswordPage />
      <LocationProbe />
    </>,
    { route, mocks: mocks as never[] },
  );

const submit = async (user: ReturnType<typeof renderPage>['user'], password = input.password) => {
  await user.type(screen.getByLabelText('New password'), password);
  await user.click(screen.getByRole('button', { name: 'Set new password' }));
};

describe('ResetPasswordPage', () => {
  it('sets the new password and opens the dashboard, signed in', async () => {
    const { user } = renderPage([
      {
        request: { query: ResetPasswordMutation, variables: { input } },
        result: {
          data: {
            resetPassword: { __typename: 'User', id: 'u-1', email: 'ada@example.com', role: 'ADMIN', team: { __typename: 'Team', id: 't-1', name: 'Acme' } },
          },
        },
      },
    ]);
    await submit(user);
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/api-keys'));
  });

  it('shows a used or expired link in the form, with a way to ask for a new one', async () => {
    const { user } = renderPage([
      {
        request: { query: ResetPasswordMutation, variables: { input } },
        result: { errors: [gqlError('This password reset link is invalid, already used or expired. Ask for a new one.', 'BAD_USER_INPUT', 'token')] },
      },
    ]);
    await submit(user);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('This password reset link is invalid, already used or expired. Ask for a new one.');
    expect(screen.getByRole('link', { name: 'Ask for a new one' }).getAttribute('href')).toBe('/forgot-password');
    expect(screen.getByTestId('location').textContent).toBe(`/reset-password?token=${input.token}`);
  });

  it('checks the length before asking, and shows the server refusal beside the field', async () => {
    const { user } = renderPage([
      {
        request: { query: ResetPasswordMutation, variables: { input } },
        result: { errors: [gqlError('Password must be at most 256 characters.', 'BAD_USER_INPUT', 'password')] },
      },
    ]);
    await submit(user, 'short');
    expect(screen.getByText('Password must be at least 10 characters.')).toBeTruthy();
    await user.clear(screen.getByLabelText('New password'));
    await submit(user);
    expect(await screen.findByText('Password must be at most 256 characters.')).toBeTruthy();
  });

  it('says the password is changed when the account is in no team', async () => {
    const { user } = renderPage([{ request: { query: ResetPasswordMutation, variables: { input } }, result: { data: { resetPassword: null } } }]);
    await submit(user);
    expect(await screen.findByRole('heading', { name: 'Your password is changed' })).toBeTruthy();
  });

  it('without a token, asks for the full link', () => {
    renderPage([], '/reset-password');
    expect(screen.getByRole('heading', { name: 'Reset link is incomplete' })).toBeTruthy();
    expect(screen.queryByLabelText('New password')).toBeNull();
  });
});
