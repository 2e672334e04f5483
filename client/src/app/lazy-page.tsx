import { type ComponentType, lazy } from 'react';

/** What a page whose code failed to load offers its error boundary. */
export type PageReload = {
  /** Imports the page's code again; true once it is loaded, and the page then renders at once. */
  retry: () => Promise<boolean>;
  /** The failure has been shown: the next render imports again (React.lazy keeps a rejection for ever). */
  renew: () => void;
};

const reloads = new WeakMap<object, PageReload>();

/** How to load again the page whose code failed with this error; undefined for any other error. */
export function pageReload(error: unknown): PageReload | undefined {
  return typeof error === 'object' && error !== null ? reloads.get(error) : undefined;
}

/**
 * Splits a page into its own chunk (pages use named exports), and lets it be loaded again after
 * its chunk failed to load, without reloading the document. (Browsers that follow whatwg/html#10327,
 * Chromium 156 among them, fetch a failed module again; older ones keep failing, and Reload remains.)
 */
export function lazyPage<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K): ComponentType {
  let loaded: ComponentType | undefined;
  const found = (module: Record<K, ComponentType>) => {
    loaded = module[name];
    return loaded;
  };
  const retry = () =>
    load().then(
      (module) => Boolean(found(module)),
      // The failure on screen already says the page could not be loaded; this one only means "not yet".
      () => false,
    );
  const failed = (error: unknown): never => {
    if (typeof error === 'object' && error !== null) reloads.set(error, { retry, renew });
    throw error;
  };
  const attempt = () => lazy(() => load().then((module) => ({ default: found(module) }), failed));
  let Lazy = attempt();
  // Not at the failure itself: React renders the lazy component again before the boundary shows it.
  function renew() {
    if (!loaded) Lazy = attempt();
  }

  // biome-ignore lint/correctness/noComponentHookFactories: made once per page when routes.tsx loads, as React.lazy makes its component
  function Page() {
    // Once loaded, rendered directly: no Suspense fallback flashes when a retry succeeds.
    const Component = loaded ?? Lazy;
    return <Component />;
  }
  Page.displayName = `Page(${name})`;
  return Page;
}
