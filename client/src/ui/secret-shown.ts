import { useEffect, useSyncExternalStore } from 'react';

/**
 * Whether a secret shown once (a new token, an invitation link) is on screen. While one is, the
 * session guard keeps the page rather than go to sign-in when the session ends meanwhile (signed
 * out in another tab): the secret would be gone before it could be copied.
 */
let shown = 0;
const listeners = new Set<() => void>();
const emit = () => {
  for (const l of listeners) l();
};
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** Marks a secret as on screen while `active`. */
export function useHoldSecret(active: boolean) {
  useEffect(() => {
    if (!active) return;
    shown += 1;
    emit();
    return () => {
      shown -= 1;
      emit();
    };
  }, [active]);
}

export function useSecretShown(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => shown > 0,
    () => false,
  );
}
