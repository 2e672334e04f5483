import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DomainsPageQuery } from '../features/domains/documents';
import { adminUser, renderWithProviders, thresholds } from '../test/render';
import { createCache } from './apollo';
import { AppRoutes } from './routes';
import { SessionQuery, ThresholdsQuery } from './session';

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
});
