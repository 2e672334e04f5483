import { type ChildProcess, spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { freePort, stop, waitForHealth } from './global-setup';
import { Dashboard } from './pages/Dashboard';
import { ForgotPasswordPage, ResetPasswordPage } from './pages/PasswordResetPages';
import { SignInPage } from './pages/SignInPage';
import { type SmtpSink, startSmtpSink } from './smtp-sink';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('password reset in the browser', () => {
  let browser: Browser;
  captureOnFailure(() => [browser]);
  let smtp: SmtpSink;
  let server: { url: string; child: ChildProcess; dataDir: string } | undefined;

  beforeAll(async () => {
    // A server of its own that mails through SMTP: the shared one keeps mail in its outbox, where a reset link is redacted.
    smtp = await startSmtpSink();
    const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'keyring-e2e-reset-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [path.join(repoRoot, 'server', 'dist', 'src', 'main.js')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: url,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        DATABASE_URL: '',
        SMTP_URL: smtp.url,
      },
      stdio: 'ignore',
    });
    server = { url, child, dataDir };
    await waitForHealth(url, child, 90_000);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (server) {
      await stop(server.child);
      await fsp.rm(server.dataDir, { recursive: true, force: true });
    }
    await smtp?.close();
  });

  const gql = async (query: string, variables: Record<string, unknown>, cookie?: string) => {
    const res = await fetch(`${server!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { cookie: res.headers.getSetCookie()[0]?.split(';')[0], body: (await res.json()) as { data?: Record<string, unknown> | null } };
  };

  it('forgot password → the emailed link → a new password → signed in; other sessions end and the link works once', async () => {
    const email = uniqueEmail('forgetful');
    const signedUp = await gql('mutation($i: SignUpInput!) { signUp(input: $i) { id } }', {
      i: { email, password: 'the password I forgot', teamName: 'Forgetful Ltd' },
    });
    expect(signedUp.body.data?.signUp).toBeTruthy();
    const { page } = browser;

    await page.goto(`${server!.url}/sign-in`);
    await new SignInPage(page).heading().waitFor();
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    const forgot = new ForgotPasswordPage(page);
    await forgot.heading().waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await forgot.request(email);
    expect(await forgot.sent().textContent()).toContain(`If an account exists for ${email}, we sent a link`);

    const mail = await smtp.waitFor(email);
    const link = new RegExp(`${server!.url}/reset-password\\?token=[A-Za-z0-9_-]+`).exec(mail.text)?.[0];
    expect(link, mail.text).toBeTruthy();

    const reset = new ResetPasswordPage(page);
    await reset.open(link!);
    await reset.setPassword('short');
    await page.getByText('Password must be at least 10 characters.').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await reset.setPassword('a brand new passphrase');
    const dashboard = new Dashboard(page);
    await dashboard.heading('API Keys').waitFor();
    expect(new URL(page.url()).pathname).toBe('/api-keys');
    expect(await dashboard.userEmail().textContent()).toBe(email);

    // The session from before the reset has ended.
    expect((await gql('{ me { id } }', {}, signedUp.cookie)).body.data?.me).toBeNull();

    // The link again (signed in, as the page is reachable either way): refused, clearly.
    await reset.open(link!);
    await reset.setPassword('yet another passphrase');
    await reset.alert().waitFor();
    expect(await reset.alert().textContent()).toBe('This password reset link is invalid, already used or expired. Ask for a new one.');

    // Signed out, the new password signs in.
    await page.goto(`${server!.url}/api-keys`);
    await dashboard.signOut();
    const signIn = new SignInPage(page);
    await signIn.signIn({ email, password: 'a brand new passphrase' });
    await dashboard.heading('API Keys').waitFor();
  });
});
