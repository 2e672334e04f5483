import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, captureOnFailure, launchBrowser } from './browser';
import { Dashboard } from './pages/Dashboard';
import { SignUpPage } from './pages/SignUpPage';
import { expectNoSideways, sizeLabel, VIEWPORTS } from './viewports';

// The shell shows the signed-in address and the team's name on every page. Whatever their length,
// they are cut with an ellipsis (the whole text in a hover title), never pushing the page wider than
// the window: on a phone the sidebar becomes a top bar, and an address one glyph too wide there made
// every page scroll sideways by a couple of pixels.

let counter = 0;
/** An address near what people really have (a long company domain), unique per run. */
const longEmail = () => `firstname.middlename.lastname-${Date.now().toString(36)}-${counter++}@engineering.example-company-international.com`;

for (const size of VIEWPORTS) {
  describe(`long names in the shell at ${sizeLabel(size)}`, () => {
    let browser: Browser;
    captureOnFailure(() => [browser]);

    beforeAll(async () => {
      browser = await launchBrowser(size);
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('cuts a long address and team name with an ellipsis, and no page scrolls sideways', async () => {
      const { page } = browser;
      const email = longEmail();
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
      for (const section of ['API Keys', 'Logs', 'Exports', 'Team'] as const) {
        await dashboard.open(section);
        await expectNoSideways(page, size);
      }
    });
  });
}
