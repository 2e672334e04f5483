import { act, fireEvent, screen } from '@testing-library/react';
import { type ComponentType, lazy } from 'react';
import { Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocationProbe } from '../test/LocationProbe';
import { adminUser, renderWithProviders } from '../test/render';
import { AppShell } from './AppShell';
import { lazyPage } from './lazy-page';
import { MailRelayQuery } from './mail-relay';

const relay = { request: { query: MailRelayQuery }, result: { data: { sendingPolicy: { __typename: 'SendingPolicy', mailRelay: true } } } };

describe('AppShell', () => {
  it('says a page could not be loaded, and keeps the navigation, when its code fails to load (the server stopped, or a new version replaced the files)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const Broken = lazy(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module: /assets/LogsPage-abc123.js')));
    renderWithProviders(
      <AppShell>
        <Broken />
      </AppShell>,
      { user: adminUser, mocks: [relay] },
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('This page could not be loaded: the server did not answer');
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
    vi.restoreAllMocks();
  });
});

function LoadedLogsPage() {
  return <h1>Logs</h1>;
}

/** The Logs page's code, unreachable until `serverBack()`: each import is a request, as in a browser. */
function logsChunk() {
  let up = false;
  const load = vi.fn((): Promise<Record<'LogsPage', ComponentType>> => {
    if (!up) return Promise.reject(new TypeError('Failed to fetch dynamically imported module: /assets/LogsPage-abc123.js'));
    return Promise.resolve({ LogsPage: LoadedLogsPage });
  });
  return { LogsPage: lazyPage(load, 'LogsPage'), load, serverBack: () => (up = true) };
}

let brokenRenders = 0;
/** A page whose code loaded but which throws as it renders. */
function BrokenPage(): never {
  brokenRenders++;
  throw new Error('Cannot read properties of undefined');
}

function renderDashboard(LogsPage: ComponentType) {
  return renderWithProviders(
    <>
      <AppShell>
        <Routes>
          <Route path="/api-keys" element={<h1>API Keys</h1>} />
          <Route path="/logs" element={<LogsPage />} />
        </Routes>
      </AppShell>
      <LocationProbe />
    </>,
    { user: adminUser, mocks: [relay], route: '/logs' },
  );
}

/** Lets this much time pass, and the promises it settles run. */
const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

/** findBy* without its setTimeout, which the fake timers hold: what shows once promises settle, no time passing. */
async function shown(find: () => HTMLElement | null): Promise<HTMLElement> {
  for (let turn = 0; turn < 20; turn++) {
    const element = find();
    if (element) return element;
    await advance(0);
  }
  throw new Error('not shown');
}
const alert = () => shown(() => screen.queryByRole('alert'));
const heading = (name: string) => shown(() => screen.queryByRole('heading', { name, level: 1 }));

const navLink = (name: string) => screen.getByRole('navigation', { name: 'Main' }).querySelector(`a[href="/${name}"]`)!;

describe('AppShell: a page whose code could not be loaded', () => {
  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    // Timers only: promises and React's own scheduling run as they would.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('opens by itself, in place and without a reload, when the browser is back online', async () => {
    const chunk = logsChunk();
    renderDashboard(chunk.LogsPage);
    await alert();
    chunk.serverBack();
    act(() => void window.dispatchEvent(new Event('online')));
    await heading('Logs');
    expect(chunk.load).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
    expect(screen.getByTestId('location').textContent).toBe('/logs');
  });

  it('tries again when the window regains focus and when the tab is shown again, and not while it is hidden', async () => {
    const chunk = logsChunk();
    renderDashboard(chunk.LogsPage);
    await alert();
    expect(chunk.load).toHaveBeenCalledTimes(1);

    act(() => void window.dispatchEvent(new Event('focus')));
    await advance(0);
    expect(chunk.load).toHaveBeenCalledTimes(2);

    let visibility: DocumentVisibilityState = 'hidden';
    vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
    act(() => void document.dispatchEvent(new Event('visibilitychange')));
    await advance(10 * 60_000);
    expect(chunk.load).toHaveBeenCalledTimes(2);

    chunk.serverBack();
    visibility = 'visible';
    act(() => void document.dispatchEvent(new Event('visibilitychange')));
    await heading('Logs');
    expect(chunk.load).toHaveBeenCalledTimes(3);
  });

  it('tries again after 2 s, then twice as long each time, never more than 30 s apart', async () => {
    const chunk = logsChunk();
    renderDashboard(chunk.LogsPage);
    await alert();
    let calls = 1;
    for (const delay of [2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]) {
      await advance(delay - 1);
      expect(chunk.load).toHaveBeenCalledTimes(calls);
      await advance(1);
      expect(chunk.load).toHaveBeenCalledTimes(++calls);
    }
    chunk.serverBack();
    await advance(30_000);
    expect(screen.getByRole('heading', { name: 'Logs', level: 1 })).toBeTruthy();
    await advance(10 * 60_000);
    expect(chunk.load).toHaveBeenCalledTimes(calls + 1);
  });

  it('changes nothing on screen when a retry fails: no flash, and focus stays where it was', async () => {
    const chunk = logsChunk();
    renderDashboard(chunk.LogsPage);
    const shownAlert = await alert();
    expect(shownAlert.textContent).toContain('It opens by itself once it loads; Reload to try now.');
    const reload = screen.getByRole('button', { name: 'Reload' });
    reload.focus();
    const changes: MutationRecord[] = [];
    const observer = new MutationObserver((records) => changes.push(...records));
    observer.observe(screen.getByRole('main'), { childList: true, subtree: true, attributes: true, characterData: true });

    act(() => void window.dispatchEvent(new Event('online')));
    await advance(0);
    expect(chunk.load).toHaveBeenCalledTimes(2);
    await advance(4_000);
    expect(chunk.load).toHaveBeenCalledTimes(3);
    await advance(0);
    observer.disconnect();
    expect(changes).toEqual([]);
    expect(screen.getByRole('alert')).toBe(shownAlert);
    expect(document.activeElement).toBe(reload);
  });

  it('imports the page again when the user goes elsewhere and comes back, instead of showing the same failure', async () => {
    const chunk = logsChunk();
    renderDashboard(chunk.LogsPage);
    await alert();

    fireEvent.click(navLink('api-keys'));
    await heading('API Keys');
    fireEvent.click(navLink('logs'));
    await alert();
    expect(chunk.load).toHaveBeenCalledTimes(2);

    chunk.serverBack();
    fireEvent.click(navLink('api-keys'));
    await heading('API Keys');
    fireEvent.click(navLink('logs'));
    await heading('Logs');
    expect(chunk.load).toHaveBeenCalledTimes(3);
  });

  it('does not retry a page that failed while rendering: only code that did not load is fetched again', async () => {
    renderDashboard(BrokenPage);
    expect((await alert()).textContent).toContain('Something went wrong showing this page');
    const before = brokenRenders;
    act(() => {
      window.dispatchEvent(new Event('online'));
      window.dispatchEvent(new Event('focus'));
    });
    await advance(10 * 60_000);
    expect(brokenRenders).toBe(before);
    expect(screen.getByRole('alert')).toBeTruthy();
  });
});
