import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { Dashboard } from './pages/Dashboard';
import { DomainsPage } from './pages/DomainsPage';
import { SignUpPage } from './pages/SignUpPage';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');
const TOKEN_PATTERN = /^re_[0-9A-Za-z]{38}$/;
const DOMAIN = 'send.keyring.test';

/** A GraphQL call with the page's session cookie, for test setup only. */
async function graphql<T = unknown>(page: Page, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await page.request.post('/graphql', { data: { query, variables } });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data || body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

describe('API keys in the browser', () => {
  let browser: Browser;
  let token = '';
  captureOnFailure(() => [browser]);

  beforeAll(async () => {
    browser = await launchBrowser();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: browser.baseUrl });
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email: uniqueEmail('keys'), password: 'correct horse battery staple', teamName: 'Keys Inc' });
    const dashboard = new Dashboard(browser.page);
    await dashboard.heading('API Keys').waitFor();
    await dashboard.open('Domains');
    const dialog = await new DomainsPage(browser.page).add(DOMAIN, 'us-east-1');
    await dialog.waitFor({ state: 'hidden' });
    await dashboard.open('API Keys');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('creates a key and shows its token once', async () => {
    const { page } = browser;
    const keys = new ApiKeysPage(page);
    await keys.emptyState().waitFor();

    const created = await keys.create({ name: 'Production' });
    token = await created.token();
    expect(token).toMatch(TOKEN_PATTERN);
    expect(await created.copyButton().isVisible()).toBe(true);
    await created.copyButton().click();
    await page.getByText('Copied to clipboard').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await created.dialog.getByText('it will not be shown again').waitFor();
    await page.screenshot({ path: path.join(screenshots, 'api-keys-token.png'), animations: 'disabled' });

    await created.close();
    expect(await page.content()).not.toContain(token);
    const row = keys.row('Production');
    await row.waitFor();
    expect(await row.textContent()).toContain(`${token.slice(0, 8)}…`);
    expect(await row.getByRole('img', { name: 'Never used' }).count()).toBe(1);
  });

  it('counts a request made with the token against the REST API', async () => {
    const { page, baseUrl } = browser;
    const keys = new ApiKeysPage(page);
    const res = await fetch(`${baseUrl}/api/emails`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: `Keyring <hello@${DOMAIN}>`, to: 'someone@example.com', subject: 'Hi', text: 'Hello' }),
    });
    expect(res.status).toBe(200);

    // Request logs are flushed about once a second; the list shows the exact count once they are.
    const deadline = Date.now() + 15_000;
    let count = '';
    while (Date.now() < deadline) {
      await page.reload();
      count = (await keys.requestsLink('Production').textContent()) ?? '';
      if (count === '1') break;
      await page.waitForTimeout(500);
    }
    expect(count).toBe('1');
    const row = keys.row('Production');
    expect(await row.getByRole('img', { name: 'Active' }).count()).toBe(1);
    expect(await keys.requestsLink('Production').getAttribute('href')).toMatch(/^\/logs\?apiKeyId=[0-9a-f-]+$/);
    expect(await keys.healthCard('Never used 0').count()).toBe(1);

    // The count opens the Logs page filtered to this key.
    await keys.requestsLink('Production').click();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get('apiKeyId')).toMatch(/^[0-9a-f-]{36}$/);
    await page.goBack();
    await row.waitFor();

    // The key's own page: its usage per day and the request just made.
    await row.getByRole('link', { name: 'Production', exact: true }).click();
    await page.getByRole('heading', { name: 'Production', level: 1 }).waitFor();
    await page.getByRole('img', { name: /^Bar chart: 1 request and 0 errors in the last 30 days$/ }).waitFor();
    await page
      .getByRole('table', { name: 'Latest requests' })
      .getByRole('link', { name: /^POST \/emails, 200/ })
      .waitFor();
    await page.screenshot({ path: path.join(screenshots, 'api-keys-detail.png'), animations: 'disabled' });
    await page.getByRole('link', { name: '← API Keys' }).click();

    // Two more keys, made through GraphQL with the page's session, for a list worth a screenshot.
    const domains = await graphql<{ domains: { id: string }[] }>(page, 'query { domains { id } }');
    const inThreeDays = new Date(Date.now() + 3.5 * 86_400_000).toISOString();
    const create = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }';
    await graphql(page, create, { input: { name: 'Staging', permission: 'SENDING_ACCESS', domainId: domains.domains[0].id, expiresAt: inThreeDays } });
    await graphql(page, create, { input: { name: 'Nightly CI', permission: 'FULL_ACCESS' } });
    await page.reload();
    await keys.row('Nightly CI').waitFor();
    expect(await keys.row('Staging').textContent()).toContain('Expires in 3 days');
    await page.screenshot({ path: path.join(screenshots, 'api-keys-list.png'), animations: 'disabled' });
    for (const name of ['Staging', 'Nightly CI']) await (await keys.askToRemove(name)).confirm();
  });

  it('edits the key: a new name, sending access from the added domain', async () => {
    const { page } = browser;
    const keys = new ApiKeysPage(page);
    await keys.edit('Production', { name: 'Production mailer', permission: 'Sending access', domain: DOMAIN });
    const row = keys.row('Production mailer');
    await row.getByText('Sending access').waitFor();
    expect(await row.textContent()).toContain(DOMAIN);
    await page.reload();
    await keys.row('Production mailer').getByText(DOMAIN).waitFor();
  });

  it('removes the key after a confirmation naming it', async () => {
    const { page } = browser;
    const keys = new ApiKeysPage(page);
    const remove = await keys.askToRemove('Production mailer');
    expect(await remove.dialog.textContent()).toContain('will stop working at once');
    await page.screenshot({ path: path.join(screenshots, 'api-keys-remove.png'), animations: 'disabled' });
    await remove.confirm();
    await keys.emptyState().waitFor();

    // The token stopped working at once.
    const res = await fetch(`${browser.baseUrl}/api/emails`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: `hello@${DOMAIN}`, to: 'someone@example.com', subject: 'Hi', text: 'Hello' }),
    });
    expect(res.status).toBe(403);
  });
});
