import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEmail, createSendingKey, rest } from './api';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { Dashboard } from './pages/Dashboard';
import { EmailsPage } from './pages/EmailsPage';
import { SignUpPage } from './pages/SignUpPage';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

describe('emails in the browser', () => {
  let browser: Browser;
  captureOnFailure(() => [browser]);
  const domain = 'mail.emails-e2e.example.com';
  // An API caller's HTML may carry scripts: the preview must show it without running them.
  const html =
    '<p>Your order is on its way.</p>' +
    '<script>document.body.append("script ran"); window.parent.pwned = true;</script>' +
    '<img src="x" onerror="document.body.append(\'handler ran\'); window.parent.pwned = true">';

  beforeAll(async () => {
    browser = await launchBrowser();
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email: uniqueEmail('emails'), password: 'correct horse battery staple', teamName: 'Mail Order' });
    await new Dashboard(browser.page).heading('API Keys').waitFor();
    const key = await createSendingKey(browser, domain, 'Shop');
    expect((await rest(browser.baseUrl, key.token, 'POST', '/emails', anEmail(domain, 1))).status).toBe(200);
    const sent = await rest(browser.baseUrl, key.token, 'POST', '/emails', {
      ...anEmail(domain, 2),
      cc: ['billing@example.com'],
      html,
      text: 'Your order is on its way.',
    });
    expect(sent.status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens an email from the list and previews its HTML in a sandbox, where scripts do not run', async () => {
    const { page } = browser;
    const emails = new EmailsPage(page);
    await new Dashboard(page).open('Emails');
    await emails.table().waitFor();
    expect(await emails.rows().count()).toBe(2);

    await emails.open('Order 2 shipped');
    expect(new URL(page.url()).pathname).toMatch(/^\/emails\/[0-9a-f-]+$/);
    const details = await emails.details().textContent();
    expect(details).toContain('customer-2@example.com');
    expect(details).toContain('billing@example.com');
    expect(details).toContain('Shop');

    expect(await emails.preview().getAttribute('sandbox')).toBe('');
    await emails.previewFrame().getByText('Your order is on its way.').waitFor();
    await page.screenshot({ path: path.join(screenshots, 'email-detail.png'), animations: 'disabled' });
    // Neither in the frame nor in the app.
    expect(
      await emails
        .previewFrame()
        .getByText(/script ran|handler ran/)
        .count(),
    ).toBe(0);
    expect(await page.evaluate(() => 'pwned' in window)).toBe(false);

    await emails.tab('Text').click();
    expect(await emails.panel().locator('pre').textContent()).toBe('Your order is on its way.');
    await emails.tab('Source').click();
    expect(await emails.panel().locator('pre').textContent()).toBe(html);

    await page.getByRole('link', { name: '← Emails' }).click();
    await emails.table().waitFor();
  });
});
