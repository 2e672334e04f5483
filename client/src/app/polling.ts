import { useEffect, useRef } from 'react';

/** Apollo query options that ask again every `ms` while the tab is shown; a hidden tab asks nothing until it is shown again. */
export const pollWhileShown = (ms: number) =>
  ({ pollInterval: ms, skipPollAttempt: () => typeof document !== 'undefined' && document.visibilityState === 'hidden' }) as const;

/**
 * Calls `refresh` when the tab is shown again after it was hidden (another tab, a minimised
 * window): a list open in a tab left for a while shows what changed meanwhile, not what it had.
 */
export function useRefreshWhenShown(refresh: () => unknown, enabled = true) {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    if (!enabled || typeof document === 'undefined') return;
    let hidden = document.visibilityState === 'hidden';
    const changed = () => {
      if (document.visibilityState === 'hidden') hidden = true;
      else if (hidden) {
        hidden = false;
        Promise.resolve(latest.current()).catch(() => undefined);
      }
    };
    document.addEventListener('visibilitychange', changed);
    return () => document.removeEventListener('visibilitychange', changed);
  }, [enabled]);
}
