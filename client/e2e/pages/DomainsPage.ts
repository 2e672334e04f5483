import type { Page } from 'playwright-core';

export class DomainsPage {
  constructor(private readonly page: Page) {}

  readonly table = () => this.page.getByRole('table', { name: 'Domains' });
  readonly row = (name: string) => this.table().getByRole('row').filter({ hasText: name });

  async add(name: string, region: string) {
    await this.page.getByRole('button', { name: 'Add domain' }).first().click();
    const dialog = this.page.getByRole('dialog', { name: 'Add domain' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Region').selectOption(region);
    await dialog.getByRole('button', { name: 'Add domain' }).click();
    return dialog;
  }

  /** Opens a domain's page (its DNS records) from its name in the list. */
  async open(name: string) {
    await this.table().getByRole('link', { name, exact: true }).click();
    await this.page.getByRole('heading', { name, level: 1 }).waitFor();
  }

  readonly records = () => this.page.getByRole('table', { name: 'DNS records' });

  async remove(name: string) {
    await this.page.getByRole('button', { name: `More options for ${name}` }).click();
    await this.page.getByRole('menuitem', { name: 'Remove domain' }).click();
    const confirm = this.page.getByRole('dialog', { name: 'Remove domain' });
    await confirm.getByRole('button', { name: 'Remove domain' }).click();
    await confirm.waitFor({ state: 'hidden' });
  }
}
