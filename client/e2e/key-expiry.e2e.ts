import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlAs } from './api';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { Dashboard } from './pages/Dashboard';
import { SignUpPage } from './pages/SignUpPage';

// A date input holding a date half typed (12/31/yyyy) or one that does not exist (02/29/2027) has
// the value '', the same as an empty field: for a key's expiry, "never expires".

type Key = { id: string; name: string; expiresAt: string | null };
const keys = async (browser: Browser) => (await graphqlAs<{ apiKeys: Key[] }>(browser, '{ apiKeys { id name expiresAt } }')).apiKeys;

describe('a key expiry typed wrong', () => {
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
});
