import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { Dashboard } from './pages/Dashboard';
import { SignUpPage } from './pages/SignUpPage';

// A Hebrew name ending in "!" inside an English sentence: not isolated, the "!" joins the English
// around it and shows right of the name ("…for שלום!. Use it…" read as "…for !שלום."). Isolated
// (<bdi>, or dir=auto on the element holding the name), it stays at the name's end: its left.
const NAME = 'שלום!';

/** Where the name's "!" and its first letter ש are drawn, from the text node holding the name. */
const glyphs = (isolated: Locator) =>
  isolated.evaluate((el) => {
    const node = [...el.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.includes('!'));
    if (!node) throw new Error(`no text node in <${el.tagName.toLowerCase()}>`);
    const text = node.textContent ?? '';
    const box = (i: number) => {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const r = range.getBoundingClientRect();
      return { left: r.left, right: r.right };
    };
    return { bang: box(text.indexOf('!')), shin: box(text.indexOf('ש')) };
  });

describe('right-to-left names in English sentences', () => {
  let browser: Browser;
  captureOnFailure(() => [browser]);

  beforeAll(async () => {
    browser = await launchBrowser();
    await new SignUpPage(browser.page).goto();
    await new SignUpPage(browser.page).signUp({ email: uniqueEmail('rtl'), password: 'correct horse battery staple', teamName: 'RTL Inc' });
    await new Dashboard(browser.page).heading('API Keys').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the token dialog\'s "Here is the token for שלום!" with the name isolated, its "!" left of its letters', async () => {
    const keys = new ApiKeysPage(browser.page);
    const created = await keys.create({ name: NAME });
    const sentence = created.dialog.getByText(/^Here is the token for/);
    await sentence.waitFor();
    expect((await sentence.textContent())?.startsWith(`Here is the token for ${NAME}. Use it`)).toBe(true);

    // What the eye sees: the "!" drawn left of the name's letters, not right of them.
    const name = sentence.getByText(NAME, { exact: true });
    const { bang, shin } = await glyphs(name);
    expect(bang.right).toBeLessThanOrEqual(shin.left + 0.5);
    // Why: the name is in a <bdi> (or an element of its own with dir=auto), which Chromium isolates.
    const isolated = sentence.locator('bdi, [dir="auto"]').filter({ hasText: NAME });
    expect(await isolated.count()).toBe(1);
    expect(await isolated.textContent()).toBe(NAME);
    expect(await isolated.evaluate((el) => getComputedStyle(el).unicodeBidi)).toBe('isolate');

    await created.close();
    // The list's link holds the name alone, laid out by its own direction.
    const link = keys.table().getByRole('link', { name: NAME, exact: true });
    const cell = await glyphs(link);
    expect(cell.bang.right).toBeLessThanOrEqual(cell.shin.left + 0.5);
  });
});
