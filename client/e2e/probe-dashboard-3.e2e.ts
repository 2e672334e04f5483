import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlAs } from './api';
import { axeViolations } from './axe';
import type { WebSocketRoute } from 'playwright-core';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { connectDatabase, holdExportSlot, seedContacts, teamIdOf } from './db';
import { ExportDetailPage, ExportDialog } from './pages/ExportPages';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { Dashboard } from './pages/Dashboard';
import { SignInPage } from './pages/SignInPage';
import { SignUpPage } from './pages/SignUpPage';

const PASSWORD = 'correct horse battery staple';

/** A session that ends while the user is in the middle of something. */
describe('the dashboard when the session ends mid-form', () => {
  let browser: Browser;
  let email: string;
  captureOnFailure(() => [browser]);

  beforeAll(async () => {
    browser = await launchBrowser();
    email = uniqueEmail('probe3');
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email, password: PASSWORD, teamName: 'Probe Three' });
    await new Dashboard(browser.page).heading('API Keys').waitFor();
  });
  /** Signed in, whatever the test before left. */
  const signedIn = async () => {
    const { page } = browser;
    await page.goto('/sign-in');
    const form = page.getByRole('form', { name: 'Sign in' });
    const keys = page.getByRole('heading', { name: 'API Keys', level: 1 });
    await form.or(keys).first().waitFor();
    if (await keys.isVisible()) return;
    await new SignInPage(page).signIn({ email, password: PASSWORD });
    await keys.waitFor();
  };
  afterAll(async () => {
    await browser?.close();
  });

  it('keeps what was typed in a form when the session ends, and saves it after signing in again there', async () => {
    const { page } = browser;
    const keys = new ApiKeysPage(page);
    await keys.goto();
    await page.getByRole('button', { name: 'Create API Key' }).first().click();
    // Under the sign-in prompt it is hidden from assistive technology (the prompt is modal), not gone.
    const form = page.getByRole('dialog', { name: 'Create API Key', includeHidden: true });
    await form.getByLabel('Name').fill('Typed before the session ended');
    // Signed out in another tab; then Create.
    await graphqlAs(browser, 'mutation { signOut }');
    await form.getByRole('button', { name: 'Create' }).click();

    const again = page.getByRole('dialog', { name: 'Your session has ended' });
    await again.waitFor();
    expect(new URL(page.url()).pathname).toBe('/api-keys');
    expect(await form.getByLabel('Name').inputValue()).toBe('Typed before the session ended');
    expect(await again.textContent()).toContain(`You were signed in as ${email}.`);
    expect(await axeViolations(page, '.dialog.dialog-sm')).toEqual([]);
    // Focus is in the sign-in prompt, on the password.
    expect(await again.getByLabel('Password').evaluate((el) => el === document.activeElement)).toBe(true);

    // A wrong password says so and keeps everything.
    await again.getByLabel('Password').fill('not the password');
    await again.getByRole('button', { name: 'Sign in' }).click();
    await again.getByRole('alert').filter({ hasText: 'Invalid email or password.' }).waitFor();
    expect(await form.getByLabel('Name').inputValue()).toBe('Typed before the session ended');

    await again.getByLabel('Password').fill(PASSWORD);
    await again.getByRole('button', { name: 'Sign in' }).click();
    await again.waitFor({ state: 'hidden' });
    // Focus is back in the form, on the control that submitted it.
    await expect.poll(() => form.getByRole('button', { name: 'Create' }).evaluate((el) => el === document.activeElement)).toBe(true);
    // The form is as it was, and Create now makes the key.
    expect(await form.getByLabel('Name').inputValue()).toBe('Typed before the session ended');
    await form.getByRole('button', { name: 'Create' }).click();
    const created = page.getByRole('dialog', { name: 'API key created' });
    await created.waitFor();
    await created.getByRole('button', { name: 'Done' }).click();
    await keys.row('Typed before the session ended').waitFor();
    expect(new URL(page.url()).pathname).toBe('/api-keys');
  });

  it('holds the form when a poll finds the session gone, and lets the user go to sign-in instead', async () => {
    const { page } = browser;
    await signedIn();
    const keys = new ApiKeysPage(page);
    await keys.goto();
    await page.getByRole('button', { name: 'Create API Key' }).first().click();
    const form = page.getByRole('dialog', { name: 'Create API Key', includeHidden: true });
    await form.getByLabel('Name').fill('Never saved');
    await graphqlAs(browser, 'mutation { signOut }');
    // The list's next poll (every 5 s) finds no session.
    const again = page.getByRole('dialog', { name: 'Your session has ended' });
    await again.waitFor({ timeout: 20_000 });
    expect(await form.getByLabel('Name').inputValue()).toBe('Never saved');
    expect(await again.textContent()).toContain('what you typed is kept');

    await again.getByRole('button', { name: 'Go to sign-in' }).click();
    await page.getByRole('heading', { name: 'Sign in to Keyring' }).waitFor();
  });
});

describe('an export followed live when the WebSocket drops', () => {
  let browser: Browser;
  let email: string;
  captureOnFailure(() => [browser]);

  beforeAll(async () => {
    browser = await launchBrowser();
    email = uniqueEmail('probe3ws');
    const signUp = new SignUpPage(browser.page);
    await signUp.goto();
    await signUp.signUp({ email, password: PASSWORD, teamName: 'Probe Three WS' });
    await new Dashboard(browser.page).heading('API Keys').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the export ready after its WebSocket was cut (a proxy or server going away) and came back', async () => {
    const { page } = browser;
    const db = await connectDatabase();
    let teamId: string;
    try {
      teamId = await teamIdOf(db, email);
      await seedContacts(db, teamId, 1100, 'ws', 'ws-drop.example.com');
    } finally {
      await db.end();
    }
    // Every socket the page opens goes through here, to the real server, until cut.
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      ws.connectToServer();
      sockets.push(ws);
    });
    await page.goto('/contacts');
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    const exporter = new ExportDialog(page);
    const dialog = await exporter.open();
    await dialog.getByText(/^This export holds (about [\d,]+|more than 1,000) rows\.$/).waitFor();

    const slot = await holdExportSlot(teamId);
    try {
      await exporter.confirmAndFollow();
      await page.getByText('Processing', { exact: true }).waitFor();
      await expect.poll(() => sockets.length).toBeGreaterThan(0);
      // Going away (1001): what a proxy or an instance restarting sends.
      const cut = sockets.length;
      for (const ws of sockets) await ws.close({ code: 1001, reason: 'going away' });
      // The client connects again by itself and follows the export on the new socket.
      await expect.poll(() => sockets.length, { timeout: 20_000 }).toBeGreaterThan(cut);
    } finally {
      await slot.release();
    }
    await new ExportDetailPage(page).waitUntilReady(45_000);
  });

  it('shows the export ready within seconds when no WebSocket gets through (a proxy that drops them)', async () => {
    const page = await browser.context.newPage();
    const db = await connectDatabase();
    let teamId: string;
    try {
      teamId = await teamIdOf(db, email);
      await seedContacts(db, teamId, 1100, 'nows', 'ws-drop.example.com');
    } finally {
      await db.end();
    }
    // A proxy that lets no WebSocket through: each one the page opens is closed at once.
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      sockets.push(ws);
      void ws.close({ code: 1001, reason: 'no websockets here' });
    });
    await page.goto('/contacts');
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    const exporter = new ExportDialog(page);
    const dialog = await exporter.open();
    await dialog.getByText(/^This export holds (about [\d,]+|more than 1,000) rows\.$/).waitFor();

    const slot = await holdExportSlot(teamId);
    try {
      await exporter.confirmAndFollow();
      await page.getByText('Processing', { exact: true }).waitFor();
      await expect.poll(() => sockets.length).toBeGreaterThan(0);
    } finally {
      await slot.release();
    }
    // Asked for over HTTP meanwhile: before, only once graphql-ws had spent its five retries
    // (1 + 2 + 4 + 8 + 16 s and more), the page reading Processing for 40 s after the file was ready.
    await new ExportDetailPage(page).waitUntilReady(20_000);
    await page.close();
  });
});
