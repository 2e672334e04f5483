import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEmail, createSendingKey, rest } from './api';
import { axeViolations } from './axe';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { Dashboard } from './pages/Dashboard';
import { LogsPage } from './pages/LogsPage';
import { SignUpPage } from './pages/SignUpPage';
import { expectNoSideways, screenshot, sizeLabel, VIEWPORTS } from './viewports';

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

  for (const size of VIEWPORTS) {
    it(`shows why a request failed, lists errors only, and opens a request from anywhere on its row (${sizeLabel(size)})`, async () => {
      const { page } = browser;
      const logs = new LogsPage(page);
      await page.setViewportSize(size);
      try {
        await logs.goto('?status=errors');
        await logs.waitForRows(1);
        expect(await page.getByLabel('Status').locator('option:checked').textContent()).toBe('Errors only · 4xx and 5xx');
        const row = logs.rows().first();
        const text = await row.textContent();
        expect(text).toContain('422');
        expect(text).toContain(String(invalid.body.name));
        expect(text).toContain(String(invalid.body.message));
        if (size.width >= 768) {
          // The time on one line ("28 minutes ago" wrapped over three at 1280 px), every column in view.
          expect((await row.locator('time').boundingBox())!.height).toBeLessThan(24);
          expect(
            await page.evaluate(
              () => document.querySelector('.logs-table .table-wrap')!.scrollWidth <= document.querySelector('.logs-table .table-wrap')!.clientWidth,
            ),
          ).toBe(true);
        }
        expect(await axeViolations(page)).toEqual([]);
        await expectNoSideways(page, size);
        await screenshot(page, 'logs-errors', size);

        // A click on the row's time (not on its link) opens the request.
        await row.click({ position: { x: 12, y: 12 } });
        await page.waitForURL((url) => /^\/logs\/[0-9a-f-]+$/.test(url.pathname));
        await page.getByRole('heading', { name: 'POST /emails', level: 1 }).waitFor();
        await page.goBack();
        await logs.waitForRows(1);

        // By keyboard: the row's link takes focus and Enter opens it.
        await logs.rows().first().getByRole('link').focus();
        await page.keyboard.press('Enter');
        await page.waitForURL((url) => /^\/logs\/[0-9a-f-]+$/.test(url.pathname));
        await page.getByRole('heading', { name: 'POST /emails', level: 1 }).waitFor();
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    });
  }

  it("opens one key's logs from a link, as the API Keys page makes it", async () => {
    const logs = new LogsPage(browser.page);
    await logs.goto(`?apiKeyId=${key.id}`);
    await logs.waitForRows(4);
    // (Polled: the key's name shows once the team's keys have loaded.)
    await expect.poll(() => logs.keyFilter().locator('option:checked').textContent()).toBe('Checkout service');
  });
});
