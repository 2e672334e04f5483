import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEmail, createSendingKey, graphqlAs, rest } from './api';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { Dashboard } from './pages/Dashboard';
import { SignUpPage } from './pages/SignUpPage';

// A date input holding a date half typed (12/31/yyyy) or one that does not exist (02/29/2027) has
// the value '', the same as an empty field: for a key's expiry, "never expires".

type Key = { id: string; name: string; expiresAt: string | null };
const keys = async (browser: Browser) => (await graphqlAs<{ apiKeys: Key[] }>(browser, '{ apiKeys { id name expiresAt } }')).apiKeys;

describe('a date typed wrong', () => {
  let browser: Browser;
  captureOnFailure(() => [browser]);

  beforeAll(async () => {
    browser = await launchBrowser();
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email: uniqueEmail('expiry'), password: 'correct horse battery staple', teamName: 'Expiry' });
    await new Dashboard(browser.page).heading('API Keys').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('is refused beside the field on Create, and no key that never expires is made', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Create API Key' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create API Key' });
    await dialog.getByLabel('Name').fill('Short-lived');
    await dialog.getByLabel('Expires on').click();
    await page.keyboard.type('02292027');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.getByText('Enter a whole date that exists, or clear the field for a key that never expires.').waitFor();
    expect(await dialog.getByLabel('Expires on').getAttribute('aria-invalid')).toBe('true');
    expect(await keys(browser)).toEqual([]);
  });

  it('is refused beside the field on Edit, and the key keeps its expiry', async () => {
    const { page } = browser;
    const { createApiKey } = await graphqlAs<{ createApiKey: { apiKey: Key } }>(
      browser,
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id name expiresAt } } }',
      { input: { name: 'Quarterly', permission: 'FULL_ACCESS', expiresAt: '2027-03-31T12:00:00.000Z' } },
    );
    await page.goto(`/api-keys/${createApiKey.apiKey.id}`);
    await page.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog');
    const expiry = dialog.getByLabel('Expires on');
    await expiry.click();
    // The month first, then the day: 02/29, a day February 2027 does not have.
    await page.keyboard.type('0229');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Enter a whole date that exists, or clear the field for a key that never expires.').waitFor();
    const [kept] = await keys(browser);
    expect(kept.expiresAt).toBe('2027-03-31T12:00:00.000Z');
  });

  it('leaves a list filtered by the last date that exists, and says so beside the field', async () => {
    const { page } = browser;
    const domain = `mail.typed-dates-${Date.now().toString(36)}.example.com`;
    const key = await createSendingKey(browser, domain, 'Shop');
    expect((await rest(browser.baseUrl, key.token, 'POST', '/emails', anEmail(domain, 1))).status).toBe(200);
    await page.goto('/emails?from=2026-11-05');
    const from = page.getByLabel('From', { exact: true });
    await page.getByRole('table', { name: 'Emails' }).waitFor();
    // The month, then a day November does not have: the field reads '' (no date) at 11/31.
    await from.focus();
    await page.keyboard.type('1131');
    await page.getByText('Enter a whole date that exists; the list keeps the last one.').waitFor();
    // The filter is still a day of November (it was dropped, and every email listed, before).
    expect(new URL(page.url()).searchParams.get('from')).toMatch(/^\d{4}-11-\d{2}$/);
    expect(await from.inputValue()).toBe(new URL(page.url()).searchParams.get('from'));
  });
});
