import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { Dashboard } from './pages/Dashboard';
import { DomainsPage } from './pages/DomainsPage';
import { SignUpPage } from './pages/SignUpPage';

describe('domains in the browser', () => {
  let browser: Browser;
  captureOnFailure(() => [browser]);
  beforeAll(async () => {
    browser = await launchBrowser();
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email: uniqueEmail('domains'), password: 'correct horse battery staple', teamName: 'Domains Inc' });
    await new Dashboard(browser.page).open('Domains');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('starts empty', async () => {
    await browser.page.getByRole('heading', { name: 'No domains yet' }).waitFor();
  });

  it('adds a domain, which stays after a reload', async () => {
    const { page } = browser;
    const domains = new DomainsPage(page);
    const dialog = await domains.add('Mail.Example.com', 'eu-west-1');
    await dialog.waitFor({ state: 'hidden' });
    const row = domains.row('mail.example.com');
    await row.waitFor();
    expect(await row.textContent()).toContain('eu-west-1');
    expect(await row.textContent()).toContain('Not started');

    await page.reload();
    await domains.row('mail.example.com').waitFor();
  });

  it('shows a duplicate name error beside the name', async () => {
    const { page } = browser;
    const domains = new DomainsPage(page);
    const dialog = await domains.add('mail.example.com', 'us-east-1');
    await dialog.getByText('This domain already exists in your team.').waitFor();
    expect(await dialog.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('removes a domain after confirmation', async () => {
    const { page } = browser;
    const domains = new DomainsPage(page);
    await domains.remove('mail.example.com');
    await page.getByRole('heading', { name: 'No domains yet' }).waitFor();
  });
});
