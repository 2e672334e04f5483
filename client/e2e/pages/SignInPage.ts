import type { Page } from 'playwright-core';

export class SignInPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole('heading', { name: 'Sign in to Keyring' });
  readonly alert = () => this.page.getByRole('form', { name: 'Sign in' }).getByRole('alert');

  async goto() {
    await this.page.goto('/sign-in');
    await this.heading().waitFor();
  }

  async signIn(input: { email: string; password: string }) {
    await this.page.getByLabel('Email').fill(input.email);
    await this.page.getByLabel('Password').fill(input.password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }
}
