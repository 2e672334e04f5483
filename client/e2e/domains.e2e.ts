import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { Dashboard } from './pages/Dashboard';
import { DomainsPage } from './pages/DomainsPage';
import { SignUpPage } from './pages/SignUpPage';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

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

  it('shows the DNS records to publish with Copy buttons, and verifies them', async () => {
    const { page } = browser;
    const domains = new DomainsPage(page);
    await page.getByRole('note').filter({ hasText: 'also sends from unverified domains' }).waitFor();
    await domains.open('mail.example.com');
    const rows = domains.records().locator('tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await domains.records().getByLabel('DKIM TXT name', { exact: true }).inputValue()).toBe('keyring._domainkey.mail.example.com');
    expect(await domains.records().getByLabel('DKIM TXT value', { exact: true }).inputValue()).toMatch(/^v=DKIM1; k=rsa; p=MIIBIjAN/);
    expect(await domains.records().getByLabel('SPF MX name', { exact: true }).inputValue()).toBe('send.mail.example.com');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await domains.records().getByRole('button', { name: 'Copy dkim txt value' }).click();
    await page.getByText('Copied to clipboard').first().waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^v=DKIM1; k=rsa; p=/);
    await page.getByRole('button', { name: 'Verify DNS records' }).click();
    // Nothing is published where this test's DNS server points: pending, each record a DNS error.
    await page.getByText(/mail.example.com is pending/).waitFor();
    await domains.records().getByText('DNS error').first().waitFor();
    expect(await page.getByText('Pending', { exact: true }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(screenshots, 'domain-records.png'), animations: 'disabled' });
    await page.getByRole('link', { name: '← Domains' }).click();
    await domains.row('mail.example.com').getByText('Pending').waitFor();
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
