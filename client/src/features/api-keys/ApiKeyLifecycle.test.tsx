import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, gqlError, memberUser, renderWithProviders } from '../../test/render';
import { TeamAdminsQuery } from '../team/components/AdminsOnlyNote';
import { ApiKeysPage } from './ApiKeysPage';
import { ExpirePreviousTokenMutation } from './hooks/useExpirePreviousTokenMutation';
import { UpdateApiKeyMutation } from './hooks/useUpdateApiKeyMutation';
import { apiKey, type MockKey, pageMock, recentUsageMock } from './test-fixtures';
import { sentence } from '../../test/text';

const inAnHour = new Date(Date.now() + 58.5 * 60_000).toISOString();
const rolled = apiKey('k1', 'Rolled', {
  tokenStart: 're_New12',
  previousTokenStart: 're_Qa2Kx',
  previousTokenExpiresAt: inAnHour,
});
const paused = apiKey('k2', 'Paused', { enabled: false });

/**
 * The page asks its queries again every LIVE_POLL_MS (5 s), and on a loaded machine a poll comes
 * during a test. Mocks answered once each, in order, let a poll take the answer meant for the
 * refetch after a mutation (the list read "Disabled 2" before anything was disabled), or find none
 * left (an error). So the page's queries are answered like a server: from the keys as they are
 * when asked, however often.
 */
const livePage = (keys: () => readonly MockKey[]) => ({
  ...pageMock(keys()),
  result: () => pageMock(keys()).result,
  maxUsageCount: Number.POSITIVE_INFINITY,
});
const liveUsage = (...args: Parameters<typeof recentUsageMock>) => ({ ...recentUsageMock(...args), maxUsageCount: Number.POSITIVE_INFINITY });

const row = (name: string) => {
  const found = within(screen.getByRole('table', { name: 'API keys' }))
    .getAllByRole('row')
    .find((r) => within(r).queryByRole('link', { name }));
  if (!found) throw new Error(`no row for ${name}`);
  return found;
};

describe('API key rows: old token, disabled keys, the last 7 days', () => {
  it("shows a rolled key's old token with its countdown, and Expire now ends it after a confirmation", async () => {
    let keys = [rolled, paused];
    const { user } = renderWithProviders(
      <main>
        <ApiKeysPage />
      </main>,
      {
        user: adminUser,
        mocks: [
          livePage(() => keys),
          liveUsage([
            { id: 'k1', recentRequests: [0, 2, 0, 0, 5, 0, 3], recentErrorRate: 0.2 },
            { id: 'k2', recentRequests: [0, 0, 0, 0, 0, 0, 0], recentErrorRate: null },
          ]),
          {
            request: { query: ExpirePreviousTokenMutation, variables: { id: 'k1' } },
            result: () => {
              const expired = { ...rolled, previousTokenStart: null, previousTokenExpiresAt: null };
              keys = [expired, paused];
              return { data: { expirePreviousToken: expired } };
            },
          },
        ],
      },
    );
    await screen.findByRole('table', { name: 'API keys' });
    expect(row('Rolled').textContent).toContain('re_Qa2Kx… stops working in 58 min');
    await within(row('Rolled')).findByRole('img', { name: /in the last 7 days/ });
    expect(within(row('Rolled')).getByRole('img', { name: '10 requests in the last 7 days, 20% errors' })).toBeTruthy();
    expect(within(row('Paused')).getByText('Disabled')).toBeTruthy();
    expect(within(row('Paused')).getByRole('img', { name: '0 requests in the last 7 days' })).toBeTruthy();

    // Nothing happens before a confirmation naming the token; Cancel leaves it, focus back on the button.
    const expireNow = within(row('Rolled')).getByRole('button', { name: 'Expire now: the old token of Rolled' });
    await user.click(expireNow);
    let confirm = await screen.findByRole('dialog', { name: 'Expire the old token of “Rolled”?' });
    expect(confirm.textContent).toContain('re_Qa2Kx…');
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(row('Rolled').textContent).toContain('re_Qa2Kx');
    await waitFor(() => expect(document.activeElement).toBe(expireNow));

    await user.click(expireNow);
    confirm = await screen.findByRole('dialog', { name: 'Expire the old token of “Rolled”?' });
    await user.click(within(confirm).getByRole('button', { name: 'Expire now' }));
    await waitFor(() => expect(row('Rolled').textContent).not.toContain('re_Qa2Kx'));
    expect(await screen.findByText(sentence('The old token of Rolled no longer works'))).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // The button is gone with the old token: focus goes to the page heading, not to <body>.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'API Keys', level: 1 })));
  });

  it('closes Expire now and drops the key when it was removed meanwhile', async () => {
    // It toasted 'API key not found.' with the confirmation left open over a key that no longer exists.
    let keys: readonly MockKey[] = [rolled, paused];
    const { user } = renderWithProviders(
      <main>
        <ApiKeysPage />
      </main>,
      {
        user: adminUser,
        mocks: [
          livePage(() => keys),
          liveUsage([
            { id: 'k1', recentRequests: [0, 0, 0, 0, 0, 0, 0], recentErrorRate: null },
            { id: 'k2', recentRequests: [0, 0, 0, 0, 0, 0, 0], recentErrorRate: null },
          ]),
          {
            request: { query: ExpirePreviousTokenMutation, variables: { id: 'k1' } },
            result: () => {
              keys = [paused];
              return { errors: [gqlError('API key not found.', 'NOT_FOUND')] };
            },
          },
        ],
      },
    );
    await screen.findByRole('table', { name: 'API keys' });
    await within(row('Rolled')).findByRole('img', { name: /in the last 7 days/ });
    await user.click(within(row('Rolled')).getByRole('button', { name: 'Expire now: the old token of Rolled' }));
    const confirm = await screen.findByRole('dialog', { name: 'Expire the old token of “Rolled”?' });
    await user.click(within(confirm).getByRole('button', { name: 'Expire now' }));
    expect(
      await screen.findByText(sentence('Rolled was removed meanwhile (in another tab, or by another admin): none of its tokens works any more.')),
    ).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'API keys' })).queryByRole('link', { name: 'Rolled' })).toBeNull());
    expect(screen.queryByText('API key not found.')).toBeNull();
  });

  it('disables a key after a confirmation, and enables a disabled one at once', async () => {
    let keys = [rolled, paused];
    const setEnabled = (id: string, enabled: boolean) => {
      keys = keys.map((k) => (k.id === id ? { ...k, enabled } : k));
      const key = keys.find((k) => k.id === id);
      return { data: { updateApiKey: key } };
    };
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        livePage(() => keys),
        liveUsage([
          { id: 'k1', recentRequests: [0, 0, 0, 0, 0, 0, 1], recentErrorRate: 0 },
          { id: 'k2', recentRequests: [0, 0, 0, 0, 0, 0, 0], recentErrorRate: null },
        ]),
        {
          request: { query: UpdateApiKeyMutation, variables: { id: 'k1', input: { enabled: false } } },
          result: () => setEnabled('k1', false),
        },
        {
          request: { query: UpdateApiKeyMutation, variables: { id: 'k2', input: { enabled: true } } },
          result: () => setEnabled('k2', true),
        },
      ],
    });
    await screen.findByRole('table', { name: 'API keys' });
    await within(row('Rolled')).findByRole('img', { name: /in the last 7 days/ });
    expect(screen.getByRole('button', { name: 'Disabled 1' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: /^More options for Rolled \(re_/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Disable API key' }));
    const confirm = await screen.findByRole('dialog', { name: 'Disable API key “Rolled”?' });
    expect(confirm.textContent).toContain('This API key is disabled.');
    await user.click(within(confirm).getByRole('button', { name: 'Disable API key' }));
    expect(await screen.findByText(sentence('Disabled Rolled'))).toBeTruthy();
    await waitFor(() => expect(within(row('Rolled')).getByText('Disabled')).toBeTruthy());
    // The health counts come with the refetch the mutation asks for.
    expect(await screen.findByRole('button', { name: 'Disabled 2' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: /^More options for Paused \(re_/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Enable API key' }));
    expect(await screen.findByText(sentence('Enabled Paused'))).toBeTruthy();
    await waitFor(() => expect(within(row('Paused')).queryByText('Disabled')).toBeNull());
    expect(await screen.findByRole('button', { name: 'Disabled 1' })).toBeTruthy();
  });

  it('tells members why there is no Create button, and who the admins are', async () => {
    renderWithProviders(<ApiKeysPage />, {
      user: memberUser,
      mocks: [
        livePage(() => [rolled]),
        // The same keys as the list: both queries read the cache's \`apiKeys(filter:)\`.
        liveUsage([{ id: 'k1', recentRequests: [0, 0, 0, 0, 0, 0, 0], recentErrorRate: null }]),
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
