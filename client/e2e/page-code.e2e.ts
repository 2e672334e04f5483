import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { Dashboard } from './pages/Dashboard';
import { SignUpPage } from './pages/SignUpPage';

// A dashboard page whose code chunk could not be fetched (the server stopped, the network dropped)
// comes back by itself once the chunk can be fetched, without reloading the document.

const refuse = (route: Route) => route.abort('connectionrefused');

describe('a page whose code could not be loaded', () => {
  let browser: Browser;
  let dashboard: Dashboard;
  captureOnFailure(() => [browser]);

  beforeAll(async () => {
    browser = await launchBrowser();
    dashboard = new Dashboard(browser.page);
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email: uniqueEmail('chunks'), password: 'correct horse battery staple', teamName: 'Flaky Network' });
    await dashboard.heading('API Keys').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const failure = () => browser.page.getByRole('alert').filter({ hasText: 'This page could not be loaded' });
  const navLink = (name: string) => browser.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  /** A mark in the document: a reload would lose it. */
  const markDocument = () =>
    browser.page.evaluate(() => {
      document.documentElement.dataset.sameDocument = 'yes';
    });
  const sameDocument = () => browser.page.evaluate(() => document.documentElement.dataset.sameDocument === 'yes');

  it('opens by itself once the network is back: in place, at the same address, with no reload', async () => {
    const { page, context } = browser;
    await markDocument();
    await context.setOffline(true);
    try {
      await navLink('Logs').click();
      await failure().waitFor();
      expect(await page.getByRole('button', { name: 'Reload' }).isVisible()).toBe(true);
      expect(await navLink('API Keys').isVisible()).toBe(true);
    } finally {
      await context.setOffline(false);
    }
    await dashboard.heading('Logs').waitFor();
    expect(await failure().count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe('/logs');
    expect(await sameDocument()).toBe(true);
  });

  it('loads it again when the user goes to another page and comes back, instead of showing the old failure', async () => {
    const { page, context } = browser;
    await markDocument();
    const chunk = /\/assets\/AuditPage-[^/]+\.js$/;
    await context.route(chunk, refuse);
    try {
      await navLink('Audit log').click();
      await failure().waitFor();
      await dashboard.open('API Keys');
    } finally {
      await context.unroute(chunk, refuse);
    }
    await dashboard.open('Audit log');
    expect(await failure().count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe('/audit');
    expect(await sameDocument()).toBe(true);
  });
});
