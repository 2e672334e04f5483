import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createCache } from '../../app/apollo';
import { adminUser, gqlError, renderWithProviders } from '../../test/render';
import { ApiKeysPage } from './ApiKeysPage';
import { CreateApiKeyMutation } from './hooks/useCreateApiKeyMutation';
import { RollApiKeyMutation } from './hooks/useRollApiKeyMutation';
import { UpdateApiKeyMutation } from './hooks/useUpdateApiKeyMutation';
import { apiKey, domain, domainsMock, iso, pageMock } from './test-fixtures';
import { sentence } from '../../test/text';

const TOKEN = 're_Xy12345678901234567890123456789012345';
const existing = apiKey('k1', 'Existing', { usageStatus: 'ACTIVE', lastUsedAt: iso(-1), requestCount: 3 });
const sending = apiKey('k2', 'Staging', {
  permission: 'SENDING_ACCESS',
  domain: domain('d1', 'mail.example.com'),
});

const createMock = (input: Record<string, unknown>, result: object) => ({
  request: { query: CreateApiKeyMutation, variables: { input } },
  result,
});

const openCreate = async (user: ReturnType<typeof renderWithProviders>['user']) => {
  await screen.findByRole('table', { name: 'API keys' });
  await user.click(screen.getByRole('button', { name: 'Create API Key' }));
  return screen.findByRole('dialog', { name: 'Create API Key' });
};

/** A stray click on the dimmed page around a dialog. */
const clickOutside = async (user: ReturnType<typeof renderWithProviders>['user']) => {
  const overlay = document.querySelector('.dialog-overlay');
  if (!overlay) throw new Error('no dialog overlay');
  await user.click(overlay);
};

describe('creating a key', () => {
  it('shows errors beside the name, then the token once, and forgets it on close', async () => {
    const created = apiKey('k9', 'Production', { tokenStart: 're_Xy123', createdAt: new Date().toISOString() });
    const cache = createCache();
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      cache,
      mocks: [
        pageMock([existing]),
        createMock(
          { name: 'x'.repeat(50), permission: 'FULL_ACCESS', domainId: null, expiresAt: null },
          { errors: [gqlError('An API key with this name already exists.', 'BAD_USER_INPUT', 'name')] },
        ),
        createMock(
          { name: 'Production', permission: 'FULL_ACCESS', domainId: null, expiresAt: null },
          { data: { createApiKey: { __typename: 'CreateApiKeyPayload', token: TOKEN, apiKey: created } } },
        ),
        pageMock([created, existing]),
      ],
    });
    const dialog = await openCreate(user);
    const name = within(dialog).getByLabelText('Name');
    expect(within(dialog).getByRole('radio', { name: 'Full access' })).toHaveProperty('checked', true);
    // Full access: no domain to choose.
    expect(within(dialog).queryByLabelText('Domain')).toBeNull();

    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(within(dialog).getByText('Name is required.')).toBeTruthy();
    expect(name.getAttribute('aria-invalid')).toBe('true');
    // Focus leaves Create for the field, whose error a screen reader then reads.
    expect(document.activeElement).toBe(name);

    await user.click(name);
    await user.paste('x'.repeat(51));
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(within(dialog).getByText('Name must be at most 50 characters.')).toBeTruthy();

    await user.clear(name);
    await user.paste('x'.repeat(50));
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await within(dialog).findByText('An API key with this name already exists.')).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(name));
    expect(name.getAttribute('aria-describedby')).toContain(within(dialog).getByText('An API key with this name already exists.').id);

    await user.clear(name);
    await user.type(name, '  Production ');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    const shown = await screen.findByRole('dialog', { name: 'API key created' });
    expect(within(shown).getByRole('textbox', { name: 'Token' })).toHaveProperty('value', TOKEN);
    expect(shown.textContent).toContain('it will not be shown again');
    // Never in Apollo's cache, even while shown.
    expect(JSON.stringify(cache.extract())).not.toContain(TOKEN);

    await user.click(within(shown).getByRole('button', { name: 'Copy token' }));
    expect(await screen.findByText('Copied to clipboard')).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe(TOKEN);

    await user.click(within(shown).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.body.innerHTML).not.toContain(TOKEN);
    expect(JSON.stringify(cache.extract())).not.toContain(TOKEN);
    expect(await within(screen.getByRole('table', { name: 'API keys' })).findByRole('link', { name: 'Production' })).toBeTruthy();

    // Opening the dialog again starts from scratch.
    const again = await openCreate(user);
    expect(within(again).getByLabelText('Name')).toHaveProperty('value', '');
    expect(within(again).queryByRole('textbox', { name: 'Token' })).toBeNull();
  });

  it('restricts a sending-access key to a domain, with an expiry, and shows the expiry error beside its field', async () => {
    const expiresOn = '2099-01-31';
    const expiresAt = new Date(`${expiresOn}T23:59:59.999`).toISOString();
    const created = apiKey('k9', 'Mailer', {
      permission: 'SENDING_ACCESS',
      domain: domain('d2', 'news.example.com'),
      expiresAt,
    });
    const input = { name: 'Mailer', permission: 'SENDING_ACCESS', domainId: 'd2', expiresAt };
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock([existing]),
        domainsMock([domain('d1', 'mail.example.com'), domain('d2', 'news.example.com')]),
        createMock(input, { errors: [gqlError('Expiry must be in the future.', 'BAD_USER_INPUT', 'expiresAt')] }),
        createMock(input, { data: { createApiKey: { __typename: 'CreateApiKeyPayload', token: TOKEN, apiKey: created } } }),
        pageMock([created, existing]),
      ],
    });
    const dialog = await openCreate(user);
    await user.type(within(dialog).getByLabelText('Name'), 'Mailer');
    await user.click(within(dialog).getByRole('radio', { name: 'Sending access' }));
    const select = within(dialog).getByLabelText('Domain');
    await waitFor(() => expect(within(select).getAllByRole('option')).toHaveLength(3));
    expect(
      within(select)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['All domains', 'mail.example.com', 'news.example.com']);
    expect(select).toHaveProperty('value', '');
    await user.selectOptions(select, 'd2');
    fireEvent.change(within(dialog).getByLabelText('Expires on'), { target: { value: expiresOn } });

    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    const error = await within(dialog).findByText('Expiry must be in the future.');
    expect(within(dialog).getByLabelText('Expires on').getAttribute('aria-describedby')).toContain(error.id);

    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await screen.findByRole('dialog', { name: 'API key created' })).toBeTruthy();
  });

  it('keeps what was typed after a stray click outside, and the token until Done: not on Escape nor a click outside', async () => {
    const created = apiKey('k9', 'Production', { tokenStart: 're_Xy123' });
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock([existing]),
        createMock(
          { name: 'Production', permission: 'FULL_ACCESS', domainId: null, expiresAt: null },
          { data: { createApiKey: { __typename: 'CreateApiKeyPayload', token: TOKEN, apiKey: created } } },
        ),
        pageMock([created, existing]),
      ],
    });
    const dialog = await openCreate(user);
    await user.type(within(dialog).getByLabelText('Name'), 'Production');
    await clickOutside(user);
    expect(screen.getByRole('dialog', { name: 'Create API Key' })).toBe(dialog);
    expect(within(dialog).getByLabelText('Name')).toHaveProperty('value', 'Production');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    const shown = await screen.findByRole('dialog', { name: 'API key created' });
    await user.keyboard('{Escape}');
    await clickOutside(user);
    expect(screen.getByRole('dialog', { name: 'API key created' })).toBe(shown);
    expect(within(shown).getByRole('textbox', { name: 'Token' })).toHaveProperty('value', TOKEN);
    await user.click(within(shown).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('toasts a server error that is not about a field, and keeps the form', async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock([existing]),
        createMock(
          { name: 'Production', permission: 'FULL_ACCESS', domainId: null, expiresAt: null },
          { errors: [gqlError('Only admins can do this.', 'FORBIDDEN')] },
        ),
      ],
    });
    const dialog = await openCreate(user);
    await user.type(within(dialog).getByLabelText('Name'), 'Production');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await screen.findByText('Only admins can do this.')).toBeTruthy();
    expect(within(dialog).getByLabelText('Name')).toHaveProperty('value', 'Production');
    expect(within(dialog).getByLabelText('Name').getAttribute('aria-invalid')).toBeNull();
  });
});

describe('editing a key', () => {
  it('opens with the key values; switching to full access hides and clears the domain, and asks to confirm the wider access', async () => {
    const updated = apiKey('k2', 'Staging 2', { permission: 'FULL_ACCESS' });
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock([existing, sending]),
        domainsMock([domain('d1', 'mail.example.com')]),
        {
          request: {
            query: UpdateApiKeyMutation,
            variables: { id: 'k2', input: { name: 'Staging 2', permission: 'FULL_ACCESS', domainId: null } },
          },
          result: { data: { updateApiKey: updated } },
        },
        pageMock([existing, updated]),
      ],
    });
    await screen.findByRole('table', { name: 'API keys' });
    await user.click(screen.getByRole('button', { name: /^More options for Staging \(re_/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Edit API key' }));

    const dialog = await screen.findByRole('dialog', { name: 'Edit API key' });
    expect(within(dialog).getByLabelText('Name')).toHaveProperty('value', 'Staging');
    expect(within(dialog).getByRole('radio', { name: 'Sending access' })).toHaveProperty('checked', true);
    await waitFor(() => expect(within(dialog).getByLabelText('Domain')).toHaveProperty('value', 'd1'));
    // No expiry: the field is empty, and left so nothing about the expiry is sent.
    expect(within(dialog).getByLabelText('Expires on')).toHaveProperty('value', '');
    expect(within(dialog).queryByRole('textbox', { name: 'Token' })).toBeNull();

    await user.click(within(dialog).getByRole('radio', { name: 'Full access' }));
    expect(within(dialog).queryByLabelText('Domain')).toBeNull();
    await user.clear(within(dialog).getByLabelText('Name'));
    await user.type(within(dialog).getByLabelText('Name'), 'Staging 2');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    // Sending → full access is a wider key: it asks once more, naming what the token could then do.
    const confirm = await screen.findByRole('dialog', { name: 'Give “Staging” full access?' });
    expect(confirm.textContent).toContain('can only send email from mail.example.com');
    await user.click(within(confirm).getByRole('button', { name: 'Give full access' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const table = screen.getByRole('table', { name: 'API keys' });
    const row = within(table).getByRole('link', { name: 'Staging 2' }).closest('tr');
    expect(row?.textContent).toContain('Full access');
    expect(await screen.findByText(sentence('Updated Staging 2'))).toBeTruthy();
  });
});

describe('editing a key removed meanwhile', () => {
  it('closes the form, says nothing was saved, and drops the key from the list', async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock([existing, sending]),
        {
          request: { query: UpdateApiKeyMutation, variables: { id: 'k1', input: { name: 'Renamed', permission: 'FULL_ACCESS', domainId: null } } },
          result: { errors: [gqlError('API key not found.', 'NOT_FOUND')] },
        },
        pageMock([sending]),
      ],
    });
    await screen.findByRole('table', { name: 'API keys' });
    await user.click(screen.getByRole('button', { name: /^More options for Existing \(re_/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Edit API key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit API key' });
    await user.clear(within(dialog).getByLabelText('Name'));
    await user.type(within(dialog).getByLabelText('Name'), 'Renamed');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    // Another tab (or admin) removed it: a form for a key that no longer exists can save nothing.
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByText(sentence('Existing was removed meanwhile (in another tab, or by another admin): nothing was saved.'))).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Existing' })).toBeNull());
  });
});

describe('editing a key: Back from the full-access confirmation', () => {
  it('returns to the form with its values, focus inside it (on Save), not on the page behind', async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [pageMock([existing, sending]), domainsMock([domain('d1', 'mail.example.com')])],
    });
    await screen.findByRole('table', { name: 'API keys' });
    await user.click(screen.getByRole('button', { name: /^More options for Staging \(re_/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Edit API key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit API key' });
    await user.click(within(dialog).getByRole('radio', { name: 'Full access' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    const confirm = await screen.findByRole('dialog', { name: 'Give “Staging” full access?' });
    await user.click(within(confirm).getByRole('button', { name: 'Back' }));

    const again = await screen.findByRole('dialog', { name: 'Edit API key' });
    expect(within(again).getByRole('radio', { name: 'Full access' })).toHaveProperty('checked', true);
    await waitFor(() => expect(document.activeElement).toBe(within(again).getByRole('button', { name: 'Save' })));
  });
});

describe('editing a key: a click outside the full-access confirmation', () => {
  it('keeps its input on an overlay click: the confirmation stays, and Back returns the typed name, permission and expiry', async () => {
    const expiresOn = '2099-01-31';
    const expiresAt = new Date(`${expiresOn}T23:59:59.999`).toISOString();
    const updated = apiKey('k2', 'Staging (all)', { permission: 'FULL_ACCESS', expiresAt });
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock([existing, sending]),
        domainsMock([domain('d1', 'mail.example.com')]),
        {
          request: {
            query: UpdateApiKeyMutation,
            variables: { id: 'k2', input: { name: 'Staging (all)', permission: 'FULL_ACCESS', domainId: null, expiresAt } },
          },
          result: { data: { updateApiKey: updated } },
        },
        pageMock([existing, updated]),
      ],
    });
    await screen.findByRole('table', { name: 'API keys' });
    await user.click(screen.getByRole('button', { name: /^More options for Staging \(re_/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Edit API key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit API key' });
    const name = within(dialog).getByLabelText('Name');
    await user.clear(name);
    await user.type(name, 'Staging (all)');
    fireEvent.change(within(dialog).getByLabelText('Expires on'), { target: { value: expiresOn } });
    await user.click(within(dialog).getByRole('radio', { name: 'Full access' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    const confirm = await screen.findByRole('dialog', { name: 'Give “Staging” full access?' });
    await clickOutside(user);
    expect(screen.getByRole('dialog', { name: 'Give “Staging” full access?' })).toBe(confirm);

    await user.click(within(confirm).getByRole('button', { name: 'Back' }));
    const again = await screen.findByRole('dialog', { name: 'Edit API key' });
    expect(within(again).getByLabelText('Name')).toHaveProperty('value', 'Staging (all)');
    expect(within(again).getByRole('radio', { name: 'Full access' })).toHaveProperty('checked', true);
    expect(within(again).getByLabelText('Expires on')).toHaveProperty('value', expiresOn);

    // And a stray click outside the form itself keeps it too; the edits are what Save sends.
    await clickOutside(user);
    expect(screen.getByRole('dialog', { name: 'Edit API key' })).toBe(again);
    await user.click(within(again).getByRole('button', { name: 'Save' }));
    const confirmAgain = await screen.findByRole('dialog', { name: 'Give “Staging” full access?' });
    await user.click(within(confirmAgain).getByRole('button', { name: 'Give full access' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByText(sentence('Updated Staging (all)'))).toBeTruthy();
  });
});

describe('rolling a key', () => {
  it('asks for a grace period, then shows the new token once', async () => {
    const rolled = { ...existing, tokenStart: 're_NewOn' };
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock([existing]),
        {
          request: { query: RollApiKeyMutation, variables: { id: 'k1', input: { gracePeriodSeconds: 86_400 } } },
          result: { data: { rollApiKey: { __typename: 'CreateApiKeyPayload', token: TOKEN, apiKey: rolled } } },
        },
      ],
    });
    await screen.findByRole('table', { name: 'API keys' });
    await user.click(screen.getByRole('button', { name: /^More options for Existing \(re_/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Roll API key' }));

    const dialog = await screen.findByRole('dialog', { name: 'Roll API key “Existing”' });
    expect(
      within(dialog)
        .getAllByRole('radio')
        .map((r) => r.getAttribute('value')),
    ).toEqual(['0', '3600', '86400', '604800']);
    expect(within(dialog).getByRole('radio', { name: 'Now' })).toHaveProperty('checked', true);
    await user.click(within(dialog).getByRole('radio', { name: 'In 24 hours' }));
    await user.click(within(dialog).getByRole('button', { name: 'Roll API key' }));

    const shown = await screen.findByRole('dialog', { name: 'API key rolled' });
    expect(shown.textContent).toContain('The old token keeps working for 24 hours.');
    expect(within(shown).getByRole('textbox', { name: 'Token' })).toHaveProperty('value', TOKEN);
    // Shown once: neither Escape nor a stray click outside throws it away.
    await user.keyboard('{Escape}');
    await clickOutside(user);
    expect(screen.getByRole('dialog', { name: 'API key rolled' })).toBe(shown);
    await user.click(within(shown).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.body.innerHTML).not.toContain(TOKEN);
    expect(screen.getByText('re_NewOn…')).toBeTruthy();
  });

  it('closes the form and says so when the key was removed meanwhile', async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [
        pageMock([existing, sending]),
        {
          request: { query: RollApiKeyMutation, variables: { id: 'k1', input: { gracePeriodSeconds: 0 } } },
          result: { errors: [gqlError('API key not found.', 'NOT_FOUND')] },
        },
        pageMock([sending]),
      ],
    });
    await screen.findByRole('table', { name: 'API keys' });
    await user.click(screen.getByRole('button', { name: /^More options for Existing \(re_/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Roll API key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Roll API key “Existing”' });
    await user.click(within(dialog).getByRole('button', { name: 'Roll API key' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByText(sentence('Existing was removed meanwhile (in another tab, or by another admin): no new token was made.'))).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Existing' })).toBeNull());
  });

  it('says that a previous token still in its grace period stops when the key is rolled again, and says nothing once it has', async () => {
    const until = iso(1 / 24);
    const graced = apiKey('k3', 'Graced', { previousTokenStart: 're_OldOn', previousTokenExpiresAt: until });
    const lapsed = apiKey('k4', 'Lapsed', { previousTokenStart: 're_Gone1', previousTokenExpiresAt: iso(-1 / 1440) });
    const { user } = renderWithProviders(<ApiKeysPage />, { user: adminUser, mocks: [pageMock([graced, lapsed])] });
    await screen.findByRole('table', { name: 'API keys' });
    await user.click(screen.getByRole('button', { name: /^More options for Graced \(re_/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Roll API key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Roll API key “Graced”' });
    const note = within(dialog).getByRole('note');
    expect(note.textContent).toContain('Its previous token (re_OldOn…), from the last roll, still works until');
    expect(note.textContent).toContain('rolling again stops it now.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    await user.click(screen.getByRole('button', { name: /^More options for Lapsed \(re_/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Roll API key' }));
    const other = await screen.findByRole('dialog', { name: 'Roll API key “Lapsed”' });
    expect(within(other).queryByRole('note')).toBeNull();
  });
});
