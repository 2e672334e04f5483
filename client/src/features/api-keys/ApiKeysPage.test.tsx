import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, gqlError, memberUser, renderWithProviders } from '../../test/render';
import { ApiKeysPage } from './ApiKeysPage';
import { DeleteApiKeyMutation } from './hooks/useDeleteApiKeyMutation';
import { apiKey, iso, pageMock } from './test-fixtures';
import { sentence } from '../../test/text';

const production = apiKey('k1', 'Production', {
  usageStatus: 'ACTIVE',
  lastUsedAt: iso(-3),
  requestCount: 1234,
  tokenStart: 're_Prod1',
  expiresAt: iso(3.5),
});
const staging = apiKey('k2', 'Staging', {
  permission: 'SENDING_ACCESS',
  domain: { __typename: 'Domain', id: 'd1', name: 'mail.example.com' },
  usageStatus: 'INACTIVE',
  lastUsedAt: iso(-45),
  requestCount: 7,
});
const legacy = apiKey('k3', 'Legacy', { usageStatus: 'INACTIVE', lastUsedAt: iso(-90), requestCount: 1 });
const fresh = apiKey('k4', 'Fresh', { permission: 'SENDING_ACCESS', createdAt: iso(-1) });
const all = [production, staging, legacy, fresh];

const row = (name: string) => {
  const table = screen.getByRole('table', { name: 'API keys' });
  const found = within(table)
    .getAllByRole('row')
    .find((r) => within(r).queryByRole('link', { name }));
  if (!found) throw new Error(`no row for ${name}`);
  return found;
};

describe('ApiKeysPage list', () => {
  it('shows each key with its status dot, times, permission, domain, expiry and a link to its logs', async () => {
    renderWithProviders(<ApiKeysPage />, { user: adminUser, mocks: [pageMock(all)] });
    await screen.findByRole('table', { name: 'API keys' });

    const prod = row('Production');
    expect(within(prod).getByRole('img', { name: 'Active' })).toBeTruthy();
    expect(within(prod).getByText('re_Prod1…')).toBeTruthy();
    expect(within(prod).getByText('Full access')).toBeTruthy();
    expect(within(prod).getByText('3 days ago')).toBeTruthy();
    expect(within(prod).getByText('Expires in 3 days')).toBeTruthy();
    const requests = within(prod).getByRole('link', { name: /^1,234 requests with Production/ });
    expect(requests.getAttribute('href')).toBe('/logs?apiKeyId=k1');
    expect(within(prod).getByRole('link', { name: 'Production' }).getAttribute('href')).toBe('/api-keys/k1');

    const stag = row('Staging');
    expect(within(stag).getByRole('img', { name: 'Inactive' })).toBeTruthy();
    expect(within(stag).getByText('Sending access')).toBeTruthy();
    expect(within(stag).getByText('mail.example.com')).toBeTruthy();
    expect(within(stag).getByText('Unused for 30 days')).toBeTruthy();
    expect(within(stag).getByText('Never')).toBeTruthy(); // no expiry

    const neverUsed = row('Fresh');
    expect(within(neverUsed).getByRole('img', { name: 'Never used' })).toBeTruthy();
    expect(within(neverUsed).getByText('All domains')).toBeTruthy();
    expect(within(neverUsed).getAllByText('Never')).toHaveLength(2); // last used, expiry
    expect(
      within(neverUsed)
        .getByRole('link', { name: /^0 requests with Fresh/ })
        .getAttribute('href'),
    ).toBe('/logs?apiKeyId=k4');
    expect(within(neverUsed).queryByText('Unused for 30 days')).toBeNull();

    const legend = screen.getByRole('list', { name: 'Usage status legend' });
    expect(
      within(legend)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Active · used in the last 30 days', 'Inactive · unused for 30+ days', 'Never used · no requests yet']);
  });

  it('suggests removing keys inactive for 30 days, and filters to them', async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [pageMock(all), pageMock([staging, legacy], { usageStatus: 'INACTIVE' }, all)],
    });
    const notice = await screen.findByRole('complementary', { name: 'Inactive keys' });
    expect(notice.textContent).toContain('2 keys have not been used for 30 days. Consider removing them.');

    await user.click(within(notice).getByRole('button', { name: 'Show inactive keys' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Production' })).toBeNull());
    expect(row('Staging')).toBeTruthy();
    expect(row('Legacy')).toBeTruthy();
    const card = screen.getByRole('button', { name: /Inactive for 30 days/ });
    expect(card.getAttribute('aria-pressed')).toBe('true');
  });

  it('shows the health overview, where each card filters the list and a second click clears it', async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [pageMock(all), pageMock([fresh], { usageStatus: 'NEVER_USED' }, all), pageMock(all)],
    });
    const health = await screen.findByRole('region', { name: 'Key health' });
    const counts = within(health)
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(counts).toEqual(['All keys 4', 'Never used 1', 'Inactive for 30 days 2', 'Full access 2', 'Expiring within 7 days 1', 'Disabled 0']);

    const neverUsed = within(health).getByRole('button', { name: /Never used/ });
    await user.click(neverUsed);
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Production' })).toBeNull());
    expect(row('Fresh')).toBeTruthy();
    expect(neverUsed.getAttribute('aria-pressed')).toBe('true');

    await user.click(neverUsed);
    expect(await screen.findByRole('link', { name: 'Production' })).toBeTruthy();
    expect(neverUsed.getAttribute('aria-pressed')).toBe('false');
  });

  it('searches by name or token start', async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [pageMock(all), pageMock([production], { search: 'prod' }, all), pageMock([], { search: 'zzz' }, all)],
    });
    await screen.findByRole('table', { name: 'API keys' });
    await user.type(screen.getByRole('searchbox', { name: 'Search API keys' }), 'prod');
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Staging' })).toBeNull());
    expect(row('Production')).toBeTruthy();

    await user.clear(screen.getByRole('searchbox', { name: 'Search API keys' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search API keys' }), 'zzz');
    expect(await screen.findByRole('heading', { name: 'No API keys match' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Clear filters' })).toBeTruthy();
  });

  it('invites to create the first key when there is none', async () => {
    renderWithProviders(<ApiKeysPage />, { user: adminUser, mocks: [pageMock([])] });
    expect(await screen.findByRole('heading', { name: 'No API keys yet' })).toBeTruthy();
    expect(screen.getAllByRole('button', { name: 'Create API Key' })).toHaveLength(1);
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows members the list without create, edit or remove controls', async () => {
    renderWithProviders(<ApiKeysPage />, { user: memberUser, mocks: [pageMock(all)] });
    await screen.findByRole('table', { name: 'API keys' });
    expect(screen.queryByRole('button', { name: 'Create API Key' })).toBeNull();
    expect(screen.queryByRole('button', { name: /More options/ })).toBeNull();
    expect(screen.queryByRole('columnheader', { name: 'Actions' })).toBeNull();
  });
});

describe('row menus', () => {
  it('tells two keys of the same name apart by their token start', async () => {
    const twins = [apiKey('k1', 'Overlay test', { tokenStart: 're_Aaaa1' }), apiKey('k2', 'Overlay test', { tokenStart: 're_Bbbb2' })];
    renderWithProviders(<ApiKeysPage />, { user: adminUser, mocks: [pageMock(twins)] });
    await screen.findByRole('table', { name: 'API keys' });
    const names = screen.getAllByRole('button', { name: /^More options for / }).map((b) => b.getAttribute('aria-label'));
    expect(names).toEqual(['More options for Overlay test (re_Aaaa1…)', 'More options for Overlay test (re_Bbbb2…)']);
  });
});

describe('removing a key', () => {
  it('asks for confirmation naming the key, then removes it from the list', async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock(all),
        { request: { query: DeleteApiKeyMutation, variables: { id: 'k2' } }, result: { data: { deleteApiKey: 'k2' } } },
        pageMock([production, legacy, fresh]),
      ],
    });
    await screen.findByRole('table', { name: 'API keys' });
    await user.click(screen.getByRole('button', { name: /^More options for Staging \(re_/ }));
    expect((await screen.findAllByRole('menuitem')).map((m) => m.textContent)).toEqual(['Edit API key', 'Roll API key', 'Disable API key', 'Remove API key']);
    await user.click(screen.getByRole('menuitem', { name: 'Remove API key' }));

    const confirm = await screen.findByRole('dialog', { name: 'Remove API key “Staging”?' });
    expect(confirm.textContent).toContain('will stop working at once');
    await user.click(within(confirm).getByRole('button', { name: 'Remove API key' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.queryByRole('link', { name: 'Staging' })).toBeNull();
    expect(await screen.findByText(sentence('Removed Staging'))).toBeTruthy();
    // The counts come back with the refetched list.
    await waitFor(() => expect(screen.getByRole('complementary', { name: 'Inactive keys' }).textContent).toContain('1 key has not'));
    expect(screen.getByRole('button', { name: 'All keys 3' })).toBeTruthy();
  });

  it('closes the confirmation and drops the key when it was already removed (in another tab)', async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock(all),
        {
          request: { query: DeleteApiKeyMutation, variables: { id: 'k2' } },
          result: { errors: [gqlError('API key not found.', 'NOT_FOUND')] },
        },
        pageMock([production, legacy, fresh]),
      ],
    });
    await screen.findByRole('table', { name: 'API keys' });
    await user.click(screen.getByRole('button', { name: /^More options for Staging \(re_/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Remove API key' }));
    const confirm = await screen.findByRole('dialog', { name: 'Remove API key “Staging”?' });
    await user.click(within(confirm).getByRole('button', { name: 'Remove API key' }));

    // What was asked for is done: no "not found" error over a confirmation that can do nothing more.
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByText(sentence('Staging was already removed.'))).toBeTruthy();
    expect(screen.queryByText('API key not found.')).toBeNull();
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Staging' })).toBeNull());
  });

  it('keeps the key and says why when the server refuses', async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock(all),
        {
          request: { query: DeleteApiKeyMutation, variables: { id: 'k1' } },
          result: { errors: [gqlError('Only admins can do this.', 'FORBIDDEN')] },
        },
      ],
    });
    await screen.findByRole('table', { name: 'API keys' });
    await user.click(screen.getByRole('button', { name: /^More options for Production \(re_/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Remove API key' }));
    const confirm = await screen.findByRole('dialog', { name: 'Remove API key “Production”?' });
    await user.click(within(confirm).getByRole('button', { name: 'Remove API key' }));

    expect(await screen.findByText('Only admins can do this.')).toBeTruthy();
    expect(screen.getByRole('dialog', { name: 'Remove API key “Production”?' })).toBeTruthy();
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(row('Production')).toBeTruthy();
  });
});
