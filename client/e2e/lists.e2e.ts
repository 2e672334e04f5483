import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEmail, createSendingKey, graphqlAs, rest } from './api';
import { axeViolations } from './axe';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { Dashboard } from './pages/Dashboard';
import { LogsPage } from './pages/LogsPage';
import { SignUpPage } from './pages/SignUpPage';
import { expectNoSideways, screenshot, sizeLabel, VIEWPORTS } from './viewports';

// Issue 16 items 6, 7, 11 and 12 at each of the three sizes, one browser and team per size:
// search as you type on every list, a refused request's page (wrapped JSON, Copy, Copy as curl),
// the export dialog's row count, the key health cards' thresholds, days up to 60 and the usage dots'
// colours matching their legend. axe runs on every page and dialog opened.

const CREATE = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }';
// A long unbroken subject: the logged JSON must wrap it, not scroll the page sideways.
const LONG_SUBJECT = `Quarterly-${'x'.repeat(240)}`;

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

for (const size of VIEWPORTS) {
  describe(`lists, logs, exports and key health at ${sizeLabel(size)}`, () => {
    let browser: Browser;
    captureOnFailure(() => [browser]);
    const domain = 'mail.lists-e2e.example.com';

    beforeAll(async () => {
      browser = await launchBrowser(size);
      await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: browser.baseUrl });
      const signUp = new SignUpPage(browser.page);
      await signUp.goto();
      await signUp.signUp({ email: uniqueEmail('lists'), password: 'correct horse battery staple', teamName: 'Lists & Co' });
      await new Dashboard(browser.page).heading('API Keys').waitFor();
      const key = await createSendingKey(browser, domain, 'Shop');
      for (const i of [1, 2]) expect((await rest(browser.baseUrl, key.token, 'POST', '/emails', anEmail(domain, i))).status).toBe(200);
      // No recipient: refused, and logged with its error.
      const refused = await rest(browser.baseUrl, key.token, 'POST', '/emails', { from: `Acme <hello@${domain}>`, subject: LONG_SUBJECT });
      expect(refused.status).toBe(422);
      const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
      await graphqlAs(browser, CREATE, { input: { name: 'Quarterly report', permission: 'FULL_ACCESS', expiresAt: inDays(45.5) } });
      await graphqlAs(browser, CREATE, { input: { name: 'Launch campaign', permission: 'FULL_ACCESS', expiresAt: inDays(3.5) } });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('searches as you type (no Enter) on every list page', async () => {
      const { page } = browser;
      const keys = new ApiKeysPage(page);
      await keys.goto();
      await keys.row('Launch campaign').waitFor();
      await page.getByRole('searchbox', { name: 'Search API keys' }).fill('Quarterly');
      await expect.poll(() => keys.table().locator('tbody tr').count()).toBe(1);
      await keys.row('Quarterly report').waitFor();
      expect(await axeViolations(page)).toEqual([]);

      await page.goto('/emails');
      const emails = page.getByRole('table', { name: 'Emails' });
      await emails.locator('tbody tr').first().waitFor();
      expect(await emails.locator('tbody tr').count()).toBe(2);
      await page.getByRole('searchbox', { name: 'Search' }).fill('Order 2');
      await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('Order 2');
      await expect.poll(() => emails.locator('tbody tr').count()).toBe(1);
      expect(await emails.locator('tbody tr').textContent()).toContain('Order 2 shipped');
      await expectNoSideways(page, size);
      expect(await axeViolations(page)).toEqual([]);

      for (const [path, heading] of [
        ['/contacts', 'Contacts'],
        ['/broadcasts', 'Broadcasts'],
      ]) {
        await page.goto(path);
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        await page.getByRole('searchbox', { name: 'Search' }).fill('nobody here');
        await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('nobody here');
        await expectNoSideways(page, size);
        expect(await axeViolations(page)).toEqual([]);
      }
    });

    it("states the health cards' thresholds, keeps relative times in days up to 60, and colours each usage dot as its legend", async () => {
      const { page } = browser;
      const keys = new ApiKeysPage(page);
      await keys.goto();
      await keys.healthCard('Expiring within 7 days 1').waitFor();
      await keys.healthCard('Inactive for 30 days 0').waitFor();
      expect(await keys.row('Launch campaign').textContent()).toContain('Expires in 3 days');
      expect(await keys.row('Quarterly report').textContent()).toContain('Expires in 45 days');

      // The request count comes in the background: wait for Shop to be active.
      await expect
        .poll(
          async () => {
            await keys.goto();
            return keys.row('Shop').getByRole('img', { name: 'Active' }).count();
          },
          { timeout: 20_000, interval: 500 },
        )
        .toBe(1);
      const colour = (locator: ReturnType<Page['locator']>) => locator.evaluate((el) => getComputedStyle(el).backgroundColor);
      const legend = page.getByRole('list', { name: 'Usage status legend' });
      for (const [row, status] of [
        ['Shop', 'Active'],
        ['Quarterly report', 'Never used'],
      ]) {
        const dot = keys.row(row).getByRole('img', { name: status, exact: true });
        const key = legend
          .getByRole('listitem')
          .filter({ hasText: new RegExp(`^${status} ·`) })
          .locator('.usage-dot');
        expect(await colour(dot), `${row}: ${status}`).toBe(await colour(key));
      }
      await expectNoSideways(page, size);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'api-keys-health', size, true);
    });

    it("shows a refused request's error on its page, wraps its JSON, and copies it and a curl command", async () => {
      const { page, baseUrl } = browser;
      const logs = new LogsPage(page);
      await logs.goto('?status=errors');
      await logs.waitForRows(1);
      await logs.open(0);
      await page.getByRole('heading', { name: 'POST /emails', level: 1 }).waitFor();

      // Long lines wrap: neither the page nor the body scrolls sideways.
      await expectNoSideways(page, size);
      const request = logs.requestBody();
      expect(await request.textContent()).toContain(LONG_SUBJECT);
      expect(await request.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'log-detail', size);

      await page.getByRole('button', { name: 'Copy response body' }).click();
      await expect.poll(() => clipboard(page)).toContain('"statusCode": 422');
      await page.getByRole('button', { name: 'Copy as curl' }).click();
      await expect.poll(() => clipboard(page)).toMatch(/^curl -X POST /);
      const curl = await clipboard(page);
      expect(curl).toContain(`'${baseUrl}/api/emails'`);
      expect(curl).toContain('"$RESEND_API_KEY"');
      expect(curl).toContain(LONG_SUBJECT);
      expect(curl).not.toMatch(/re_[0-9A-Za-z]{20,}/);
    });

    it('counts the rows in the export dialog before confirming, then downloads them', async () => {
      const { page } = browser;
      await page.goto('/emails');
      await page.getByRole('table', { name: 'Emails' }).locator('tbody tr').first().waitFor();
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Export emails' });
      await dialog.getByText('This export holds 2 rows.').waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'export-dialog', size);
      const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export', exact: true }).click()]);
      expect(download.suggestedFilename()).toMatch(/^keyring-emails-.+\.csv$/);
      await page.getByText('Exported 2 rows. Your download has started.').waitFor();
      await dialog.waitFor({ state: 'hidden' });

      await page.goto('/exports');
      const exports = page.getByRole('table', { name: 'Exports' });
      await exports.locator('tbody tr').first().waitFor();
      expect(await exports.locator('tbody tr').first().textContent()).toContain('Emails');
      await expectNoSideways(page, size);
      expect(await axeViolations(page)).toEqual([]);
    });
  });
}
