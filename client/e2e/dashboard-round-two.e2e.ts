import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlAs, rest } from './api';
import { axeViolations } from './axe';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { ApiKeysPage, menuLabel } from './pages/ApiKeysPage';
import { Dashboard } from './pages/Dashboard';
import { SignUpPage } from './pages/SignUpPage';
import { expectNoSideways, screenshot, sizeLabel, VIEWPORTS } from './viewports';

// Issue 16: the API keys page, a rolled key's old token, disabling a key, focus that comes back
// after every dialog, invitations, and axe on every page and dialog — the whole file once per size
// (1280×800, 1440×900, 390×844), each size with its own browser and team.

const DOMAIN = 'round-two.keyring.test';

const CREATE = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { id } } }';
const ROLL = 'mutation($id: ID!, $input: RollApiKeyInput!) { rollApiKey(id: $id, input: $input) { token } }';

/** What has focus, by its accessible name (aria-label, else text) and tag. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { tag: el?.tagName.toLowerCase() ?? '', name: (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim() };
  });

const named = (actual: string, name: string | RegExp) => (typeof name === 'string' ? actual === name : name.test(actual));

/** Presses Tab until the focused element is named `name` (at most `max` presses). */
async function tabTo(page: Page, name: string | RegExp, max = 80) {
  for (let i = 0; i < max; i++) {
    if (named((await focused(page)).name, name)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached “${name}”; focus is on ${JSON.stringify(await focused(page))}`);
}

/** With a menu just opened from the keyboard: arrows down to `item` (menus move with arrows, not Tab). */
async function arrowTo(page: Page, item: string) {
  await page.getByRole('menu').waitFor();
  // Opened with Enter, the menu focuses its first item.
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('menuitem');
  for (let i = 0; i < 6 && (await focused(page)).name !== item; i++) {
    const before = (await focused(page)).name;
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await focused(page)).name).not.toBe(before);
  }
  expect((await focused(page)).name).toBe(item);
}

for (const size of VIEWPORTS) {
  describe(`the dashboard, round two, at ${sizeLabel(size)}`, () => {
    let browser: Browser;
    let invitee: Browser | undefined;
    let keys: ApiKeysPage;
    let production = { id: '', token: '' };
    let nightlyOldToken = '';
    const adminEmail = uniqueEmail('round-two');
    captureOnFailure(() => [browser, invitee]);

    beforeAll(async () => {
      browser = await launchBrowser(size);
      await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: browser.baseUrl });
      const signUp = new SignUpPage(browser.page);
      await signUp.goto();
      await signUp.signUp({ email: adminEmail, password: 'correct horse battery staple', teamName: 'Round Two' });
      await new Dashboard(browser.page).heading('API Keys').waitFor();
      keys = new ApiKeysPage(browser.page);

      const { createDomain } = await graphqlAs<{ createDomain: { id: string } }>(
        browser,
        'mutation($input: CreateDomainInput!) { createDomain(input: $input) { id } }',
        { input: { name: DOMAIN, region: 'us-east-1' } },
      );
      const make = async (input: Record<string, unknown>) => {
        const { createApiKey } = await graphqlAs<{ createApiKey: { token: string; apiKey: { id: string } } }>(browser, CREATE, { input });
        return { id: createApiKey.apiKey.id, token: createApiKey.token };
      };
      await make({ name: 'Old integration', permission: 'FULL_ACCESS' });
      const nightly = await make({ name: 'Nightly CI', permission: 'FULL_ACCESS' });
      nightlyOldToken = nightly.token;
      await graphqlAs(browser, ROLL, { id: nightly.id, input: { gracePeriodSeconds: 3600 } });
      await make({
        name: 'Marketing sender',
        permission: 'SENDING_ACCESS',
        domainId: createDomain.id,
        expiresAt: new Date(Date.now() + 3.5 * 86_400_000).toISOString(),
      });
      production = await make({ name: 'Production', permission: 'FULL_ACCESS' });
      // Some traffic for the sparkline and its error rate: 3 answered, 1 refused.
      for (let i = 0; i < 3; i++) expect((await rest(browser.baseUrl, production.token, 'GET', '/domains')).status).toBe(200);
      expect((await rest(browser.baseUrl, production.token, 'GET', '/domains/not-a-domain')).status).toBe(404);
    });
    afterAll(async () => {
      await invitee?.close();
      await browser?.close();
    });

    it('keeps More options → Edit / Remove on screen, with a sparkline per key and no axe violation', async () => {
      const { page } = browser;
      // Usage is recorded in the background: wait for the sparkline to count the 4 requests.
      await expect
        .poll(
          async () => {
            await keys.goto();
            return keys
              .row('Production')
              .getByRole('img', { name: /^4 requests in the last 7 days, 25% errors$/ })
              .count();
          },
          { timeout: 20_000, interval: 500 },
        )
        .toBe(1);

      await expectNoSideways(page, size);
      const search = await page.getByRole('searchbox', { name: 'Search API keys' }).boundingBox();
      expect(search?.height).toBeGreaterThanOrEqual(30);
      for (const name of ['Production', 'Marketing sender', 'Nightly CI', 'Old integration']) {
        const box = await keys.menuButton(name).boundingBox();
        expect(box, name).not.toBeNull();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width, name).toBeLessThanOrEqual(size.width);
      }
      expect(await keys.row('Marketing sender').textContent()).toContain('Expires in 3 days');
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'api-keys', size, true);

      // The seed's path: More options → Edit, on screen, and focus back on the button after Escape.
      const trigger = keys.menuButton('Production');
      await trigger.click();
      const edit = page.getByRole('menuitem', { name: 'Edit API key' });
      const remove = page.getByRole('menuitem', { name: 'Remove API key' });
      for (const item of [edit, remove]) {
        const box = await item.boundingBox();
        expect(box!.x + box!.width).toBeLessThanOrEqual(size.width);
        expect(box!.y + box!.height).toBeLessThanOrEqual(size.height);
      }
      expect(await axeViolations(page, '[role="menu"]')).toEqual([]);
      await edit.click();
      const dialog = page.getByRole('dialog', { name: 'Edit API key' });
      await dialog.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await expect.poll(() => focused(page)).toEqual({ tag: 'button', name: expect.stringMatching(menuLabel('Production')) });
    });

    it("shows a rolled key's old token on the list and the key page, and Expire now stops it", async () => {
      const { page, baseUrl } = browser;
      await keys.goto();
      const row = keys.row('Nightly CI');
      expect(await row.textContent()).toMatch(/re_\w{5}… stops working in (59 min|60 min|1 hour)/);
      expect((await rest(baseUrl, nightlyOldToken, 'GET', '/domains')).status).toBe(200);

      await row.getByRole('link', { name: 'Nightly CI', exact: true }).click();
      await page.getByRole('heading', { name: 'Nightly CI', level: 1 }).waitFor();
      const details = page.getByRole('definition').filter({ hasText: 'stops working in' });
      expect(await details.textContent()).toContain(`${nightlyOldToken.slice(0, 8)}… stops working in`);
      await expectNoSideways(page, size);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'api-keys-old-token', size);
      await details.getByRole('button', { name: 'Expire now: the old token of Nightly CI' }).click();
      const confirm = page.getByRole('dialog', { name: 'Expire the old token of “Nightly CI”?' });
      await confirm.waitFor();
      expect(await confirm.textContent()).toContain(`${nightlyOldToken.slice(0, 8)}…`);
      expect(await axeViolations(page)).toEqual([]);
      await confirm.getByRole('button', { name: 'Expire now', exact: true }).click();
      await page.getByText('The old token of Nightly CI no longer works').waitFor();
      await details.waitFor({ state: 'detached' });
      await expect.poll(() => focused(page)).toEqual({ tag: 'h1', name: 'Nightly CI' });
      expect(await rest(baseUrl, nightlyOldToken, 'GET', '/domains')).toMatchObject({ status: 403, body: { name: 'invalid_api_key' } });
    });

    it('disables a key (refused with its own message, counted in a health card) and enables it again', async () => {
      const { page, baseUrl } = browser;
      await keys.goto();
      await keys.openMenu('Production', 'Disable API key');
      const confirm = page.getByRole('dialog', { name: 'Disable API key “Production”?' });
      await confirm.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await confirm.getByRole('button', { name: 'Disable API key' }).click();
      await confirm.waitFor({ state: 'hidden' });
      await keys.row('Production').getByText('Disabled', { exact: true }).waitFor();
      await keys.healthCard('Disabled 1').waitFor();
      expect(await rest(baseUrl, production.token, 'GET', '/domains')).toEqual({
        status: 403,
        body: { statusCode: 403, name: 'invalid_api_key', message: 'This API key is disabled.' },
      });
      await expectNoSideways(page, size);
      if (size.width >= 768) {
        // A Disabled badge beside an error rate pushed "Created · Expires" under the pinned actions at 1280 px.
        const covered = await page.evaluate(
          () =>
            [...document.querySelectorAll('table[aria-label="API keys"] tbody tr')].filter((tr) => {
              const cells = tr.querySelectorAll('td');
              return cells[cells.length - 2].getBoundingClientRect().right > cells[cells.length - 1].getBoundingClientRect().left + 0.5;
            }).length,
        );
        expect(covered).toBe(0);
      }
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'api-keys-disabled', size);

      await keys.openMenu('Production', 'Enable API key');
      await page.getByText('Enabled Production').waitFor();
      await keys.healthCard('Disabled 0').waitFor();
      expect((await rest(baseUrl, production.token, 'GET', '/domains')).status).toBe(200);
    });

    it('creates, rolls and removes a key with the keyboard only, focus returning where it started', async () => {
      const { page } = browser;
      await keys.goto();
      // The skip link is the first stop, and lands in the page.
      await page.keyboard.press('Tab');
      expect(await focused(page)).toEqual({ tag: 'a', name: 'Skip to content' });
      await page.keyboard.press('Enter');
      expect((await focused(page)).tag).toBe('main');

      // Create.
      await tabTo(page, 'Create API Key');
      await page.keyboard.press('Enter');
      const create = page.getByRole('dialog', { name: 'Create API Key' });
      await create.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.type('Keyboard key');
      await page.keyboard.press('Enter');
      const created = page.getByRole('dialog', { name: 'API key created' });
      await created.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await tabTo(page, 'Done');
      await page.keyboard.press('Enter');
      await created.waitFor({ state: 'hidden' });
      await expect.poll(() => focused(page)).toEqual({ tag: 'button', name: 'Create API Key' });
      await keys.row('Keyboard key').waitFor();

      // Roll: More options → Roll API key → In 1 hour → Roll → Done.
      await tabTo(page, menuLabel('Keyboard key'));
      await page.keyboard.press('Enter');
      await arrowTo(page, 'Roll API key');
      await page.keyboard.press('Enter');
      const roll = page.getByRole('dialog', { name: 'Roll API key “Keyboard key”' });
      await roll.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press('ArrowDown');
      expect(await roll.getByRole('radio', { name: 'In 1 hour' }).isChecked()).toBe(true);
      await tabTo(page, 'Roll API key');
      await page.keyboard.press('Enter');
      const rolled = page.getByRole('dialog', { name: 'API key rolled' });
      await rolled.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await tabTo(page, 'Done');
      await page.keyboard.press('Enter');
      await rolled.waitFor({ state: 'hidden' });
      await expect.poll(() => focused(page)).toEqual({ tag: 'button', name: expect.stringMatching(menuLabel('Keyboard key')) });
      expect(await keys.row('Keyboard key').textContent()).toContain('stops working in');

      // Remove: the row (and its button) goes; focus lands on the page heading, not on <body>.
      await page.keyboard.press('Enter');
      await arrowTo(page, 'Remove API key');
      await page.keyboard.press('Enter');
      const remove = page.getByRole('dialog', { name: 'Remove API key “Keyboard key”?' });
      await remove.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await tabTo(page, 'Remove API key');
      await page.keyboard.press('Enter');
      await remove.waitFor({ state: 'hidden' });
      await keys.row('Keyboard key').waitFor({ state: 'detached' });
      await expect.poll(() => focused(page)).toEqual({ tag: 'h1', name: 'API Keys' });

      // Cancel returns focus too.
      await keys.menuButton('Production').focus();
      await page.keyboard.press('Enter');
      await arrowTo(page, 'Edit API key');
      await page.keyboard.press('Enter');
      const edit = page.getByRole('dialog', { name: 'Edit API key' });
      await edit.waitFor();
      await tabTo(page, 'Cancel');
      await page.keyboard.press('Enter');
      await edit.waitFor({ state: 'hidden' });
      await expect.poll(() => focused(page)).toEqual({ tag: 'button', name: expect.stringMatching(menuLabel('Production')) });
    });

    it('updates usage on an open page within seconds, without a reload', async () => {
      const { baseUrl } = browser;
      await keys.goto();
      const before = Number(await keys.requestsLink('Production').textContent());
      for (let i = 0; i < 2; i++) expect((await rest(baseUrl, production.token, 'GET', '/domains')).status).toBe(200);
      // The recorder flushes about once a second and the page asks every 5 s.
      await expect.poll(async () => Number(await keys.requestsLink('Production').textContent()), { timeout: 15_000, interval: 250 }).toBe(before + 2);
      const total = before + 2;

      // Every part of both pages reads the same numbers: the list's count and 7-day sparkline, the
      // key page's total and its 30-day chart (all of this key's requests were made today).
      const count = (label: string | null) => Number(/^(\d+) requests?\b/.exec(label ?? '')?.[1]);
      const sparkline = keys.row('Production').getByRole('img', { name: /^\d+ requests? in the last 7 days/ });
      await expect.poll(async () => count(await sparkline.getAttribute('aria-label')), { timeout: 15_000, interval: 250 }).toBe(total);
      await keys.row('Production').getByRole('link', { name: 'Production', exact: true }).click();
      await browser.page.getByRole('heading', { name: 'Production', level: 1 }).waitFor();
      const chart = browser.page.getByRole('img', { name: /^Bar chart: / });
      const pageTotal = browser.page.getByRole('link', { name: /requests? with Production: view logs$/ });
      expect(count(((await chart.getAttribute('aria-label')) ?? '').replace('Bar chart: ', ''))).toBe(total);
      expect(Number(await pageTotal.textContent())).toBe(total);
      await expectNoSideways(browser.page, size);
      expect(await axeViolations(browser.page)).toEqual([]);
    });

    it('asks before widening a key to full access, and Edit changes the expiry', async () => {
      const { page } = browser;
      await keys.goto();
      await keys.openMenu('Marketing sender', 'Edit API key');
      const dialog = page.getByRole('dialog', { name: 'Edit API key' });
      await dialog.getByRole('radio', { name: 'Full access' }).check();
      await dialog.getByRole('button', { name: 'Save' }).click();
      const confirm = page.getByRole('dialog', { name: 'Give “Marketing sender” full access?' });
      await confirm.waitFor();
      expect(await confirm.textContent()).toContain(`can only send email from ${DOMAIN}`);
      expect(await axeViolations(page)).toEqual([]);
      await confirm.getByRole('button', { name: 'Back' }).click();
      // Back to the form, focus where it was: not on the page behind it.
      await expect.poll(() => focused(page)).toEqual({ tag: 'button', name: 'Save' });
      await dialog.getByRole('radio', { name: 'Sending access' }).check();
      await dialog.getByLabel('Domain').selectOption({ label: DOMAIN });
      const inTwentyDays = new Date(Date.now() + 20 * 86_400_000);
      const day = `${inTwentyDays.getFullYear()}-${String(inTwentyDays.getMonth() + 1).padStart(2, '0')}-${String(inTwentyDays.getDate()).padStart(2, '0')}`;
      await dialog.getByLabel('Expires on').fill(day);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'hidden' });
      // Save returns focus to where the dialog was opened from, as Escape, Done and Cancel do.
      await expect.poll(() => focused(page)).toEqual({ tag: 'button', name: expect.stringMatching(menuLabel('Marketing sender')) });
      // The key works through that day: 20 days and some hours from now, rounded.
      await expect.poll(async () => keys.row('Marketing sender').textContent()).toMatch(/Expires in 2[01] days/);
      expect(await keys.row('Marketing sender').textContent()).toContain('Sending access');
      expect(await keys.row('Marketing sender').textContent()).toContain(DOMAIN);
    });

    it('names the key tied to a domain before any removal is confirmed', async () => {
      const { page } = browser;
      await page.goto('/domains');
      await page.getByRole('heading', { name: 'Domains', level: 1 }).waitFor();
      await page.getByRole('button', { name: `More options for ${DOMAIN}` }).click();
      await page.getByRole('menuitem', { name: 'Remove domain' }).click();
      const dialog = page.getByRole('dialog', { name: 'This domain is in use' });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('restricted to it: Marketing sender.');
      expect(await dialog.getByRole('button', { name: 'Remove domain' }).count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await expect.poll(() => focused(page)).toEqual({ tag: 'button', name: `More options for ${DOMAIN}` });
    });

    it('tells admins that mail never leaves a server without SMTP_URL, and says so when inviting', async () => {
      const { page } = browser;
      await page.goto('/team');
      await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
      const banner = page.getByRole('complementary', { name: 'Mail relay' });
      expect(await banner.textContent()).toContain('No mail relay is set');
      await page.getByRole('button', { name: 'Invite member' }).click();
      const invite = page.getByRole('dialog', { name: 'Invite member' });
      await invite.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await invite.getByLabel('Email').fill(uniqueEmail('shared-link'));
      await invite.getByRole('button', { name: /^(Create invitation|Invite)$/ }).click();
      const sent = page.getByRole('dialog', { name: 'Invitation created' });
      await sent.waitFor();
      expect(await sent.textContent()).toContain('no email was sent');
      expect(await sent.textContent()).not.toContain('We emailed');
      expect(await axeViolations(page)).toEqual([]);
      await sent.getByRole('button', { name: 'Done' }).click();
      await expect.poll(() => focused(page)).toEqual({ tag: 'button', name: 'Invite member' });
    });

    it('copies a new invitation link (the old one stops working, the new one names team and address); a member sees no Copy link and is told who the admins are', async () => {
      const { page, baseUrl } = browser;
      const email = uniqueEmail('invitee');
      const { inviteMember } = await graphqlAs<{ inviteMember: { token: string } }>(
        browser,
        'mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }',
        { input: { email, role: 'MEMBER' } },
      );
      const oldLink = `${baseUrl}/accept-invitation?token=${encodeURIComponent(inviteMember.token)}`;

      await page.goto('/team');
      await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
      await page.evaluate(() => navigator.clipboard.writeText(''));
      const copy = page.getByRole('button', { name: `Copy link for ${email}` });
      const box = await copy.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(size.width);
      await copy.click();
      await page.getByText(`Copied a new invitation link for ${email}`).waitFor();
      const newLink = await page.evaluate(() => navigator.clipboard.readText());
      expect(newLink).toMatch(new RegExp(`^${baseUrl}/accept-invitation\\?token=.+`));
      expect(newLink).not.toBe(oldLink);
      await expectNoSideways(page, size);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'team-copy-link', size);

      invitee = await launchBrowser(size);
      const other = invitee.page;
      // The link issued at first no longer works: Copy link replaced it.
      await other.goto(oldLink);
      await other.getByRole('heading', { name: 'This invitation no longer works' }).waitFor();
      expect(await other.getByLabel('Password').count()).toBe(0);
      expect(await axeViolations(other)).toEqual([]);
      // The copied one names the team and the address it was sent to.
      await other.goto(newLink);
      await other.getByRole('heading', { name: 'Join Round Two on Keyring' }).waitFor();
      expect(await other.getByText(email).count()).toBe(1);
      await expectNoSideways(other, size);
      expect(await axeViolations(other)).toEqual([]);
      await screenshot(other, 'accept-invitation', size);

      // Joined as a member: no admin buttons, and a note saying why and whom to ask.
      await other.getByLabel('Password').fill('another long password');
      await other.getByRole('button', { name: 'Accept invitation' }).click();
      await other.getByRole('heading', { name: 'API Keys', level: 1 }).waitFor();
      const note = other.getByRole('note').filter({ hasText: 'Only admins can create, edit, roll, disable or remove keys.' });
      await expect.poll(() => note.textContent()).toContain(`Ask the admin: ${adminEmail}.`);
      expect(await other.getByRole('button', { name: 'Create API Key' }).count()).toBe(0);
      expect(await other.getByRole('button', { name: /^More options for / }).count()).toBe(0);
      expect(await axeViolations(other)).toEqual([]);
      await screenshot(other, 'api-keys-member', size);

      await other.goto('/team');
      await other.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
      await other.getByRole('note').filter({ hasText: 'Only admins can invite members' }).waitFor();
      expect(await other.getByRole('button', { name: /^Copy link/ }).count()).toBe(0);
      expect(await other.getByRole('button', { name: 'Invite member' }).count()).toBe(0);
      expect(await axeViolations(other)).toEqual([]);
    });

    it('runs axe on every page with 0 violations', async () => {
      const { page } = browser;
      const { apiKeys } = await graphqlAs<{ apiKeys: { id: string }[] }>(browser, 'query { apiKeys { id } }');
      const { domains } = await graphqlAs<{ domains: { id: string }[] }>(browser, 'query { domains { id } }');
      const pages: [string, string][] = [
        ['/api-keys', 'API Keys'],
        [`/api-keys/${apiKeys[0].id}`, ''],
        ['/logs', 'Logs'],
        ['/emails', 'Emails'],
        ['/contacts', 'Contacts'],
        ['/broadcasts', 'Broadcasts'],
        ['/domains', 'Domains'],
        [`/domains/${domains[0].id}`, ''],
        ['/exports', 'Exports'],
        ['/team', 'Team'],
        ['/audit', 'Audit log'],
      ];
      const found: string[] = [];
      for (const [url, heading] of pages) {
        await page.goto(url);
        await (heading ? page.getByRole('heading', { name: heading, level: 1 }) : page.getByRole('heading', { level: 1 })).waitFor();
        await page.waitForLoadState('networkidle');
        await expectNoSideways(page, size);
        found.push(...(await axeViolations(page)).map((v) => `${url}: ${v}`));
      }
      expect(found).toEqual([]);
      // The audit log is the real one: the keys made above, by whom.
      await page.goto('/audit');
      const created = page.getByRole('table', { name: 'Audit log' }).getByRole('row').filter({ hasText: 'API key created' });
      await expect.poll(() => created.count()).toBeGreaterThan(0);
    });
  });
}
