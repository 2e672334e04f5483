import { skipToken, useQuery, useSubscription } from '@apollo/client/react';
import { useState } from 'react';
import { useSocketConnected } from '../../../app/socket-status';
import { ExportDetailQuery, ExportProgressSubscription } from '../documents';

const POLL_MS = 2000;

/**
 * Keeps a running export's row in the cache up to date, for every page that shows it: each
 * progress event carries the export, which the cache merges by its id. While the WebSocket is not
 * connected (connecting, retrying after a drop, or a proxy that drops it: its retries took 40 s
 * before the subscription failed, the page reading Processing all along), or once the subscription
 * failed, asks for the export now and then instead. A subscription that connects again is told
 * the export as it is at once.
 */
export function useFollowExport(id: string, running: boolean) {
  const [failed, setFailed] = useState(false);
  const connected = useSocketConnected();
  useSubscription(ExportProgressSubscription, running ? { variables: { id }, onError: () => setFailed(true) } : skipToken);
  const polling = running && (failed || !connected);
  useQuery(ExportDetailQuery, polling ? { variables: { id }, pollInterval: POLL_MS, fetchPolicy: 'network-only' } : skipToken);
}
