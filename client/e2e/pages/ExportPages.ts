import type { Download, Page } from 'playwright-core';

/** The Export button of a resource page and its confirmation dialog. */
export class ExportDialog {
  constructor(private readonly page: Page) {}

  readonly dialog = () => this.page.getByRole('dialog', { name: /^Export / });

  async open() {
    await this.page.getByRole('button', { name: 'Export', exact: true }).click();
    await this.dialog().waitFor();
    return this.dialog();
  }

  /** Confirms a small export, which the browser downloads at once. */
  async confirmAndDownload(): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.dialog().getByRole('button', { name: 'Export', exact: true }).click()]);
    return download;
  }

  /** Confirms a large export, which continues on its detail page. */
  async confirmAndFollow() {
    await this.dialog().getByRole('button', { name: 'Export', exact: true }).click();
    await this.page.waitForURL(/\/exports\/[0-9a-f-]+$/);
  }
}

export class ExportDetailPage {
  constructor(private readonly page: Page) {}

  readonly progress = () => this.page.getByRole('progressbar', { name: 'Export progress' });
  readonly downloadLink = () => this.page.getByRole('link', { name: 'Download CSV' });

  /** Waits for the live progress bar to reach 100% and the export to be ready. */
  async waitUntilReady(timeoutMs = 60_000) {
    await this.page.waitForFunction(() => document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') === '100', undefined, {
      timeout: timeoutMs,
    });
    await this.page.getByText('Ready', { exact: true }).waitFor({ timeout: timeoutMs });
    await this.downloadLink().waitFor();
  }

  async download(): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.downloadLink().click()]);
    return download;
  }
}

export class ExportsListPage {
  constructor(private readonly page: Page) {}

  readonly table = () => this.page.getByRole('table', { name: 'Exports' });
  readonly rows = () => this.table().locator('tbody tr');
}
