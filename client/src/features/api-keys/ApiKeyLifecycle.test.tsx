import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, memberUser, renderWithProviders } from '../../test/render';
import { TeamAdminsQuery } from '../team/components/AdminsOnlyNote';
import { ApiKeysPage } from './ApiKeysPage';
import { ExpirePreviousApiKeyTokenMutation } from './hooks/useExpirePreviousTokenMutation';
import { UpdateApiKeyMutation } from './hooks/useUpdateApiKeyMutation';
import { apiKey, pageMock, recentUsageMock } from './test-fixtures';

const inAnHour = new Date(Date.now() + 58.5 * 60_000).toISOString();
const rolled = apiKey('k1', 'Rolled', {
  tokenStart: 're_New12',
  previousTokenStart: 're_Qa2Kx',
  previousTokenExpiresAt: inAnHour,
});
const paused = apiKey('k2', 'Paused', { enabled: false });

const row = (name: string) => {
  const found = within(screen.getByRole('table', { name: 'API keys' }))
    .getAllByRole('row')
    .find((r) => within(r).queryByRole('link', { name }));
  if (!found) throw new Error(`no row for ${name}`);
  return found;
};

describe('API key rows: old token, disabled keys, the last 7 days', () => {
  it("shows a rolled key's old token with its countdown, and Expire now ends it", async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock([rolled, paused]),
        recentUsageMock([
          { id: 'k1', recentRequests: [0, 2, 0, 0, 5, 0, 3], recentErrorRate: 0.2 },
          { id: 'k2', recentRequests: [0, 0, 0, 0, 0, 0, 0], recentErrorRate: null },
        ]),
        {
          request: { query: ExpirePreviousApiKeyTokenMutation, variables: { id: 'k1' } },
          result: { data: { expirePreviousApiKeyToken: { ...rolled, previousTokenStart: null, previousTokenExpiresAt: null } } },
        },
      ],
    });
    await screen.findByRole('table', { name: 'API keys' });
    expect(row('Rolled').textContent).toContain('re_Qa2Kx… stops working in 58 min');
    await within(row('Rolled')).findByRole('img', { name: /in the last 7 days/ });
    expect(within(row('Rolled')).getByRole('img', { name: '10 requests in the last 7 days, 20% errors' })).toBeTruthy();
    expect(within(row('Paused')).getByText('Disabled')).toBeTruthy();
    expect(within(row('Paused')).getByRole('img', { name: '0 requests in the last 7 days' })).toBeTruthy();

    await user.click(within(row('Rolled')).getByRole('button', { name: 'Expire now: the old token of Rolled' }));
    await waitFor(() => expect(row('Rolled').textContent).not.toContain('re_Qa2Kx'));
    expect(await screen.findByText('The old token of Rolled no longer works')).toBeTruthy();
  });

  it('disables a key after a confirmation, and enables a disabled one at once', async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock([rolled, paused]),
        {
          request: { query: UpdateApiKeyMutation, variables: { id: 'k1', input: { enabled: false } } },
          result: { data: { updateApiKey: { ...rolled, enabled: false } } },
        },
        pageMock([{ ...rolled, enabled: false }, paused]),
        {
          request: { query: UpdateApiKeyMutation, variables: { id: 'k2', input: { enabled: true } } },
          result: { data: { updateApiKey: { ...paused, enabled: true } } },
        },
        pageMock([
          { ...rolled, enabled: false },
          { ...paused, enabled: true },
        ]),
      ],
    });
    await screen.findByRole('table', { name: 'API keys' });
    expect(screen.getByRole('button', { name: 'Disabled 1' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'More options for Rolled' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Disable API key' }));
    const confirm = await screen.findByRole('dialog', { name: 'Disable API key “Rolled”?' });
    expect(confirm.textContent).toContain('This API key is disabled.');
    await user.click(within(confirm).getByRole('button', { name: 'Disable API key' }));
    expect(await screen.findByText('Disabled Rolled')).toBeTruthy();
    await waitFor(() => expect(within(row('Rolled')).getByText('Disabled')).toBeTruthy());

    await user.click(screen.getByRole('button', { name: 'More options for Paused' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Enable API key' }));
    expect(await screen.findByText('Enabled Paused')).toBeTruthy();
    await waitFor(() => expect(within(row('Paused')).queryByText('Disabled')).toBeNull());
  });

  it('tells members why there is no Create button, and who the admins are', async () => {
    renderWithProviders(<ApiKeysPage />, {
      user: memberUser,
      mocks: [
        pageMock([rolled]),
        {
          request: { query: TeamAdminsQuery },
          result: {
            data: {
              team: {
                __typename: 'Team',
                id: 't-1',
                members: [
                  { __typename: 'Member', id: 'm1', role: 'ADMIN', user: { __typename: 'User', id: 'u-1', email: 'ada@example.com' } },
                  { __typename: 'Member', id: 'm2', role: 'MEMBER', user: { __typename: 'User', id: 'u-2', email: 'bob@example.com' } },
                ],
              },
            },
          },
        },
      ],
    });
    const note = await screen.findByRole('note');
    await waitFor(() => expect(note.textContent).toBe('Only admins can create, edit, roll, disable or remove keys. Ask the admin: ada@example.com.'));
    // Members see the old token's countdown but cannot expire it.
    await screen.findByRole('table', { name: 'API keys' });
    expect(row('Rolled').textContent).toContain('stops working in');
    expect(screen.queryByRole('button', { name: /Expire now/ })).toBeNull();
  });
});
