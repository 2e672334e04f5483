export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}…</span>
    </div>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="error-state" role="alert">
      <p>{message}</p>
      {onRetry && (
        <button type="button" className="btn btn-secondary btn-sm" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** The shell's outline while the session loads: the same as index.html shows before the app runs. */
export function AppSkeleton({ label = 'Loading your dashboard' }: { label?: string }) {
  return (
    <div className="app-skeleton" role="status" aria-label={label}>
      <div className="app-skeleton-sidebar">
        <span />
        <span />
        <span />
        <span />
        <span />
      </div>
      {/* A main landmark and a heading, as every page has (axe asks for both, even while loading). */}
      <main className="app-skeleton-main">
        <h1 className="sr-only">{label}…</h1>
        <span className="app-skeleton-title" />
        <span />
        <span />
        <span />
      </main>
    </div>
  );
}
