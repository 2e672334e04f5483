/**
 * A long-running watcher: follows every PROCESSING export of the team over the WebSocket and
 * prints its progress, then its outcome (READY with the download URL, or FAILED with the reason).
 * When the server restarts it reconnects with exponential backoff and resumes following every
 * export still PROCESSING; new exports are found by listing them every --poll-seconds.
 *
 *   KEYRING_URL=http://localhost:4000 KEYRING_API_KEY=re_… pnpm --filter @keyring/examples watch-exports
 *
 * One line per event on stdout, each starting with an ISO-8601 time. Stops on SIGINT/SIGTERM
 * (exit 0); exits 1 when the key is refused, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { graphql } from './gql/index.js';
import type { WatchExports_ExportFragment, WatchExportsPageQuery } from './gql/graphql.js';
import { connect, KeyringError, optionsFromEnv, reportFailure, request, subscribe, UsageError } from './keyring.js';

// The fields every event of this script reads.
graphql(`
  fragment WatchExports_export on Export {
    id
    resource
    status
    processedRows
    estimatedRowCount
    rowCount
    fileSizeBytes
    downloadUrl
    error
  }
`);

const ExportsPage = graphql(`
  query WatchExportsPage($after: String) {
    exports(filter: { status: PROCESSING }, first: 100, after: $after) {
      edges {
        node {
          ...WatchExports_export
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const ExportProgress = graphql(`
  subscription WatchExportsProgress($id: ID!) {
    exportProgress(id: $id) {
      ...WatchExports_export
    }
  }
`);

/** Refusals that waiting will not cure: the watcher stops on them instead of retrying. */
const FATAL = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rows = (n: number) => n.toLocaleString('en-US');

function progressText(exp: WatchExports_ExportFragment): string {
  const total = exp.rowCount ?? exp.estimatedRowCount;
  if (!total) return `${rows(exp.processedRows)} rows`;
  const pct = Math.min(100, Math.floor((100 * exp.processedRows) / total));
  return `${pct}% (${rows(exp.processedRows)}/${exp.rowCount === null || exp.rowCount === undefined ? '~' : ''}${rows(total)} rows)`;
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number of seconds.`);
  return n * 1000;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      'poll-seconds': { type: 'string', default: '10' },
      'max-backoff-seconds': { type: 'string', default: '30' },
    },
  });
  const pollMs = positive('poll-seconds', values['poll-seconds']);
  const maxBackoffMs = positive('max-backoff-seconds', values['max-backoff-seconds']);
  const opts = optionsFromEnv();
  /** Exponential backoff with jitter (0.5 s, 1 s, 2 s … up to the maximum), so restarted servers are not stampeded. */
  const backoff = (attempt: number) => Math.min(maxBackoffMs, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);

  let stopping = false;
  let connected = false;
  let wake: () => void = () => undefined;
  /** Sleeps until the next poll, or until something (a reconnection, a signal) wants a scan at once. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  // graphql-ws re-sends every active subscription once it reconnects; exportProgress answers with
  // the export's current state first, so a follower resumes where the server is now.
  const ws = connect(opts, {
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => !stopping,
    retryWait: async (retries) => {
      const ms = backoff(retries);
      log(`reconnecting in ${(ms / 1000).toFixed(1)} s`);
      await sleep(ms);
    },
    on: {
      connected: (_socket, _payload, wasRetry) => {
        connected = true;
        if (!wasRetry) return;
        log('reconnected');
        // Exports created while the connection was down are found at once rather than at the next poll.
        wake();
      },
      closed: (event) => {
        const code = typeof event === 'object' && event !== null && 'code' in event ? event.code : undefined;
        // One line when a live connection drops (1001: the server is going away), none per failed
        // attempt after it, nor for 1000: graphql-ws closing an idle connection (nothing to follow).
        if (connected && !stopping && code !== 1000) log(`disconnected (${String(code)})`);
        connected = false;
      },
    },
  });

  const following = new Set<string>();
  const follow = async (first: WatchExports_ExportFragment) => {
    following.add(first.id);
    log(`following ${first.id} ${first.resource} ${progressText(first)}`);
    let lastLine = Date.now();
    try {
      for await (const { exportProgress: exp } of subscribe(ws, ExportProgress, { id: first.id })) {
        if (exp.status === 'PROCESSING') {
          // At most a line a second per export: progress comes up to four times a second.
          if (Date.now() - lastLine >= 1000) {
            lastLine = Date.now();
            log(`${exp.id} ${progressText(exp)}`);
          }
        } else if (exp.status === 'READY') {
          log(`${exp.id} READY ${rows(exp.rowCount ?? exp.processedRows)} rows, ${rows(exp.fileSizeBytes ?? 0)} bytes ${exp.downloadUrl ?? ''}`.trimEnd());
        } else {
          log(`${exp.id} ${exp.status}${exp.error ? `: ${exp.error}` : ''}`);
        }
      }
    } catch (e) {
      log(`${first.id} cannot be followed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      following.delete(first.id);
    }
  };

  /** Lists the team's PROCESSING exports and follows the ones not followed yet. */
  const scan = async () => {
    let after: string | null = null;
    do {
      const page: WatchExportsPageQuery = await request(opts, ExportsPage, { after });
      for (const { node } of page.exports.edges) {
        if (!following.has(node.id)) void follow(node);
      }
      after = page.exports.pageInfo.hasNextPage ? (page.exports.pageInfo.endCursor ?? null) : null;
    } while (after);
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    log('stopping');
    wake();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  log(`watching exports on ${opts.url}`);
  let failures = 0;
  while (!stopping) {
    try {
      await scan();
      if (failures > 0) log('server reachable again');
      failures = 0;
      await pause(pollMs);
    } catch (e) {
      if (e instanceof KeyringError && FATAL.has(e.code)) {
        stopping = true;
        await ws.dispose();
        throw e;
      }
      const ms = backoff(failures++);
      // fetch reports a refused connection as "fetch failed" with the reason as its cause.
      const reason = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
      log(`cannot list exports (${reason}); retrying in ${(ms / 1000).toFixed(1)} s`);
      await pause(ms);
    }
  }
  await ws.dispose();
}

main().catch(reportFailure);
