import type { Page } from 'playwright-core';

export class AcceptInvitationPage {
  constructor(private readonly page: Page) {}

  async open(link: string) {
    await this.page.goto(link);
    await this.page.getByRole('heading', { name: 'Join your team on Keyring' }).waitFor();
  }

  async accept(password: string) {
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Accept invitation' }).click();
  }
}
