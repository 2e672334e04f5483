import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, gqlError, renderWithProviders } from '../../test/render';
import { AccountPage } from './AccountPage';
import { describeDevice } from './components/device';
import { AccountSessionsQuery } from './documents';
import { ChangePasswordMutation, RevokeSessionMutation, SignOutOtherSessionsMutation } from './hooks/useAccountMutations';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.8078.73 Safari/537.36';
const SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const iso = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const session = (id: string, current: boolean, userAgent: string | null, ip = '203.0.113.7') => ({
  __typename: 'Session',
  id,
  current,
  teamName: 'Analytical Engines',
  userAgent,
  ip,
  createdAt: iso(-2),
  expiresAt: iso(28),
});
const sessionsMock = (sessions: ReturnType<typeof session>[]) => ({ request: { query: AccountSessionsQuery }, result: { data: { sessions } } });
const twoSessions = [session('s-here', true, CHROME, '127.0.0.1'), session('s-phone', false, SAFARI)];

describe('describeDevice', () => {
  it('names the browser and system, or says it does not know', () => {
    expect(describeDevice(CHROME)).toBe('Chrome 156 on Linux');
    expect(describeDevice(SAFARI)).toBe('Safari 18 on iOS');
    expect(describeDevice(null)).toBe('Unknown browser');
    expect(describeDevice('curl/8.5.0')).toBe('curl/8.5.0');
    // Whoever signs in chooses it: a long one is cut, so it cannot push the page sideways.
    expect(describeDevice('A'.repeat(300))).toBe(`${'A'.repeat(59)}…`);
  });
});

describe('AccountPage', () => {
  it('lists the sessions, marks this browser and offers to sign out the others', async () => {
    renderWithProviders(<AccountPage />, { user: adminUser, mocks: [sessionsMock(twoSessions)] });
    const table = await screen.findByRole('table', { name: 'Sessions' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1].textContent).toContain('Chrome 156 on Linux');
    expect(rows[1].textContent).toContain('This browser');
    expect(within(rows[1]).queryByRole('button')).toBeNull();
    expect(within(rows[2]).getByRole('button', { name: 'Sign out Safari 18 on iOS, signed in from 203.0.113.7' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign out other sessions' })).toHaveProperty('disabled', false);
  });

  it('cannot sign out other sessions when there are none', async () => {
    renderWithProviders(<AccountPage />, { user: adminUser, mocks: [sessionsMock([session('s-here', true, CHROME)])] });
    await screen.findByRole('table', { name: 'Sessions' });
    expect(screen.getByRole('button', { name: 'Sign out other sessions' })).toHaveProperty('disabled', true);
  });

  it('signs out the other sessions after confirming, and says how many', async () => {
    const { user } = renderWithProviders(<AccountPage />, {
      user: adminUser,
      mocks: [
        sessionsMock(twoSessions),
        { request: { query: SignOutOtherSessionsMutation }, result: { data: { signOutOtherSessions: 1 } } },
        sessionsMock([twoSessions[0]]),
      ],
    });
    await screen.findByRole('table', { name: 'Sessions' });
    await user.click(screen.getByRole('button', { name: 'Sign out other sessions' }));
    const dialog = await screen.findByRole('dialog', { name: 'Sign out other sessions' });
    expect(dialog.textContent).toContain('1 other session will be signed out');
    await user.click(within(dialog).getByRole('button', { name: 'Sign out other sessions' }));
    expect(await screen.findByText('Signed out of 1 other session.')).toBeTruthy();
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Sessions' })).getAllByRole('row')).toHaveLength(2));
  });

  it('puts focus on the page heading after signing out the others, not on the body, since the button that opened the dialog is now disabled', async () => {
    const { user } = renderWithProviders(
      <main>
        <AccountPage />
      </main>,
      {
        user: adminUser,
        mocks: [
          sessionsMock(twoSessions),
          { request: { query: SignOutOtherSessionsMutation }, result: { data: { signOutOtherSessions: 1 } } },
          // The list comes back after the mutation: the dialog must not close on a button about to be disabled.
          { ...sessionsMock([twoSessions[0]]), delay: 200 },
        ],
      },
    );
    await screen.findByRole('table', { name: 'Sessions' });
    await user.click(screen.getByRole('button', { name: 'Sign out other sessions' }));
    const dialog = await screen.findByRole('dialog', { name: 'Sign out other sessions' });
    await user.click(within(dialog).getByRole('button', { name: 'Sign out other sessions' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(screen.getByRole('button', { name: 'Sign out other sessions' })).toHaveProperty('disabled', true));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Account', level: 1 })));
  });

  it('signs out one session and drops its row', async () => {
    const { user } = renderWithProviders(<AccountPage />, {
      user: adminUser,
      mocks: [
        sessionsMock(twoSessions),
        { request: { query: RevokeSessionMutation, variables: { id: 's-phone' } }, result: { data: { revokeSession: 's-phone' } } },
      ],
    });
    await screen.findByRole('table', { name: 'Sessions' });
    await user.click(screen.getByRole('button', { name: /^Sign out Safari 18 on iOS/ }));
    expect(await screen.findByText('Signed out Safari 18 on iOS')).toBeTruthy();
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Sessions' })).getAllByRole('row')).toHaveLength(2));
  });

  it('drops a session that had already ended (expired, or signed out elsewhere) and says so', async () => {
    // It toasted 'Session not found.' and the row stayed, refused again at each try until a reload.
    const { user } = renderWithProviders(<AccountPage />, {
      user: adminUser,
      mocks: [
        sessionsMock(twoSessions),
        { request: { query: RevokeSessionMutation, variables: { id: 's-phone' } }, result: { errors: [gqlError('Session not found.', 'NOT_FOUND')] } },
      ],
    });
    await screen.findByRole('table', { name: 'Sessions' });
    await user.click(screen.getByRole('button', { name: /^Sign out Safari 18 on iOS/ }));
    expect(await screen.findByText('Safari 18 on iOS was already signed out.')).toBeTruthy();
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Sessions' })).getAllByRole('row')).toHaveLength(2));
    expect(screen.queryByText('Session not found.')).toBeNull();
  });

  it('asks for the sessions again when its tab is shown again: a sign-in elsewhere meanwhile shows', async () => {
    renderWithProviders(<AccountPage />, {
      user: adminUser,
      mocks: [sessionsMock([twoSessions[0]]), sessionsMock(twoSessions)],
    });
    const table = await screen.findByRole('table', { name: 'Sessions' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      visibility.mockReturnValue('visible');
      document.dispatchEvent(new Event('visibilitychange'));
      await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
      expect(within(table).getByText(/Safari 18 on iOS/)).toBeTruthy();
    } finally {
      visibility.mockRestore();
    }
  });

  it('changes the password: blank and mismatched fields are caught here, a wrong current password beside its field', async () => {
    const { user } = renderWithProviders(<AccountPage />, {
      user: adminUser,
      mocks: [
        sessionsMock(twoSessions),
        {
          request: { query: ChangePasswordMutation, variables: { input: { currentPassword: 'wrong one', newPassword: 'a new long password' } } },
          result: { errors: [gqlError('Your current password is not correct.', 'BAD_USER_INPUT', 'currentPassword')] },
        },
        {
          request: { query: ChangePasswordMutation, variables: { input: { currentPassword: 'the right one', newPassword: 'a new long password' } } },
          result: { data: { changePassword: 1 } },
        },
        sessionsMock([twoSessions[0]]),
      ],
    });
    const form = await screen.findByRole('form', { name: 'Change password' });
    const current = within(form).getByLabelText('Current password');
    const next = within(form).getByLabelText('New password');
    const confirm = within(form).getByLabelText('Confirm new password');
    await user.click(within(form).getByRole('button', { name: 'Change password' }));
    expect(within(form).getByText('Enter your current password.')).toBeTruthy();
    expect(within(form).getByText('Enter a new password.')).toBeTruthy();

    await user.type(current, 'wrong one');
    await user.type(next, 'a new long password');
    await user.type(confirm, 'a new long passwort');
    await user.click(within(form).getByRole('button', { name: 'Change password' }));
    expect(within(form).getByText('The two new passwords differ.')).toBeTruthy();

    await user.clear(confirm);
    await user.type(confirm, 'a new long password');
    await user.click(within(form).getByRole('button', { name: 'Change password' }));
    expect(await within(form).findByText('Your current password is not correct.')).toBeTruthy();
    expect(current.getAttribute('aria-invalid')).toBe('true');

    await user.clear(current);
    await user.type(current, 'the right one');
    await user.click(within(form).getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Password changed. Signed out of 1 other session.')).toBeTruthy();
    await waitFor(() => expect((current as HTMLInputElement).value).toBe(''));
  });
});
