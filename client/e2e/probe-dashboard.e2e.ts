import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlAs } from './api';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { Dashboard } from './pages/Dashboard';
import { SignUpPage } from './pages/SignUpPage';

/** What a user does to the dashboard that its happy paths do not: leave, go back, reload. */
describe('the dashboard as a user would break it', () => {
  let browser: Browser;
  captureOnFailure(() => [browser]);

  beforeAll(async () => {
    browser = await launchBrowser();
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email: uniqueEmail('probe'), password: 'correct horse battery staple', teamName: 'Probe Inc' });
    await new Dashboard(browser.page).heading('API Keys').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('asks before browser Back leaves the one-time token, and stays when told to', async () => {
    const { page } = browser;
    const dashboard = new Dashboard(page);
    await dashboard.open('Logs');
    await dashboard.open('API Keys');
    const created = await new ApiKeysPage(page).create({ name: 'Back button' });
    const token = await created.token();

    await page.goBack();
    const ask = page.getByRole('dialog', { name: 'Leave without the token?' });
    await ask.waitFor();
    expect(new URL(page.url()).pathname).toBe('/api-keys');
    // Stay: the token is still there, in the same dialog.
    await ask.getByRole('button', { name: 'Stay' }).click();
    await ask.waitFor({ state: 'hidden' });
    expect(await created.dialog.isVisible()).toBe(true);
    expect(await created.token()).toBe(token);
    expect(new URL(page.url()).pathname).toBe('/api-keys');
    // Focus is back inside the token's dialog, not lost to the page behind it.
    expect(await created.dialog.locator(':focus').count()).toBe(1);

    // Back again, and Leave: now it goes where Back was going, and the token is gone.
    await page.goBack();
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Leave' }).click();
    await dashboard.heading('Logs').waitFor();
    expect(await page.content()).not.toContain(token);
  });

  it('has the browser ask before a reload throws the one-time token away', async () => {
    const { page } = browser;
    const keys = new ApiKeysPage(page);
    await keys.goto();
    const created = await keys.create({ name: 'Reload' });
    const token = await created.token();

    const asked = new Promise<string>((resolve) => {
      page.once('dialog', (dialog) => {
        resolve(dialog.type());
        void dialog.dismiss();
      });
    });
    // Dismissed, the reload never happens: the navigation's promise is left to time out.
    const reload = page.reload({ timeout: 3_000 }).catch(() => undefined);
    expect(await Promise.race([asked, new Promise((r) => setTimeout(() => r('no prompt'), 5_000))])).toBe('beforeunload');
    await reload;
    expect(await created.token()).toBe(token);

    // Done is the deliberate way out, and asks nothing; after it a reload is not held up.
    await created.close();
    let prompted = false;
    page.once('dialog', (dialog) => {
      prompted = true;
      void dialog.accept();
    });
    await page.reload();
    await page.getByRole('heading', { name: 'API Keys', level: 1 }).waitFor();
    expect(prompted).toBe(false);
  });

  it('moves relative times on while a page that does not poll stays open', async () => {
    const { page } = browser;
    await graphqlAs(browser, 'mutation($input: CreateDomainInput!) { createDomain(input: $input) { id } }', {
      input: { name: 'clock.keyring.test', region: 'us-east-1' },
    });
    await page.clock.install();
    await page.goto('/domains');
    const created = page.getByRole('row').filter({ hasText: 'clock.keyring.test' }).locator('time');
    await created.getByText('just now').waitFor();
    // Nothing on the Domains page asks the server again: only a clock can move "just now" on.
    await page.clock.fastForward('10:00');
    await created.getByText('10 minutes ago').waitFor({ timeout: 5_000 });
    await page.clock.fastForward('50:00');
    await created.getByText('1 hour ago').waitFor({ timeout: 5_000 });
  });

  it('wraps a 50-character name without a space inside the dialogs that name it', async () => {
    const { page } = browser;
    // A name people do write: CamelCase, no space or hyphen where a line could break.
    const name = 'ProductionBackendWorkerEuWest1PrimaryDeployment01';
    // On a phone: the name ran 118 px out of the token's dialog (and 2 px at 1280 wide).
    await page.setViewportSize({ width: 390, height: 844 });
    const keys = new ApiKeysPage(page);
    await keys.goto();
    const created = await keys.create({ name });
    const fits = (dialog: typeof created.dialog) => dialog.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    const wide = await fits(created.dialog);
    expect(wide.scroll).toBeLessThanOrEqual(wide.client);
    await created.close();

    await keys.openMenu(name, 'Roll API key');
    const roll = page.getByRole('dialog', { name: `Roll API key “${name}”` });
    await roll.waitFor();
    const rolled = await fits(roll);
    expect(rolled.scroll).toBeLessThanOrEqual(rolled.client);
    await roll.getByRole('button', { name: 'Cancel' }).click();
    await roll.waitFor({ state: 'hidden' });

    const remove = await keys.askToRemove(name);
    const removing = await fits(remove.dialog);
    expect(removing.scroll).toBeLessThanOrEqual(removing.client);
    await remove.confirm();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('keeps the one-time token on screen when the session ends meanwhile, and signs in again after Done', async () => {
    const { page } = browser;
    const keys = new ApiKeysPage(page);
    await keys.goto();
    const created = await keys.create({ name: 'Signed out elsewhere' });
    const token = await created.token();
    // Signed out in another tab: the list's next poll (every 5 s) finds no session.
    await graphqlAs(browser, 'mutation { signOut }');
    await page.waitForTimeout(7_000);
    expect(await created.dialog.isVisible()).toBe(true);
    expect(await created.token()).toBe(token);
    expect(new URL(page.url()).pathname).toBe('/api-keys');
    // Done is where it goes on to sign in.
    await created.dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Sign in to Keyring' }).waitFor();
  });
});
