import type { Page } from 'playwright-core';

/** The signed-in shell: navigation, the current team and user, sign out. */
export class Dashboard {
  constructor(private readonly page: Page) {}

  readonly heading = (name: string) => this.page.getByRole('heading', { name, level: 1 });
  readonly teamName = () => this.page.getByTestId('team-name');
  readonly userEmail = () => this.page.getByTestId('user-email');
  /** The toasts on screen (errors and confirmations). */
  readonly toasts = () => this.page.locator('[data-sonner-toast]');

  async open(section: 'API Keys' | 'Logs' | 'Emails' | 'Contacts' | 'Broadcasts' | 'Domains' | 'Exports' | 'Team' | 'Audit log' | 'Account') {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: section }).click();
    await this.heading(section).waitFor();
  }

  /** Signs out and waits for the sign-in page, which is a full page load. */
  async signOut() {
    await Promise.all([
      this.page.waitForURL((url) => url.pathname === '/sign-in', { waitUntil: 'load' }),
      this.page.getByRole('button', { name: 'Sign out', exact: true }).click(),
    ]);
    await this.page.getByRole('heading', { name: 'Sign in to Keyring' }).waitFor();
  }
}
