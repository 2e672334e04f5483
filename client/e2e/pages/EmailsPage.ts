import type { Page } from 'playwright-core';

/** The Emails list and an email's detail page. */
export class EmailsPage {
  constructor(private readonly page: Page) {}

  readonly table = () => this.page.getByRole('table', { name: 'Emails' });
  /** Data rows, without the header. */
  readonly rows = () => this.table().locator('tbody tr');

  /** Opens an email's detail page from its subject in the list. */
  async open(subject: string) {
    await this.table().getByRole('link', { name: subject, exact: true }).click();
    await this.page.getByRole('heading', { name: subject, level: 1 }).waitFor();
  }

  readonly details = () => this.page.getByLabel('Email details');
  readonly tab = (name: 'HTML' | 'Text' | 'Source') => this.page.getByRole('tab', { name, exact: true });
  readonly preview = () => this.page.getByTitle('HTML preview');
  /** The rendered email, inside its sandboxed frame. */
  readonly previewFrame = () => this.page.frameLocator('iframe[title="HTML preview"]');
  readonly panel = () => this.page.getByRole('tabpanel');
}
