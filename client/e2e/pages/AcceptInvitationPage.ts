import type { Page } from 'playwright-core';

export class AcceptInvitationPage {
  constructor(private readonly page: Page) {}

  async open(link: string) {
    await this.page.goto(link);
    // "Join <team> on Keyring" once the page knows the link's team (or says it no longer works).
    await this.page.getByRole('heading', { name: /^Join .+ on Keyring$|^This invitation no longer works$/ }).waitFor();
  }

  async accept(password: string) {
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Accept invitation' }).click();
  }
}
