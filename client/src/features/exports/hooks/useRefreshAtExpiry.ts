import { useApolloClient } from '@apollo/client/react';
import { useEffect } from 'react';
import { ExportDetailQuery } from '../documents';

/** setTimeout's longest delay (about 24.8 days); a longer wait is re-armed. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** Asked again this long after the expiry, and as often while the server still says READY (a clock behind). */
const AFTER_MS = 1000;
const RETRY_MS = 30_000;

/**
 * A READY export turns EXPIRED at `expiresAt` on the server (the download then answers 410), but
 * nothing tells an open page: asks for the export again once its expiry has passed, so that every
 * page showing it (its own, the Exports list) says Expired and offers no download.
 */
export function useRefreshAtExpiry(exp: { id: string; status: string; expiresAt?: string | null } | null | undefined) {
  const client = useApolloClient();
  const id = exp?.id;
  const expiresAt = exp?.status === 'READY' ? exp.expiresAt : null;
  useEffect(() => {
    if (!id || !expiresAt) return;
    const at = Date.parse(expiresAt);
    if (Number.isNaN(at)) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const arm = (delay: number) => {
      timer = setTimeout(check, Math.min(Math.max(delay, 0), MAX_DELAY_MS));
    };
    const check = () => {
      if (stopped) return;
      const left = at + AFTER_MS - Date.now();
      if (left > 0) return arm(left);
      client
        .query({ query: ExportDetailQuery, variables: { id }, fetchPolicy: 'network-only' })
        .catch(() => undefined)
        // Still READY here (this clock ahead of the server's, or the request failed): ask again later.
        // Once EXPIRED the status changes and this effect ends.
        .finally(() => !stopped && arm(RETRY_MS));
    };
    arm(at + AFTER_MS - Date.now());
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, id, expiresAt]);
}
