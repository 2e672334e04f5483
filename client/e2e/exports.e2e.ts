import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Download } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEmail, createSendingKey, rest } from './api';
import { axeViolations } from './axe';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { Dashboard } from './pages/Dashboard';
import { ExportDetailPage, ExportDialog, ExportsListPage } from './pages/ExportPages';
import { LogsPage } from './pages/LogsPage';
import { SignUpPage } from './pages/SignUpPage';
import { expectNoSideways, screenshot, sizeLabel, VIEWPORTS } from './viewports';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

async function csvLines(download: Download): Promise<string[]> {
  const file = await download.path();
  return (await fs.readFile(file, 'utf8')).trimEnd().split(/\r?\n/);
}

describe('exports in the browser', () => {
  let browser: Browser;
  captureOnFailure(() => [browser]);
  const domain = 'mail.exports-e2e.example.com';
  let key: { id: string; token: string };

  beforeAll(async () => {
    browser = await launchBrowser();
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email: uniqueEmail('exports'), password: 'correct horse battery staple', teamName: 'Export Ltd' });
    await new Dashboard(browser.page).heading('API Keys').waitFor();
    key = await createSendingKey(browser, domain);
    for (let i = 0; i < 2; i++) {
      expect((await rest(browser.baseUrl, key.token, 'POST', '/emails', anEmail(domain, i))).status).toBe(200);
    }
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('downloads a small export of the logs at once', async () => {
    const { page } = browser;
    const logs = new LogsPage(page);
    await new Dashboard(page).open('Logs');
    await logs.waitForRows(2);

    const exporter = new ExportDialog(page);
    const dialog = await exporter.open();
    expect(await dialog.getByRole('definition').first().textContent()).toBe('Logs');
    const download = await exporter.confirmAndDownload();
    expect(download.suggestedFilename()).toMatch(/^keyring-logs-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.csv$/);
    const lines = await csvLines(download);
    expect(lines[0]).toBe('id,created_at,method,endpoint,response_status,user_agent,duration_ms,api_key_id,api_key_name,error_name,error_message');
    expect(lines).toHaveLength(3);
    // The page stays where it was.
    expect(new URL(page.url()).pathname).toBe('/logs');
  });

  it('prepares a large export of the emails in the background, with live progress', async () => {
    const { page } = browser;
    // 1,100 emails: 11 batches of 100 (the per-team rate limit is waited out).
    for (let b = 0; b < 11; b++) {
      const batch = Array.from({ length: 100 }, (_, i) => anEmail(domain, 100 + b * 100 + i));
      const res = await rest(browser.baseUrl, key.token, 'POST', '/emails/batch', batch);
      expect(res.status).toBe(200);
    }

    await new Dashboard(page).open('Emails');
    await page.getByRole('table', { name: 'Emails' }).waitFor();
    const exporter = new ExportDialog(page);
    await exporter.open();
    // The toast says where the file will be (no relay: on its page, not by email) and links to it.
    // (Watched from before the click: a toast does not stay for ever.)
    const toast = page
      .locator('[data-sonner-toast]')
      .filter({ hasText: /Preparing (about [\d,]+|more than 1,000|1,102) rows\. The file will be on its page when ready\./ });
    const toastSeen = toast.getByRole('button', { name: 'Open export' }).waitFor();
    await exporter.confirmAndFollow();
    await toastSeen;

    const detail = new ExportDetailPage(page);
    await page.getByRole('heading', { name: 'Emails export', level: 1 }).waitFor();
    await detail.progress().waitFor();
    await detail.waitUntilReady();
    expect(await page.getByText('1,102 rows ready').count()).toBe(1);
    await page.screenshot({ path: path.join(screenshots, 'export-detail.png'), animations: 'disabled' });

    const lines = await csvLines(await detail.download());
    expect(lines[0]).toBe('id,from,to,cc,bcc,reply_to,subject,last_event,created_at,sent_at,api_key_id,api_key_name');
    expect(lines).toHaveLength(1103);
  });

  it("lets the page's WebSocket reach this origin and no other (CSP connect-src 'self')", async () => {
    const { page } = browser;
    const outcome = (url: string) =>
      page.evaluate(
        (target) =>
          new Promise<string>((resolve) => {
            document.addEventListener('securitypolicyviolation', (e) => resolve(`blocked ${e.violatedDirective}`), { once: true });
            try {
              const socket = new WebSocket(target, 'graphql-transport-ws');
              socket.onopen = () => {
                socket.close();
                resolve('open');
              };
              socket.onerror = () => setTimeout(() => resolve('error'), 200);
            } catch (e) {
              resolve(`threw ${(e as Error).name}`);
            }
          }),
        url,
      );
    const self = new URL(page.url());
    expect(await outcome(`ws://${self.host}/graphql`)).toBe('open');
    expect(await outcome(`ws://localhost:${self.port}/graphql`)).toMatch(/^blocked connect-src|^threw SecurityError/);
  });

  it('lists both exports on the Exports page', async () => {
    const { page } = browser;
    await new Dashboard(page).open('Exports');
    const list = new ExportsListPage(page);
    await list.table().waitFor();
    expect(await list.rows().count()).toBe(2);
    expect(await list.rows().first().textContent()).toContain('Emails');
    expect(await list.rows().nth(1).textContent()).toContain('Logs');
  });

  for (const size of VIEWPORTS) {
    it(`shows the Exports page and a ready export at ${sizeLabel(size)}, with no axe violation`, async () => {
      const { page } = browser;
      await page.setViewportSize(size);
      try {
        await page.goto('/exports');
        const list = new ExportsListPage(page);
        await list.rows().first().waitFor();
        await expectNoSideways(page, size);
        expect(await axeViolations(page)).toEqual([]);
        await screenshot(page, 'exports', size);

        await list.rows().first().getByRole('link').first().click();
        await page.getByRole('heading', { name: 'Emails export', level: 1 }).waitFor();
        await page.getByText('1,102 rows ready').waitFor();
        await new ExportDetailPage(page).downloadLink().waitFor();
        await expectNoSideways(page, size);
        expect(await axeViolations(page)).toEqual([]);
        await screenshot(page, 'export-detail', size);
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    });
  }
});
