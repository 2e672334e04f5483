import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEmail, createSendingKey, rest } from './api';
import { axeViolations } from './axe';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { Dashboard } from './pages/Dashboard';
import { SignUpPage } from './pages/SignUpPage';
import { expectNoSideways, sizeLabel, VIEWPORTS } from './viewports';

// Issue 16 item 8: a reversed date range says so beside the dates, keeps the table and offers Clear filters.
const REVERSED = 'Choose a From date on or before the To date.';
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('a reversed date range on the list pages', () => {
  let browser: Browser;
  captureOnFailure(() => [browser]);
  const domain = 'mail.date-range-e2e.example.com';

  beforeAll(async () => {
    browser = await launchBrowser();
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email: uniqueEmail('dates'), password: 'correct horse battery staple', teamName: 'Calendars' });
    await new Dashboard(browser.page).heading('API Keys').waitFor();
    const key = await createSendingKey(browser, domain, 'Shop');
    for (const i of [1, 2]) expect((await rest(browser.baseUrl, key.token, 'POST', '/emails', anEmail(domain, i))).status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const size of VIEWPORTS) {
    it(`Emails at ${sizeLabel(size)}: typing a reversed range keeps the rows, says why beside From, and Clear filters recovers`, async () => {
      const { page } = browser;
      await page.setViewportSize(size);
      await page.goto(`${browser.baseUrl}/emails`);
      const table = page.getByRole('table', { name: 'Emails' });
      await table.locator('tbody tr').first().waitFor();
      expect(await table.locator('tbody tr').count()).toBe(2);

      await page.getByLabel('To', { exact: true }).fill(day(5));
      await page.getByLabel('From', { exact: true }).fill(day(10));
      await page.getByText(REVERSED).waitFor();
      expect(await page.getByLabel('From', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      const clear = page.getByRole('button', { name: 'Clear filters' });
      await clear.waitFor();
      // The table stays, with its rows; the API's wording never shows.
      expect(await table.locator('tbody tr').count()).toBe(2);
      expect(await page.getByText('`from`').count()).toBe(0);
      // Nothing on the page is pushed off the side of a phone; the field error is accessible.
      await expectNoSideways(page, size);
      expect(await axeViolations(page)).toEqual([]);

      await clear.click();
      await page.getByText(REVERSED).waitFor({ state: 'detached' });
      expect(new URL(page.url()).search).toBe('');
      expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe('');
      expect(await table.locator('tbody tr').count()).toBe(2);
    });

    for (const path of ['/logs', '/contacts', '/broadcasts']) {
      it(`${path} at ${sizeLabel(size)}: a reversed range in the URL says why and offers Clear filters`, async () => {
        const { page } = browser;
        await page.setViewportSize(size);
        await page.goto(`${browser.baseUrl}${path}?from=${day(10)}&to=${day(5)}`);
        await page.getByText(REVERSED).waitFor();
        expect(await page.getByText('`from`').count()).toBe(0);
        await expectNoSideways(page, size);
        expect(await axeViolations(page)).toEqual([]);
        await page.getByRole('button', { name: 'Clear filters' }).click();
        await page.getByText(REVERSED).waitFor({ state: 'detached' });
        expect(new URL(page.url()).search).toBe('');
        expect(await page.getByRole('button', { name: 'Clear filters' }).count()).toBe(0);
      });
    }
  }
});
