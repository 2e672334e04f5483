import { useEffect } from 'react';

const APP = 'Keyring';

/** "API Keys · Keyring": the page's name in the tab, the history and what a screen reader announces on navigation. */
export const pageTitle = (title?: string) => (title ? `${title} · ${APP}` : APP);

/**
 * Names the document after the page while it is shown. A detail page passes its subject once
 * loaded ("Production · API Keys"); until then its kind.
 */
export function usePageTitle(title?: string): void {
  useEffect(() => {
    document.title = pageTitle(title);
    return () => {
      document.title = APP;
    };
  }, [title]);
}
