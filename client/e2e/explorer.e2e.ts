import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { freePort, stop, waitForHealth } from './global-setup';
import { ExplorerPage } from './pages/ExplorerPage';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the GraphQL explorer', () => {
  let browser: Browser;
  captureOnFailure(() => [browser]);
  let dev: { url: string; child: ChildProcess; dataDir: string } | undefined;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(repoRoot, 'explorer', 'dist', 'index.html'))) throw new Error('explorer/dist is missing: run `pnpm build` first');
    // The shared e2e server runs in production; the explorer needs a development one.
    const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'keyring-e2e-dev-'));
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
        NODE_ENV: 'development',
        DATABASE_URL: '',
        SMTP_URL: '',
      },
      stdio: 'ignore',
    });
    dev = { url, child, dataDir };
    await waitForHealth(url, child, 90_000);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (dev) {
      await stop(dev.child);
      await fsp.rm(dev.dataDir, { recursive: true, force: true });
    }
  });

  it('in development: GraphiQL at /graphql runs queries as the signed-in user, within the CSP', async () => {
    const url = dev!.url;
    const signUp = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($input: SignUpInput!) { signUp(input: $input) { id } }',
        variables: { input: { email: uniqueEmail('explorer'), password: 'correct horse battery staple', teamName: 'Explorer Ltd' } },
      }),
    });
    const [name, value] = signUp.headers.getSetCookie()[0].split(';')[0].split('=');
    await browser.context.addCookies([{ name, value, url }]);
    await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `${name}=${value}` },
      body: JSON.stringify({ query: 'mutation { createApiKey(input: { name: "explorer-e2e-key", permission: FULL_ACCESS }) { token } }' }),
    });

    const problems: string[] = [];
    browser.page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    browser.page.on('pageerror', (e) => problems.push(e.message));
    const explorer = new ExplorerPage(browser.page);
    await explorer.goto(url);
    // The default query lists the team's keys: it answers only with the session.
    await explorer.runAndWaitFor('"explorer-e2e-key"');
    // Monaco's web workers and fonts load from the server itself, so no CSP violation is reported.
    expect(problems).toEqual([]);
  });

  it('in production: /graphql is GraphQL only, with no explorer', async () => {
    const res = await browser.page.goto(`${browser.baseUrl}/graphql`);
    expect(res?.headers()['content-type']).toMatch(/^application\/json/);
    expect(await browser.page.locator('.graphiql-execute-button').count()).toBe(0);
  });
});
