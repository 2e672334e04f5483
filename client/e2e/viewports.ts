import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * The three sizes issue 16 asks every dashboard check to pass at: a laptop, a desktop and a phone.
 * Tests loop over this list (one browser per size running several checks) instead of copying tests.
 */
export const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
] as const;
export type Viewport = (typeof VIEWPORTS)[number];

/** "1280×800", for test names. */
export const sizeLabel = (size: Viewport) => `${size.width}×${size.height}`;

export const screenshotsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

/** Saves docs/screenshots/<name>-<width>x<height>.png (linked from the README's Screenshots section). */
export async function screenshot(page: Page, name: string, size: Viewport, fullPage = false) {
  await page.screenshot({ path: path.join(screenshotsDir, `${name}-${size.width}x${size.height}.png`), fullPage, animations: 'disabled' });
}

/**
 * Nothing wider than the window: the page never scrolls sideways. Polled, since right after a
 * viewport change or a render the layout may still be settling.
 */
export async function expectNoSideways(page: Page, size: Viewport) {
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { timeout: 5_000 }).toBeLessThanOrEqual(size.width);
}
