import type { Page } from 'playwright-core';

export class LogsPage {
  constructor(private readonly page: Page) {}

  readonly table = () => this.page.getByRole('table', { name: 'Logs' });
  /** Data rows, without the header. */
  readonly rows = () => this.table().locator('tbody tr');

  async goto(query = '') {
    await this.page.goto(`/logs${query}`);
    await this.page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
  }

  /** Request logs are written in batches: refresh until `count` rows show, or fail after `timeoutMs`. */
  async waitForRows(count: number, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    await this.page.locator('table[aria-label="Logs"], section.empty').first().waitFor();
    for (;;) {
      const shown = await this.rows().count();
      if (shown === count) return;
      if (Date.now() > deadline) throw new Error(`expected ${count} log rows, saw ${shown}`);
      await this.page.waitForTimeout(400);
      await this.page.getByRole('button', { name: 'Refresh' }).click();
      await this.page.waitForFunction(() => !document.querySelector('button[aria-busy="true"]'));
    }
  }

  async filterStatus(value: string) {
    await this.page.getByLabel('Status').selectOption(value);
  }

  readonly keyFilter = () => this.page.getByLabel('API key');

  /** Opens a request's detail page from its row. */
  async open(row: number) {
    await this.rows().nth(row).getByRole('link').click();
    await this.page.getByRole('region', { name: 'Response body' }).waitFor();
  }

  readonly responseBody = () => this.page.getByRole('region', { name: 'Response body' }).locator('pre');
  readonly requestBody = () => this.page.getByRole('region', { name: 'Request body' }).locator('pre');
}
