import fs from 'node:fs/promises';
import type pg from 'pg';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { ageExport, connectDatabase, holdExportSlot, seedContacts, teamIdOf } from './db';
import { Dashboard } from './pages/Dashboard';
import { ExportDetailPage, ExportDialog, ExportsListPage } from './pages/ExportPages';
import { SignUpPage } from './pages/SignUpPage';
import { expectNoSideways, screenshot, sizeLabel, VIEWPORTS } from './viewports';

// Issue 16 items 4 and 12 at each of the three sizes, one browser and team per size. A background
// export needs more than 1,000 rows: 1,100 contacts are written with one SQL statement (and 3 that
// the page's filter leaves out). Item 4: the toast and the page of a large export link to it while
// it is PROCESSING — kept so by holding the team's export slot. Item 12: the export, moved 8 days
// back in the database (downloads last 7), reads "Expired" once on its page and on the Exports
// page, with no download, and Export again makes a new export of the same filters that gets ready.

const SEEDED = 1100;
const SEARCH = 'seeded.example.com';

/** How often the word "expired" (any case) appears in the page's main content as read. */
const expiredWords = (page: Page) =>
  // biome-ignore lint/performance/useDomNodeTextContent: the words as laid out (textContent runs a badge into the next sentence: "ExpiredDownloads").
  page.locator('main').evaluate((main) => ((main as HTMLElement).innerText.match(/\bexpired\b/gi) ?? []).length);

/** The export's id from its page's URL. */
const exportIdOf = (page: Page) => new URL(page.url()).pathname.split('/').pop() ?? '';

/** The element lies wholly inside the window (a phone's too); polled, as a toast slides in. */
async function expectOnScreen(page: Page, locator: ReturnType<Page['locator']>) {
  const inside = async () => {
    const box = await locator.boundingBox();
    const viewport = page.viewportSize();
    if (!box || !viewport) return `not laid out (${JSON.stringify(box)})`;
    const fits = box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height;
    return fits ? 'inside' : `outside: ${JSON.stringify(box)} in ${viewport.width}×${viewport.height}`;
  };
  await expect.poll(inside, { timeout: 5_000 }).toBe('inside');
}

for (const size of VIEWPORTS) {
  describe(`a large export's link, then its expiry, at ${sizeLabel(size)}`, () => {
    let browser: Browser;
    let db: pg.Client;
    let teamId: string;
    let exportId: string;
    let filtersText: string;
    captureOnFailure(() => [browser]);

    beforeAll(async () => {
      browser = await launchBrowser(size);
      db = await connectDatabase();
      const email = uniqueEmail('expiry');
      const signUp = new SignUpPage(browser.page);
      await signUp.goto();
      await signUp.signUp({ email, password: 'correct horse battery staple', teamName: 'Expiry Ltd' });
      await new Dashboard(browser.page).heading('API Keys').waitFor();
      teamId = await teamIdOf(db, email);
      await seedContacts(db, teamId, SEEDED, 'reader', SEARCH);
      await seedContacts(db, teamId, 3, 'other', 'elsewhere.example.org');
    });
    afterAll(async () => {
      await db?.end();
      await browser?.close();
    });

    it('says where a large export will be, in its toast and on its page, with links to it (item 4)', async () => {
      const { page } = browser;
      await page.goto(`/contacts?q=${SEARCH}`);
      await page.getByRole('table', { name: 'Contacts' }).waitFor();
      const exporter = new ExportDialog(page);
      const dialog = await exporter.open();
      await dialog.getByText(/^This export holds (about [\d,]+|more than 1,000) rows\.$/).waitFor();

      const slot = await holdExportSlot(teamId);
      let streamedDownload: Promise<Download> | undefined;
      try {
        // Watched from before the click: a toast does not stay for ever.
        const toast = page
          .locator('[data-sonner-toast]')
          .filter({ hasText: /^Preparing (about [\d,]+|more than 1,000) rows\. The file will be on its page when ready\./ });
        const toastSeen = toast.getByRole('button', { name: 'Open export' }).waitFor();
        await exporter.confirmAndFollow();
        await toastSeen;
        // Hovered, the toast stays while the test reads it.
        await toast.hover();
        exportId = exportIdOf(page);
        await expectOnScreen(page, toast.getByRole('button', { name: 'Open export' }));

        const detail = new ExportDetailPage(page);
        await page.getByRole('heading', { name: 'Contacts export', level: 1 }).waitFor();
        await page.getByText('Processing', { exact: true }).waitFor();
        const link = page.getByRole('link', { name: 'Link to this export' });
        expect(await link.getAttribute('href')).toBe(`/exports/${exportId}`);
        expect(await detail.downloadLink().count()).toBe(0);
        await expectNoSideways(page, size);
        expect(await axeViolations(page)).toEqual([]);
        await screenshot(page, 'export-processing', size);

        // The toast's action leads back to the export from elsewhere.
        await page.goBack();
        await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
        await toast.getByRole('button', { name: 'Open export' }).click();
        await page.waitForURL(`**/exports/${exportId}`);
        await page.getByRole('heading', { name: 'Contacts export', level: 1 }).waitFor();
        // Still waiting for the slot the test holds.
        expect((await db.query('select status from export where id = $1', [exportId])).rows[0].status).toBe('PROCESSING');
        // Admins may download it already (it waits for the slot up to EXPORT_DOWNLOAD_WAIT_SECONDS): the file arrives as it is written, and is whole at READY.
        streamedDownload = page.waitForEvent('download', { timeout: 90_000 });
        // Awaited after the slot is released; meanwhile a failure is not an unhandled rejection.
        streamedDownload.catch(() => undefined);
        await page.getByRole('link', { name: 'Download while it is written' }).click();
      } finally {
        await slot.release();
      }
      const detail = new ExportDetailPage(page);
      await detail.waitUntilReady();
      await page.getByText(`${SEEDED.toLocaleString('en-US')} rows ready`).waitFor();
      expect(await page.getByRole('link', { name: 'Link to this export' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Download while it is written' }).count()).toBe(0);
      // The download started while it was PROCESSING (the slot held: not a row written yet) holds
      // the same bytes as the one made now it is READY: a header and every row.
      if (!streamedDownload) throw new Error('the download while written was not started');
      const streamed = await streamedDownload;
      expect(await streamed.failure()).toBeNull();
      const streamedBytes = await fs.readFile(await streamed.path());
      const readyBytes = await fs.readFile(await (await detail.download()).path());
      expect(streamedBytes.toString('utf8').trimEnd().split(/\r?\n/)).toHaveLength(SEEDED + 1);
      expect(streamedBytes.equals(readyBytes)).toBe(true);
      filtersText = (await page.locator('dl[aria-label="Export details"]').textContent()) ?? '';
    });

    it('shows an expired export as "Expired" once, without a download, and exports it again (item 12)', async () => {
      const { page } = browser;
      expect(exportId).toBeTruthy();
      await ageExport(db, exportId, 8);

      await page.goto(`/exports/${exportId}`);
      await page.getByRole('heading', { name: 'Contacts export', level: 1 }).waitFor();
      await page.getByText('Expired', { exact: true }).waitFor();
      expect(await expiredWords(page)).toBe(1);
      expect(await page.getByRole('link', { name: /download/i }).count()).toBe(0);
      expect(await page.locator('a[download], a[href*="/download"]').count()).toBe(0);
      // The server agrees: the file is gone.
      expect((await browser.context.request.get(`/api/exports/${exportId}/download`)).status()).toBe(410);
      const again = page.getByRole('button', { name: 'Export again' });
      await again.waitFor();
      await expectNoSideways(page, size);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'export-expired', size);

      await page.goto('/exports');
      const list = new ExportsListPage(page);
      await list.rows().first().waitFor();
      expect(await list.rows().count()).toBe(1);
      expect(await expiredWords(page)).toBe(1);
      expect(await list.rows().first().getByText('Expired', { exact: true }).count()).toBe(1);
      await expectNoSideways(page, size);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'exports-expired', size);

      // Export again: a new export of the same filters, which gets ready.
      await page.goto(`/exports/${exportId}`);
      await again.click();
      await page.waitForURL((url) => /\/exports\/[0-9a-f-]+$/.test(url.pathname) && !url.pathname.endsWith(exportId));
      const newId = exportIdOf(page);
      await page.getByRole('heading', { name: 'Contacts export', level: 1 }).waitFor();
      const detail = new ExportDetailPage(page);
      await detail.waitUntilReady();
      await page.getByText(`${SEEDED.toLocaleString('en-US')} rows ready`).waitFor();
      const { rows } = await db.query<{ id: string; filters: unknown }>('select id, filters from export where id = any($1::uuid[]) order by created_at', [
        [exportId, newId],
      ]);
      expect(rows.map((r) => r.id)).toEqual([exportId, newId]);
      expect(rows[1].filters).toEqual(rows[0].filters);
      expect(rows[0].filters).toMatchObject({ search: SEARCH });
      // The page describes the same filters as the first export's did.
      const filtersNow = (await page.locator('dl[aria-label="Export details"]').textContent()) ?? '';
      const filtersOf = (text: string) => text.match(/Filters(.*)Rows/)?.[1];
      expect(filtersOf(filtersText)).toContain(SEARCH);
      expect(filtersOf(filtersNow)).toBe(filtersOf(filtersText));
      expect(await expiredWords(page)).toBe(0);
      await expectNoSideways(page, size);
      expect(await axeViolations(page)).toEqual([]);

      await page.goto('/exports');
      await expect.poll(() => list.rows().count()).toBe(2);
      expect(await expiredWords(page)).toBe(1);
      expect(await list.rows().first().getByText('Ready', { exact: true }).count()).toBe(1);
      await expectNoSideways(page, size);
      expect(await axeViolations(page)).toEqual([]);
    });
  });
}
