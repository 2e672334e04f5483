import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEmail, createSendingKey, rest } from './api';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { expectNoSideways } from './viewports';
import { Dashboard } from './pages/Dashboard';
import { EmailsPage } from './pages/EmailsPage';
import { SignUpPage } from './pages/SignUpPage';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

describe('scheduled emails in the browser', () => {
  let browser: Browser;
  let token: string;
  captureOnFailure(() => [browser]);
  const domain = 'mail.scheduled-e2e.example.com';

  beforeAll(async () => {
    browser = await launchBrowser();
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email: uniqueEmail('scheduled'), password: 'correct horse battery staple', teamName: 'Later Inc' });
    await new Dashboard(browser.page).heading('API Keys').waitFor();
    const key = await createSendingKey(browser, domain, 'Scheduler');
    token = key.token;
    expect((await rest(browser.baseUrl, key.token, 'POST', '/emails', anEmail(domain, 1))).status).toBe(200);
    const scheduled = await rest(browser.baseUrl, key.token, 'POST', '/emails', {
      ...anEmail(domain, 2),
      subject: 'Your trial ends tomorrow',
      scheduled_at: 'in 3 hours',
    });
    expect(scheduled.status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows when a scheduled email is due, and cancels it after a confirmation', async () => {
    const { page } = browser;
    const emails = new EmailsPage(page);
    await new Dashboard(page).open('Emails');
    const row = emails.rows().filter({ hasText: 'Your trial ends tomorrow' });
    await row.locator('.badge', { hasText: 'Scheduled' }).waitFor();
    expect(await row.locator('time').first().textContent()).toMatch(/^in (3 hours|about 3 hours|2 hours)$/);
    // Only the scheduled one can be canceled.
    expect(await emails.rows().filter({ hasText: 'Order 1 shipped' }).getByRole('button').count()).toBe(0);
    await row.getByRole('button', { name: 'More options for Your trial ends tomorrow' }).click();
    await page.getByRole('menuitem', { name: 'Cancel email' }).click();
    const confirm = page.getByRole('dialog', { name: 'Cancel scheduled email' });
    await confirm.getByText('will not be sent').waitFor();
    await page.screenshot({ path: path.join(screenshots, 'emails-cancel-scheduled.png'), animations: 'disabled' });
    // "Keep it" leaves it scheduled.
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await row.locator('.badge', { hasText: 'Scheduled' }).waitFor();
    await row.getByRole('button', { name: 'More options for Your trial ends tomorrow' }).click();
    await page.getByRole('menuitem', { name: 'Cancel email' }).click();
    await confirm.getByRole('button', { name: 'Cancel email' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await row.locator('.badge', { hasText: 'Canceled' }).waitFor();
    await page.reload();
    await emails.rows().filter({ hasText: 'Your trial ends tomorrow' }).locator('.badge', { hasText: 'Canceled' }).waitFor();
  });

  it('does not scroll sideways with a scheduled email listed, and drops a canceled one from the scheduled list', async () => {
    const { page } = browser;
    const emails = new EmailsPage(page);
    const subject = 'Your renewal is next week';
    expect((await rest(browser.baseUrl, token, 'POST', '/emails', { ...anEmail(domain, 3), subject, scheduled_at: 'in 2 hours' })).status).toBe(200);
    await page.goto('/emails?status=scheduled');
    const row = emails.rows().filter({ hasText: subject });
    await row.waitFor();
    for (const size of [
      { width: 390, height: 844 },
      { width: 1280, height: 800 },
    ] as const) {
      await page.setViewportSize(size);
      await expectNoSideways(page, size);
    }
    await row.getByRole('button', { name: `More options for ${subject}` }).click();
    await page.getByRole('menuitem', { name: 'Cancel email' }).click();
    const confirm = page.getByRole('dialog', { name: 'Cancel scheduled email' });
    await confirm.getByRole('button', { name: 'Cancel email' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
  });
});
