import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { Dashboard } from './pages/Dashboard';
import { SignUpPage } from './pages/SignUpPage';
import { expectNoSideways, screenshot, sizeLabel, VIEWPORTS } from './viewports';

// Issue 16 item 12: while the app loads, the shell's outline shows instead of a black screen —
// first index.html's own (the JavaScript not run yet), then the app's while the session loads.

/** Holds matching requests until `release()` is called: a slow network, without timing. */
function hold() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    release,
    handler: async (route: Route) => {
      await released;
      await route.continue().catch(() => undefined);
    },
  };
}

/** The skeleton fills the window, its bars drawn in a colour of their own (not the page's black). */
async function expectSkeletonShown(browser: Browser, name: string, size: (typeof VIEWPORTS)[number]) {
  const { page } = browser;
  const skeleton = page.getByRole('status', { name });
  await skeleton.waitFor();
  // (Polled: the element is there as soon as the HTML is, its stylesheet may still be coming.)
  await expect.poll(async () => (await skeleton.boundingBox())?.height ?? 0, { timeout: 10_000 }).toBeGreaterThanOrEqual(size.height - 1);
  expect((await skeleton.boundingBox())!.width).toBeGreaterThanOrEqual(size.width - 20);
  const colours = await skeleton.evaluate((el) => {
    const bar = el.querySelector('span');
    return {
      bars: el.querySelectorAll('span').length,
      bar: bar ? getComputedStyle(bar).backgroundColor : '',
      barHeight: bar ? bar.getBoundingClientRect().height : 0,
      page: getComputedStyle(document.body).backgroundColor,
    };
  });
  expect(colours.bars).toBeGreaterThanOrEqual(5);
  expect(colours.barHeight).toBeGreaterThan(0);
  expect(colours.bar).not.toBe(colours.page);
  expect(colours.bar).not.toMatch(/^rgba\(0, 0, 0, 0\)$/);
  await expectNoSideways(page, size);
  expect(await axeViolations(page)).toEqual([]);
}

for (const size of VIEWPORTS) {
  describe(`the loading skeleton at ${sizeLabel(size)}`, () => {
    let browser: Browser;
    captureOnFailure(() => [browser]);

    beforeAll(async () => {
      browser = await launchBrowser(size);
    });
    afterAll(async () => {
      await browser?.close();
    });

    it("shows the shell's outline, not a black screen, until the app's JavaScript runs", async () => {
      const { page, context } = browser;
      const scripts = hold();
      await context.route(/\/assets\/.+\.js$/, scripts.handler);
      try {
        await page.goto('/sign-up', { waitUntil: 'commit' });
        await expectSkeletonShown(browser, 'Loading Keyring', size);
        await screenshot(page, 'loading-skeleton', size);
        // Nothing of the app yet: the skeleton is index.html's, not a page rendered early.
        expect(await page.getByRole('heading', { name: 'Create your Keyring account' }).count()).toBe(0);
      } finally {
        scripts.release();
        await context.unroute(/\/assets\/.+\.js$/, scripts.handler);
      }
      await page.getByRole('heading', { name: 'Create your Keyring account' }).waitFor();
      expect(await page.getByRole('status', { name: 'Loading Keyring' }).count()).toBe(0);
    });

    it('shows it again while the signed-in session loads, then the dashboard', async () => {
      const { page, context } = browser;
      const signUp = new SignUpPage(page);
      await signUp.signUp({ email: uniqueEmail('loading'), password: 'correct horse battery staple', teamName: 'Slow Network' });
      await new Dashboard(page).heading('API Keys').waitFor();

      const graphql = hold();
      await context.route('**/graphql', graphql.handler);
      try {
        await page.goto('/api-keys');
        await expectSkeletonShown(browser, 'Loading your dashboard', size);
        expect(await page.getByRole('heading', { name: 'API Keys' }).count()).toBe(0);
      } finally {
        graphql.release();
        await context.unroute('**/graphql', graphql.handler);
      }
      await new Dashboard(page).heading('API Keys').waitFor();
      expect(await page.getByRole('status', { name: 'Loading your dashboard' }).count()).toBe(0);
    });
  });
}
