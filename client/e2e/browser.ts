import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterEach, inject } from 'vitest';

export type Browser = { context: BrowserContext; page: Page; baseUrl: string; close: () => Promise<void> };

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium with a fresh profile: no cookies or storage shared between browsers. */
export async function launchBrowser(viewport: { width: number; height: number } = { width: 1280, height: 800 }): Promise<Browser> {
  const baseUrl = inject('baseUrl');
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'keyring-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ARGS,
    baseURL: baseUrl,
    viewport,
  });
  // Fail in seconds rather than Playwright's default half a minute: the app answers locally.
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    baseUrl,
    close: async () => {
      await context.close();
      await fs.rm(profile, { recursive: true, force: true });
    },
  };
}

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '.artifacts');

/** Saves a screenshot of each browser's page when a test fails, under e2e/.artifacts/. */
export function captureOnFailure(browsers: () => (Browser | undefined)[]) {
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    const name = task.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    await fs.mkdir(artifacts, { recursive: true });
    await Promise.all(browsers().map((b, i) => b?.page.screenshot({ path: path.join(artifacts, `${name}-${i}.png`) }).catch(() => undefined)));
  });
}

let counter = 0;
/** An address no other test uses, so tests never collide in the shared database. */
export const uniqueEmail = (prefix = 'user') => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}@example.com`;
