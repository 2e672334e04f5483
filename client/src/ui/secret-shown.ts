import { useEffect, useSyncExternalStore } from 'react';

/** A count of what is on screen that a session ending meanwhile must not throw away. */
type Hold = { count: number; listeners: Set<() => void> };

const emit = (hold: Hold) => {
  for (const l of hold.listeners) l();
};

function useHold(hold: Hold, active: boolean) {
  useEffect(() => {
    if (!active) return;
    hold.count += 1;
    emit(hold);
    return () => {
      hold.count -= 1;
      emit(hold);
    };
  }, [hold, active]);
}

function useHeld(hold: Hold): boolean {
  return useSyncExternalStore(
    (listener) => {
      hold.listeners.add(listener);
      return () => hold.listeners.delete(listener);
    },
    () => hold.count > 0,
    () => false,
  );
}

/**
 * A secret shown once (a new token, an invitation link). While one is on screen the session guard
 * keeps the page rather than go to sign-in when the session ends meanwhile (signed out in another
 * tab): the secret would be gone before it could be copied.
 */
const secret: Hold = { count: 0, listeners: new Set() };

/** Marks a secret as on screen while `active`. */
export const useHoldSecret = (active: boolean) => useHold(secret, active);
export const useSecretShown = () => useHeld(secret);

/**
 * A form being filled in (a FormDialog open). While one is, the session guard keeps the page and
 * asks to sign in again over it rather than go to sign-in, which threw away what was typed.
 */
const form: Hold = { count: 0, listeners: new Set() };

/** Marks a form as being filled in while `active`. */
export const useHoldForm = (active: boolean) => useHold(form, active);
export const useFormOpen = () => useHeld(form);
