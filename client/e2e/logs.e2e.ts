import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEmail, createSendingKey, rest } from './api';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { Dashboard } from './pages/Dashboard';
import { LogsPage } from './pages/LogsPage';
import { SignUpPage } from './pages/SignUpPage';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

describe('request logs in the browser', () => {
  let browser: Browser;
  captureOnFailure(() => [browser]);
  const domain = 'mail.logs-e2e.example.com';
  let key: { id: string; token: string };
  let invalid: { status: number; body: Record<string, unknown> };

  beforeAll(async () => {
    browser = await launchBrowser();
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email: uniqueEmail('logs'), password: 'correct horse battery staple', teamName: 'Logs & Co' });
    await new Dashboard(browser.page).heading('API Keys').waitFor();
    key = await createSendingKey(browser, domain, 'Checkout service');

    for (let i = 0; i < 3; i++) {
      const sent = await rest(browser.baseUrl, key.token, 'POST', '/emails', anEmail(domain, i));
      expect(sent.status).toBe(200);
    }
    // No recipient: the API refuses it, and the log keeps the refusal.
    invalid = await rest(browser.baseUrl, key.token, 'POST', '/emails', { from: `Acme <hello@${domain}>`, subject: 'No one' });
    expect(invalid.status).toBe(422);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lists every request made with the key, newest first', async () => {
    const logs = new LogsPage(browser.page);
    await new Dashboard(browser.page).open('Logs');
    await logs.waitForRows(4);
    const first = await logs.rows().first().textContent();
    expect(first).toContain('POST');
    expect(first).toContain('/emails');
    expect(first).toContain('422');
    expect(first).toContain('Checkout service');
    expect(first).toContain('keyring-e2e/1.0');
    await browser.page.screenshot({ path: path.join(screenshots, 'logs.png'), animations: 'disabled' });
  });

  it('filters to client errors and shows the refused request in full', async () => {
    const { page } = browser;
    const logs = new LogsPage(page);
    await logs.filterStatus('4xx');
    await page.waitForURL((url) => url.searchParams.get('status') === '4xx');
    await logs.waitForRows(1);

    await logs.open(0);
    expect(new URL(page.url()).pathname).toMatch(/^\/logs\/[0-9a-f-]+$/);
    await page.getByRole('heading', { name: 'POST /emails', level: 1 }).waitFor();
    const response = await logs.responseBody().textContent();
    expect(response).toContain(`"name": "${String(invalid.body.name)}"`);
    expect(response).toContain('"statusCode": 422');
    expect(await logs.requestBody().textContent()).toContain('"subject": "No one"');

    // Back to the list, with the filter kept.
    await page.getByRole('link', { name: '← Logs' }).click();
    await page.waitForURL((url) => url.pathname === '/logs' && url.searchParams.get('status') === '4xx');
    await logs.waitForRows(1);
  });

  it("opens one key's logs from a link, as the API Keys page makes it", async () => {
    const logs = new LogsPage(browser.page);
    await logs.goto(`?apiKeyId=${key.id}`);
    await logs.waitForRows(4);
    const selected = await logs.keyFilter().locator('option:checked').textContent();
    expect(selected).toBe('Checkout service');
  });
});
