import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlAs, rest } from './api';
import { type Browser, captureOnFailure, launchBrowser } from './browser';
import { Dashboard } from './pages/Dashboard';
import { SignUpPage } from './pages/SignUpPage';
import { expectNoSideways, sizeLabel, VIEWPORTS } from './viewports';

// Long values where people really have them: an address on a long company domain, a team name of
// several words, a 50-character key name with no space in it, a long sending domain, a long subject,
// a long path in the logs. Whatever their length they are cut or wrapped, never pushing a page wider
// than the window: on a phone the sidebar becomes a top bar, and an address one glyph too wide there
// once made every page scroll sideways by a couple of pixels.

let counter = 0;
const unique = () => `${Date.now().toString(36)}${counter++}`;

for (const size of VIEWPORTS) {
  describe(`long names at ${sizeLabel(size)}`, () => {
    let browser: Browser;
    captureOnFailure(() => [browser]);

    beforeAll(async () => {
      browser = await launchBrowser(size);
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('cuts or wraps long addresses, names, domains, subjects and paths, and no page scrolls sideways', async () => {
      const { page, baseUrl } = browser;
      const id = unique();
      const email = `firstname.middlename.lastname-${id}@engineering.example-company-international.com`;
      const teamName = 'The Platform Infrastructure & Developer Experience Team';
      const signUp = new SignUpPage(page);
      await signUp.goto();
      await signUp.signUp({ email, password: 'correct horse battery staple', teamName });
      const dashboard = new Dashboard(page);
      await dashboard.heading('API Keys').waitFor();

      // The whole text is still there for a hover and a screen reader.
      expect(await dashboard.userEmail().getAttribute('title')).toBe(email);
      expect(await dashboard.userEmail().textContent()).toBe(email);
      expect(await dashboard.teamName().getAttribute('title')).toBe(teamName);
      for (const element of [dashboard.userEmail(), dashboard.teamName()]) {
        const box = await element.boundingBox();
        expect(box!.x + box!.width).toBeLessThanOrEqual(size.width);
      }

      const domain = `transactional-notifications-${id}.mail.example-company-international.com`;
      const { createDomain } = await graphqlAs<{ createDomain: { id: string } }>(
        browser,
        'mutation($input: CreateDomainInput!) { createDomain(input: $input) { id } }',
        { input: { name: domain, region: 'us-east-1' } },
      );
      const keyName = 'production-backend-worker-eu-west-1-primary-deploy'; // 50 characters, the most a name takes
      const { createApiKey } = await graphqlAs<{ createApiKey: { token: string; apiKey: { id: string } } }>(
        browser,
        'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { id } } }',
        { input: { name: keyName, permission: 'FULL_ACCESS' } },
      );
      const token = createApiKey.token;
      const sent = await rest(baseUrl, token, 'POST', '/emails', {
        from: `Transactional Notifications Department <no-reply-notifications@${domain}>`,
        to: [`a.very.long.recipient.address.for.testing-${id}@customer-subsidiary.example-enterprise.org`],
        subject: `Your monthly infrastructure usage statement for the Platform Infrastructure team (${'x'.repeat(60)}) is ready`,
        html: '<p>Hello</p>',
      });
      expect(sent.status).toBe(200);
      const emailId = sent.body.id as string;
      expect((await rest(baseUrl, token, 'GET', `/domains/${'d'.repeat(240)}`)).status).toBe(404);

      // The recorder writes logs in the background: wait for both requests on the Logs page.
      await page.goto('/logs');
      await dashboard.heading('Logs').waitFor();
      await expect.poll(async () => page.getByRole('row').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
      await expectNoSideways(page, size);
      const { usageLogs } = await graphqlAs<{ usageLogs: { edges: { node: { id: string } }[] } }>(
        browser,
        'query { usageLogs(first: 1, filter: { errorsOnly: true }) { edges { node { id } } } }',
      );
      const pages: [string, string][] = [
        ['/api-keys', 'API Keys'],
        [`/api-keys/${createApiKey.apiKey.id}`, keyName],
        [`/logs/${usageLogs.edges[0].node.id}`, ''],
        ['/emails', 'Emails'],
        [`/emails/${emailId}`, ''],
        ['/domains', 'Domains'],
        [`/domains/${createDomain.id}`, domain],
        ['/exports', 'Exports'],
        ['/team', 'Team'],
      ];
      const wide: string[] = [];
      const unstyled: string[] = [];
      for (const [url, heading] of pages) {
        await page.goto(url);
        await (heading ? page.getByRole('heading', { name: heading, level: 1 }) : page.getByRole('heading', { level: 1 })).waitFor();
        await page.waitForLoadState('networkidle');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > size.width) wide.push(`${url}: ${width}`);
        // Opened directly, the page has the styles of what it shows (they once came with the API Keys page's code).
        const banner = await page.getByRole('complementary', { name: 'Mail relay' }).evaluate((el) => getComputedStyle(el).backgroundColor);
        if (banner === 'rgba(0, 0, 0, 0)') unstyled.push(url);
      }
      expect(wide).toEqual([]);
      expect(unstyled).toEqual([]);
    });
  });
}
