import { useSyncExternalStore } from 'react';

/**
 * Whether the app's WebSocket is connected now. While it is not (connecting, or retrying after a
 * drop: graphql-ws waits 1, 2, 4, 8 and 16 s between its five tries), subscriptions deliver
 * nothing, and what they follow is asked for over HTTP instead.
 */
let connected = false;
const listeners = new Set<() => void>();
const set = (value: boolean) => {
  if (connected === value) return;
  connected = value;
  for (const l of listeners) l();
};

/** graphql-ws's `on` listeners for the app's client. */
export const socketEvents = { connected: () => set(true), closed: () => set(false) };

export function useSocketConnected(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => connected,
    () => false,
  );
}
