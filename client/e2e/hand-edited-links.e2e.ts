import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlAs } from './api';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { Dashboard } from './pages/Dashboard';
import { SignUpPage } from './pages/SignUpPage';

// Links edited by hand, pasted from a log line or cut by a mail client: whatever the address holds,
// a page says what it found (nothing, or not found), never an error whose retry cannot succeed.

describe('hand-edited links', () => {
  let browser: Browser;
  captureOnFailure(() => [browser]);

  beforeAll(async () => {
    browser = await launchBrowser();
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email: uniqueEmail('links'), password: 'correct horse battery staple', teamName: 'Links' });
    await new Dashboard(browser.page).heading('API Keys').waitFor();
    await graphqlAs(browser, 'mutation { createApiKey(input: { name: "Production", permission: FULL_ACCESS }) { token } }');
  });
  afterAll(async () => {
    await browser?.close();
  });

  // %00 is a NUL, which the server refuses in any text (HTTP 400): sent as it was, every one of
  // these pages showed "The server could not handle the request. Try again." and a Try again button.
  const NUL_LINKS: { path: string; says: string | RegExp }[] = [
    { path: '/emails?q=order%00', says: 'No emails match these filters' },
    { path: '/contacts?q=%00', says: 'No contacts match these filters' },
    { path: '/logs?endpoint=/emails%00', says: 'No requests match these filters' },
    { path: '/logs?apiKeyId=%00', says: 'This link names no API key.' },
    { path: '/api-keys?q=%00', says: 'No API keys match' },
    { path: '/api-keys/%00', says: 'This key does not exist' },
    { path: '/logs/%00', says: 'Request not found' },
    { path: '/emails/%00', says: 'Email not found' },
    { path: '/domains/%00', says: 'Domain not found' },
    { path: '/exports/%00', says: 'Export not found' },
  ];

  it('treats a NUL (%00) in a filter or an id as text that matches nothing, not as a failure to retry', async () => {
    const { page } = browser;
    for (const { path, says } of NUL_LINKS) {
      await page.goto(path);
      const main = page.getByRole('main');
      await main.getByText(says).first().waitFor();
      expect(await main.getByText('could not handle the request').count(), path).toBe(0);
      expect(await main.getByRole('button', { name: 'Try again' }).count(), path).toBe(0);
    }
  });

  it('says an invitation link holding a NUL no longer works', async () => {
    const { page } = browser;
    await page.goto('/accept-invitation?token=abc%00def');
    await page.getByRole('heading', { name: 'This invitation no longer works' }).waitFor();
  });
});
