import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlAs } from './api';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { connectDatabase } from './db';
import { Dashboard } from './pages/Dashboard';
import { SignUpPage } from './pages/SignUpPage';

// Pages other than API Keys, used as a reader would in Chromium: what an open page shows when the
// server's truth changes under it (an export's download ending, a teammate's domain).

/** Hides then shows the page's tab, as switching to another tab and back does (headless Chromium never hides one by itself). */
async function hideAndShowTab(page: Browser['page']) {
  await page.evaluate(() => {
    const set = (state: DocumentVisibilityState) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    set('hidden');
    set('visible');
  });
}

describe('pages that stay current', () => {
  let browser: Browser;
  let db: pg.Client;
  captureOnFailure(() => [browser]);

  beforeAll(async () => {
    browser = await launchBrowser();
    db = await connectDatabase();
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email: uniqueEmail('pages'), password: 'correct horse battery staple', teamName: 'Pages Ltd' });
    await new Dashboard(browser.page).heading('API Keys').waitFor();
  });
  afterAll(async () => {
    await db?.end();
    await browser?.close();
  });

  it('turns an export open on its page and on the Exports page into Expired when its download ends, without a reload', async () => {
    const { page } = browser;
    const { createExport } = await graphqlAs<{ createExport: { id: string; status: string } }>(
      browser,
      'mutation { createExport(input: { resource: DOMAINS, domains: {} }) { id status } }',
    );
    expect(createExport.status).toBe('READY');
    // Its 7 days end 10 s from now (the second page must still see it Ready on a loaded machine).
    await db.query(`update export set expires_at = now() + interval '10 seconds' where id = $1`, [createExport.id]);

    await page.goto(`/exports/${createExport.id}`);
    const download = page.getByRole('link', { name: 'Download CSV' });
    await download.waitFor();
    const other = await browser.context.newPage();
    try {
      await other.goto('/exports');
      const row = other.getByRole('table', { name: 'Exports' }).getByRole('row').nth(1);
      await expect.poll(() => row.textContent()).toContain('Ready');

      // Reported: Download CSV stayed (and answered 410) until the page was reloaded.
      await page.getByText('Expired', { exact: true }).waitFor({ timeout: 25_000 });
      expect(await download.count()).toBe(0);
      await page.getByRole('button', { name: 'Export again' }).waitFor();
      await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Expired');
      expect(await row.textContent()).not.toContain('Ready');
    } finally {
      await other.close();
    }
  });

  it('shows a domain added meanwhile on the Domains page: on a new visit, and when its tab is shown again', async () => {
    const { page } = browser;
    await page.goto('/domains');
    await page.getByRole('heading', { name: 'Domains', level: 1 }).waitFor();
    await graphqlAs(browser, 'mutation { createDomain(input: { name: "first.example.com" }) { id } }');

    // Another page and back, inside the app (no reload): the list asked only its cache before.
    await page.getByRole('link', { name: 'API Keys' }).first().click();
    await page.getByRole('heading', { name: 'API Keys', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Domains' }).first().click();
    const table = page.getByRole('table', { name: 'Domains' });
    await table.getByRole('link', { name: 'first.example.com' }).waitFor();

    // A teammate (here: GraphQL with this session) adds another while the tab is in the background.
    await graphqlAs(browser, 'mutation { createDomain(input: { name: "second.example.com" }) { id } }');
    await hideAndShowTab(page);
    await table.getByRole('link', { name: 'second.example.com' }).waitFor({ timeout: 10_000 });
  });
});
