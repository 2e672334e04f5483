import { pollWhileShown } from '../../app/polling';

/**
 * Usage (lastUsedAt, requestCount, the charts, latest requests) moves on the server with every
 * request made with a key: open pages ask again every 5 s (issue 16: "at most 5 s"), not while the
 * tab is hidden. One query per page, so every part of the page reads the same answer.
 */
export const LIVE_POLL_MS = 5_000;

export const LIVE = pollWhileShown(LIVE_POLL_MS);
