import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { Dashboard } from './pages/Dashboard';
import { SignInPage } from './pages/SignInPage';
import { SignUpPage } from './pages/SignUpPage';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

describe('accounts in the browser', () => {
  let browser: Browser;
  captureOnFailure(() => [browser]);
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const account = { email: uniqueEmail('founder'), password: 'correct horse battery staple', teamName: 'Acme Mail' };

  it('signs up through the UI and lands in the dashboard', async () => {
    const { page } = browser;
    const signUp = new SignUpPage(page);
    const dashboard = new Dashboard(page);
    await signUp.goto();
    await signUp.signUp(account);

    await dashboard.heading('API Keys').waitFor();
    expect(new URL(page.url()).pathname).toBe('/api-keys');
    expect(await dashboard.teamName().textContent()).toBe(account.teamName);
    expect(await dashboard.userEmail().textContent()).toBe(account.email);
    // Leaving the sign-up page cancels its own query: no error toast for that.
    await page.waitForLoadState('networkidle');
    expect(await dashboard.toasts().allTextContents()).toEqual([]);
    await page.screenshot({ path: path.join(screenshots, 'dashboard.png'), animations: 'disabled' });
  });

  it('keeps the session across a reload and moves between sections', async () => {
    const { page } = browser;
    const dashboard = new Dashboard(page);
    await page.reload();
    await dashboard.heading('API Keys').waitFor();
    for (const section of ['Logs', 'Domains', 'Exports', 'Team', 'API Keys'] as const) {
      await dashboard.open(section);
    }
  });

  it('signs out, and the dashboard is closed to a signed-out visitor', async () => {
    const { page } = browser;
    const signIn = new SignInPage(page);
    await new Dashboard(page).signOut();
    await signIn.heading().waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');

    await page.goto('/domains');
    await signIn.heading().waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('refuses a wrong password with a message in the form', async () => {
    const { page } = browser;
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn({ email: account.email, password: 'not the password' });
    await signIn.alert().waitFor();
    expect(await signIn.alert().textContent()).toBe('Invalid email or password.');
  });

  it('signs back in and returns to the page asked for', async () => {
    const { page } = browser;
    const signIn = new SignInPage(page);
    const dashboard = new Dashboard(page);
    await page.goto('/domains');
    await signIn.heading().waitFor();
    await signIn.signIn({ email: account.email, password: account.password });
    await dashboard.heading('Domains').waitFor();
    expect(await dashboard.teamName().textContent()).toBe(account.teamName);
  });

  it('changes the password on the Account page, which signs out the other browser', async () => {
    const { page } = browser;
    const other = await launchBrowser();
    try {
      const otherSignIn = new SignInPage(other.page);
      await otherSignIn.goto();
      await otherSignIn.signIn({ email: account.email, password: account.password });
      await new Dashboard(other.page).heading('API Keys').waitFor();

      const dashboard = new Dashboard(page);
      await dashboard.open('Account');
      const sessions = page.getByRole('table', { name: 'Sessions' });
      await sessions.getByText('This browser').waitFor();
      // This browser and the other one: the sessions this browser had before ended when it signed in again.
      expect(await sessions.locator('tbody tr').count()).toBe(2);
      expect(await sessions.locator('tbody tr').first().textContent()).toMatch(/Chrome \d+ on Linux/);
      expect(await axeViolations(page)).toEqual([]);

      const form = page.getByRole('form', { name: 'Change password' });
      await form.getByLabel('Current password').fill(account.password);
      await form.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
      await form.getByLabel('Confirm new password').fill('a brand new passphrase');
      await form.getByRole('button', { name: 'Change password' }).click();
      await dashboard.toasts().filter({ hasText: 'Password changed. Signed out of 1 other session.' }).waitFor();
      account.password = 'a brand new passphrase';
      await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Sessions"] tbody tr').length === 1);

      // The other browser is signed out: its next page load lands on sign-in.
      await other.page.reload();
      await otherSignIn.heading().waitFor();
    } finally {
      await other.close();
    }
  });

  it('shows a sign-up error beside the field it is about', async () => {
    const { page } = browser;
    await new Dashboard(page).signOut();
    const signUp = new SignUpPage(page);
    await signUp.goto();
    await signUp.signUp({ ...account, teamName: 'Another team' });
    const email = page.getByLabel('Email');
    await page.getByText('An account with this email already exists').waitFor();
    expect(await email.getAttribute('aria-invalid')).toBe('true');
  });
});
