import type { Page } from 'playwright-core';

export class SignUpPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/sign-up');
    await this.page.getByRole('heading', { name: 'Create your Keyring account' }).waitFor();
  }

  async signUp(input: { email: string; password: string; teamName: string }) {
    await this.page.getByLabel('Email').fill(input.email);
    await this.page.getByLabel('Password').fill(input.password);
    await this.page.getByLabel('Team name').fill(input.teamName);
    await this.page.getByRole('button', { name: 'Create account' }).click();
  }
}
