import type { Page } from 'playwright-core';

export type Permission = 'Full access' | 'Sending access';

/** A key's row menu button, named by the key and its token start ("More options for Production (re_Ab12Cd…)"). */
export const menuLabel = (name: string) => new RegExp(`^More options for ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(re_\\w+…\\)$`);

export class ApiKeysPage {
  constructor(private readonly page: Page) {}

  readonly table = () => this.page.getByRole('table', { name: 'API keys' });
  readonly row = (name: string) =>
    this.table()
      .getByRole('row')
      .filter({ has: this.page.getByRole('link', { name, exact: true }) });
  readonly requestsLink = (name: string) => this.row(name).getByRole('link', { name: new RegExp(`requests? with ${name}: view logs$`) });
  readonly menuButton = (name: string) => this.page.getByRole('button', { name: menuLabel(name) });
  readonly emptyState = () => this.page.getByRole('heading', { name: 'No API keys yet' });
  readonly healthCard = (label: string) => this.page.getByRole('region', { name: 'Key health' }).getByRole('button', { name: label });

  async goto() {
    await this.page.goto('/api-keys');
    await this.page.getByRole('heading', { name: 'API Keys', level: 1 }).waitFor();
  }

  /** Creates a key and returns the token dialog, still open, showing the token once. */
  async create(input: { name: string; permission?: Permission; domain?: string }) {
    await this.page.getByRole('button', { name: 'Create API Key' }).first().click();
    const dialog = this.page.getByRole('dialog', { name: 'Create API Key' });
    await dialog.getByLabel('Name').fill(input.name);
    await dialog.getByRole('radio', { name: input.permission ?? 'Full access' }).check();
    if (input.domain) await dialog.getByLabel('Domain').selectOption({ label: input.domain });
    await dialog.getByRole('button', { name: 'Create' }).click();
    const shown = this.page.getByRole('dialog', { name: 'API key created' });
    await shown.waitFor();
    return {
      dialog: shown,
      token: () => shown.getByRole('textbox', { name: 'Token' }).inputValue(),
      copyButton: () => shown.getByRole('button', { name: 'Copy token' }),
      close: async () => {
        await shown.getByRole('button', { name: 'Done' }).click();
        await shown.waitFor({ state: 'hidden' });
      },
    };
  }

  async openMenu(name: string, item: 'Edit API key' | 'Roll API key' | 'Disable API key' | 'Enable API key' | 'Remove API key') {
    await this.menuButton(name).click();
    await this.page.getByRole('menuitem', { name: item }).click();
  }

  async edit(name: string, changes: { name?: string; permission?: Permission; domain?: string }) {
    await this.openMenu(name, 'Edit API key');
    const dialog = this.page.getByRole('dialog', { name: 'Edit API key' });
    if (changes.name !== undefined) await dialog.getByLabel('Name').fill(changes.name);
    if (changes.permission) await dialog.getByRole('radio', { name: changes.permission }).check();
    if (changes.domain) await dialog.getByLabel('Domain').selectOption({ label: changes.domain });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  /** Opens the confirmation for removing a key; returns it, still open. */
  async askToRemove(name: string) {
    await this.openMenu(name, 'Remove API key');
    const confirm = this.page.getByRole('dialog', { name: `Remove API key “${name}”?` });
    await confirm.waitFor();
    return {
      dialog: confirm,
      confirm: async () => {
        await confirm.getByRole('button', { name: 'Remove API key' }).click();
        await confirm.waitFor({ state: 'hidden' });
      },
    };
  }
}
