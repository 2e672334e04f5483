import { screen } from '@testing-library/react';
import { lazy } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, renderWithProviders } from '../test/render';
import { AppShell } from './AppShell';
import { MailRelayQuery } from './mail-relay';

const relay = { request: { query: MailRelayQuery }, result: { data: { sendingPolicy: { __typename: 'SendingPolicy', mailRelay: true } } } };

describe('AppShell', () => {
  it('says a page could not be loaded, and keeps the navigation, when its code fails to load (the server stopped, or a new version replaced the files)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const Broken = lazy(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module: /assets/LogsPage-abc123.js')));
    renderWithProviders(
      <AppShell>
        <Broken />
      </AppShell>,
      { user: adminUser, mocks: [relay] },
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('This page could not be loaded: the server did not answer');
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
    vi.restoreAllMocks();
  });
});
