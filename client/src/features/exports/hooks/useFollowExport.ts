import { skipToken, useQuery, useSubscription } from '@apollo/client/react';
import { useState } from 'react';
import { ExportDetailQuery, ExportProgressSubscription } from '../documents';

const POLL_MS = 2000;

/**
 * Keeps a running export's row in the cache up to date, for every page that shows it: each
 * progress event carries the export, which the cache merges by its id. If the WebSocket cannot be
 * used (a proxy that drops it), asks for the export now and then instead.
 */
export function useFollowExport(id: string, running: boolean) {
  const [polling, setPolling] = useState(false);
  useSubscription(ExportProgressSubscription, running ? { variables: { id }, onError: () => setPolling(true) } : skipToken);
  useQuery(ExportDetailQuery, running && polling ? { variables: { id }, pollInterval: POLL_MS, fetchPolicy: 'network-only' } : skipToken);
}
