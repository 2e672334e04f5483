import { Component, type ReactNode, useEffect } from 'react';
import { useLocation } from 'react-router';
import { type PageReload, pageReload } from './lazy-page';

type Props = { children: ReactNode; resetKey: string };
type State = { error: unknown };

/** A page's code that would not load: Chrome, Firefox and Safari word it differently. */
const isLoadFailure = (error: unknown) =>
  error instanceof Error && /dynamically imported module|importing a module script failed|error loading dynamically imported module/i.test(error.message);

export function pageErrorMessage(error: unknown): string {
  if (!isLoadFailure(error)) return 'Something went wrong showing this page. Reload to try again.';
  const failed = 'This page could not be loaded: the server did not answer, or a new version of Keyring replaced it.';
  return pageReload(error) ? `${failed} It opens by itself once it loads; Reload to try now.` : `${failed} Reload to try again.`;
}

/** Retries after 2 s, then twice as long each time up to 30 s: gentle on a server coming back up. */
const RETRY_FIRST_DELAY_MS = 2_000;
const RETRY_MAX_DELAY_MS = 30_000;

/**
 * Loads the failed page's code again when the browser is back online, when the window or tab is
 * shown again, and on a backoff timer while it is shown. A retry that fails changes nothing on
 * screen; one that succeeds calls `onLoaded`.
 */
function RetryUntilLoaded({ reload, onLoaded }: { reload: PageReload; onLoaded: () => void }) {
  useEffect(() => {
    let delay = RETRY_FIRST_DELAY_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let trying = false;
    let over = false;
    const visible = () => document.visibilityState === 'visible';
    const schedule = () => {
      clearTimeout(timer);
      // A hidden tab makes no requests; it tries again as soon as it is shown.
      if (!over && visible()) timer = setTimeout(attempt, delay);
    };
    const attempt = () => {
      if (trying || over) return;
      trying = true;
      clearTimeout(timer);
      void reload.retry().then((ok) => {
        trying = false;
        if (over) return;
        if (ok) {
          over = true;
          onLoaded();
          return;
        }
        delay = Math.min(delay * 2, RETRY_MAX_DELAY_MS);
        schedule();
      });
    };
    const shown = () => {
      if (visible()) attempt();
      else clearTimeout(timer);
    };
    window.addEventListener('online', attempt);
    window.addEventListener('focus', attempt);
    document.addEventListener('visibilitychange', shown);
    schedule();
    return () => {
      over = true;
      clearTimeout(timer);
      window.removeEventListener('online', attempt);
      window.removeEventListener('focus', attempt);
      document.removeEventListener('visibilitychange', shown);
    };
  }, [reload, onLoaded]);
  return null;
}

class Boundary extends Component<Props, State> {
  state: State = { error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  componentDidCatch(error: unknown) {
    // Going elsewhere and back imports the page again rather than showing this failure once more.
    pageReload(error)?.renew();
  }

  componentDidUpdate(previous: Props, previousState: State) {
    // Another page may load: going there clears the error. Only one shown before this navigation:
    // clearing the one it just caught (the page opened failed) would import that page once more.
    const shownBefore = this.state.error !== undefined && this.state.error === previousState.error;
    if (previous.resetKey !== this.props.resetKey && shownBefore) this.setState({ error: undefined });
  }

  loaded = () => this.setState({ error: undefined });

  render() {
    if (this.state.error === undefined) return this.props.children;
    const reload = pageReload(this.state.error);
    return (
      <div className="error-state" role="alert">
        <p>{pageErrorMessage(this.state.error)}</p>
        {reload && <RetryUntilLoaded reload={reload} onLoaded={this.loaded} />}
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}

/**
 * Without it, a page that throws while rendering (its code chunk unreachable while the server is
 * down) unmounted the whole app and left a blank screen.
 */
export function PageErrorBoundary({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  return <Boundary resetKey={pathname}>{children}</Boundary>;
}
