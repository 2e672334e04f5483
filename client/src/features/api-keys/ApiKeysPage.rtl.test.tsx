import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, renderWithProviders } from '../../test/render';
import { sentence } from '../../test/text';
import { ApiKeysPage } from './ApiKeysPage';
import { CreateApiKeyMutation } from './hooks/useCreateApiKeyMutation';
import { DeleteApiKeyMutation } from './hooks/useDeleteApiKeyMutation';
import { apiKey, pageMock } from './test-fixtures';

// A Hebrew name ending in "!" shows its "!" on the wrong side inside English text unless it is
// isolated: in a <bdi>, or in an element of its own with dir="auto".
const NAME = 'שלום!';
const TOKEN = 're_Xy12345678901234567890123456789012345';
const shalom = apiKey('k1', NAME, { tokenStart: 're_Shal1' });
const other = apiKey('k2', 'Production');

/** The element holding exactly the user text, checked to isolate it. */
const expectIsolated = (container: HTMLElement) => {
  const holders = within(container).getAllByText(NAME);
  expect(holders.length).toBeGreaterThan(0);
  for (const el of holders) {
    const isolating = el.closest('bdi, [dir="auto"]');
    expect(isolating, `${el.outerHTML} is not isolated`).not.toBeNull();
    expect(isolating?.textContent).toBe(NAME);
    expect(container.contains(isolating)).toBe(true);
  }
};

describe('a right-to-left key name', () => {
  it('is isolated in the key list, the confirm dialog and the toast, which keep their accessible names', async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock([shalom, other]),
        { request: { query: DeleteApiKeyMutation, variables: { id: 'k1' } }, result: { data: { deleteApiKey: 'k1' } } },
        pageMock([other]),
      ],
    });
    const table = await screen.findByRole('table', { name: 'API keys' });
    const link = within(table).getByRole('link', { name: NAME });
    expectIsolated(link.closest('td') as HTMLElement);

    await user.click(screen.getByRole('button', { name: `More options for ${NAME} (re_Shal1…)` }));
    await user.click(await screen.findByRole('menuitem', { name: 'Remove API key' }));
    const confirm = await screen.findByRole('dialog', { name: `Remove API key “${NAME}”?` });
    // Its title and its sentence "Applications using שלום! (re_Shal1…) will stop working…".
    expect(within(confirm).getAllByText(NAME)).toHaveLength(2);
    expectIsolated(confirm);
    await user.click(within(confirm).getByRole('button', { name: 'Remove API key' }));

    const toast = await screen.findByText(sentence(`Removed ${NAME}`));
    expectIsolated(toast);
    await waitFor(() => expect(within(table).queryByRole('link', { name: NAME })).toBeNull());
  });

  it('is isolated in the token dialog\'s "Here is the token for …"', async () => {
    const created = apiKey('k9', NAME, { tokenStart: 're_Xy123', createdAt: new Date().toISOString() });
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock([other]),
        {
          request: { query: CreateApiKeyMutation, variables: { input: { name: NAME, permission: 'FULL_ACCESS', domainId: null, expiresAt: null } } },
          result: { data: { createApiKey: { __typename: 'CreateApiKeyPayload', token: TOKEN, apiKey: created } } },
        },
        pageMock([created, other]),
      ],
    });
    await screen.findByRole('table', { name: 'API keys' });
    await user.click(screen.getByRole('button', { name: 'Create API Key' }));
    const form = await screen.findByRole('dialog', { name: 'Create API Key' });
    await user.click(within(form).getByLabelText('Name'));
    await user.paste(NAME);
    await user.click(within(form).getByRole('button', { name: 'Create' }));

    const shown = await screen.findByRole('dialog', { name: 'API key created' });
    const sentenceEl = within(shown).getByText(sentence(`Here is the token for ${NAME}. Use it as a Bearer token with the API.`));
    expectIsolated(sentenceEl);
  });
});
