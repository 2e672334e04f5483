import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SignInMutation } from '../features/auth/hooks/useSignInMutation';
import { DomainsPageQuery } from '../features/domains/documents';
import { adminUser, gqlError, renderWithProviders, thresholds } from '../test/render';
import { createCache } from './apollo';
import { AppRoutes } from './routes';
import { SessionQuery, ThresholdsQuery } from './session';
import { SwitchTeamMutation } from './TeamSwitcher';

const session = (me: typeof adminUser | null) => ({
  request: { query: SessionQuery },
  result: {
    data: {
      me: me && { __typename: 'User', ...me, team: me.team && { __typename: 'Team', ...me.team } },
    },
  },
});

const thresholdsMock = {
  request: { query: ThresholdsQuery },
  result: { data: { thresholds: { __typename: 'Thresholds', ...thresholds } } },
  maxUsageCount: Number.POSITIVE_INFINITY,
};

// The first visit loads the lazy page chunk (transformed on demand by vitest): it took over the
// default 1 s wait under load, so these waits allow 15 s.
const LOAD = { timeout: 15_000 };

describe('routing', () => {
  it('sends a signed-out visitor to sign in', { timeout: 30_000 }, async () => {
    renderWithProviders(<AppRoutes />, { route: '/domains', mocks: [thresholdsMock, session(null)] });
    expect(await screen.findByRole('heading', { name: 'Sign in to Keyring' }, LOAD)).toBeTruthy();
    // The title is set by an effect just after the heading renders.
    await waitFor(() => expect(document.title).toBe('Sign in · Keyring'), LOAD);
    // A plain visit: no session ended here.
    expect(screen.queryByText(/Your session has ended/)).toBeNull();
  });

  it('says so when the session ends while the dashboard is open', { timeout: 30_000 }, async () => {
    const cache = createCache();
    renderWithProviders(<AppRoutes />, {
      route: '/domains',
      cache,
      mocks: [thresholdsMock, session(adminUser), { request: { query: DomainsPageQuery }, result: { data: { domains: [] } } }],
    });
    expect(await screen.findByRole('heading', { name: 'Domains', level: 1 }, LOAD)).toBeTruthy();
    // What the session link does when an operation answers UNAUTHENTICATED (expired, signed out elsewhere).
    act(() => cache.writeQuery({ query: SessionQuery, data: { me: null } }));
    expect(await screen.findByRole('heading', { name: 'Sign in to Keyring' }, LOAD)).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Your session has ended. Sign in again to go back to where you were.');
  });

  it('shows the dashboard shell to a signed-in user, starting at API Keys', { timeout: 30_000 }, async () => {
    renderWithProviders(<AppRoutes />, { route: '/', mocks: [thresholdsMock, session(adminUser)] });
    expect(await screen.findByRole('heading', { name: 'API Keys', level: 1 }, LOAD)).toBeTruthy();
    expect(document.title).toBe('API Keys · Keyring');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    for (const name of ['API Keys', 'Logs', 'Domains', 'Exports', 'Team']) {
      expect(screen.getByRole('link', { name })).toBeTruthy();
    }
    expect(nav.querySelector('[aria-current="page"]')?.textContent).toBe('API Keys');
    expect(screen.getByText('Analytical Engines')).toBeTruthy();
    expect(screen.getByText('ada@example.com')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
  });

  it('sends a signed-in user away from sign-in', { timeout: 30_000 }, async () => {
    renderWithProviders(<AppRoutes />, {
      route: '/sign-in',
      mocks: [thresholdsMock, session(adminUser), { request: { query: DomainsPageQuery }, result: { data: { domains: [] } } }],
    });
    expect(await screen.findByRole('heading', { name: 'API Keys', level: 1 }, LOAD)).toBeTruthy();
  });

  it('keeps a form being filled in when the session ends, and signs in again over it into the same team', { timeout: 30_000 }, async () => {
    const cache = createCache();
    // Ada had moved to her second team; a sign-in lands in her first.
    const inSecondTeam = { ...adminUser, team: { id: 't-2', name: 'Difference Engines' } };
    const credentials = { input: { email: 'ada@example.com', password: 'correct horse' } };
    let switched = 0;
    const { user } = renderWithProviders(<AppRoutes />, {
      route: '/domains',
      cache,
      mocks: [
        thresholdsMock,
        session(inSecondTeam),
        { request: { query: DomainsPageQuery }, result: { data: { domains: [] } }, maxUsageCount: Number.POSITIVE_INFINITY },
        {
          request: { query: SignInMutation, variables: { input: { ...credentials.input, password: 'wrong' } } },
          result: { errors: [gqlError('Invalid email or password.', 'UNAUTHENTICATED')] },
        },
        {
          request: { query: SignInMutation, variables: credentials },
          result: { data: { signIn: { __typename: 'User', ...adminUser, team: { __typename: 'Team', ...adminUser.team } } } },
        },
        {
          request: { query: SwitchTeamMutation, variables: { teamId: 't-2' } },
          result: () => {
            switched += 1;
            return { data: { switchTeam: { __typename: 'User', id: 'u-1' } } };
          },
        },
        session(inSecondTeam),
      ],
    });
    expect(await screen.findByRole('heading', { name: 'Domains', level: 1 }, LOAD)).toBeTruthy();
    await user.click((await screen.findAllByRole('button', { name: 'Add domain' }, LOAD))[0]);
    const form = await screen.findByRole('dialog', { name: 'Add domain' });
    await user.type(within(form).getByLabelText('Name'), 'mail.example.com');

    act(() => cache.writeQuery({ query: SessionQuery, data: { me: null } }));
    const again = await screen.findByRole('dialog', { name: 'Your session has ended' }, LOAD);
    expect(again.textContent).toContain('You were signed in as ada@example.com.');
    await waitFor(() => expect(document.activeElement).toBe(within(again).getByLabelText('Password')));
    expect(screen.queryByRole('heading', { name: 'Sign in to Keyring' })).toBeNull();

    await user.type(within(again).getByLabelText('Password'), 'wrong');
    await user.click(within(again).getByRole('button', { name: 'Sign in' }));
    expect((await within(again).findByRole('alert')).textContent).toBe('Invalid email or password.');

    await user.clear(within(again).getByLabelText('Password'));
    await user.type(within(again).getByLabelText('Password'), 'correct horse');
    await user.click(within(again).getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Your session has ended' })).toBeNull(), LOAD);
    // Back in the team the form was for, with what was typed.
    expect(switched).toBe(1);
    expect(screen.getByText('Difference Engines')).toBeTruthy();
    expect((within(screen.getByRole('dialog', { name: 'Add domain' })).getByLabelText('Name') as HTMLInputElement).value).toBe('mail.example.com');
  });
});
