import type { Page } from 'playwright-core';

/** /forgot-password, reached from sign-in's "Forgot password?". */
export class ForgotPasswordPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole('heading', { name: 'Reset your password' });
  readonly sent = () => this.page.getByRole('status');

  async request(email: string) {
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByRole('button', { name: 'Send reset link' }).click();
    await this.page.getByRole('heading', { name: 'Check your email' }).waitFor();
  }
}

/** /reset-password?token=…, the emailed link. */
export class ResetPasswordPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole('heading', { name: 'Choose a new password' });
  readonly alert = () => this.page.getByRole('form', { name: 'Choose a new password' }).getByRole('alert');

  async open(link: string) {
    await this.page.goto(link);
    await this.heading().waitFor();
  }

  async setPassword(password: string) {
    await this.page.getByLabel('New password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Set new password' }).click();
  }
}
