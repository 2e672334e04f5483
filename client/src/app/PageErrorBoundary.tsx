import { Component, type ReactNode } from 'react';
import { useLocation } from 'react-router';

type Props = { children: ReactNode; resetKey: string };
type State = { error: unknown };

/** A page's code that would not load: Chrome, Firefox and Safari word it differently. */
const isLoadFailure = (error: unknown) =>
  error instanceof Error && /dynamically imported module|importing a module script failed|error loading dynamically imported module/i.test(error.message);

export function pageErrorMessage(error: unknown): string {
  return isLoadFailure(error)
    ? 'This page could not be loaded: the server did not answer, or a new version of Keyring replaced it. Reload to try again.'
    : 'Something went wrong showing this page. Reload to try again.';
}

class Boundary extends Component<Props, State> {
  state: State = { error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  componentDidUpdate(previous: Props) {
    // Another page may load: going there clears the error.
    if (previous.resetKey !== this.props.resetKey && this.state.error !== undefined) this.setState({ error: undefined });
  }

  render() {
    if (this.state.error === undefined) return this.props.children;
    return (
      <div className="error-state" role="alert">
        <p>{pageErrorMessage(this.state.error)}</p>
        {/* A lazy page that failed stays failed until the document loads again. */}
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
