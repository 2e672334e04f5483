/** Apollo query options that ask again every `ms` while the tab is shown; a hidden tab asks nothing until it is shown again. */
export const pollWhileShown = (ms: number) =>
  ({ pollInterval: ms, skipPollAttempt: () => typeof document !== 'undefined' && document.visibilityState === 'hidden' }) as const;
