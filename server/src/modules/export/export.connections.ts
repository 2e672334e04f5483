import pg from 'pg';
import { DEFAULT_TIMEOUTS, pgOptions } from '../../db/connection.js';
import { guardPool, type PoolOptions } from '../../db/pool.js';
import { rateLimited } from '../../errors.js';
import { TeamTurns } from './team-turns.js';

/** Small exports written during requests at once per instance (more wait for a free pair of connections). */
export const INLINE_EXPORT_SLOTS = 2;
/**
 * The small exports one team may write at once on an instance: half of INLINE_EXPORT_SLOTS
 * (rounded up). With no share, one team's burst of small exports queued ahead of every other
 * team's for the instance's connections: another team's one-row export waited 4.3 s behind 60 of
 * them, and until EXPORT_CONNECTION_WAIT_MS then RATE_LIMITED behind exports stuck on a lock.
 */
export const INLINE_TEAM_SHARE = Math.ceil(INLINE_EXPORT_SLOTS / 2);
/**
 * How long a small export still being written when the instance stops taking requests may go on
 * before its statements are cancelled (its request is then answered 503). One that is not stuck
 * takes well under a second, and Apollo's drain cuts requests still running after 10 s.
 */
export const INLINE_STOP_GRACE_MS = 2000;
/** How long an export waits for its connections before it fails with a retry hint. */
export const EXPORT_CONNECTION_WAIT_MS = 30_000;
const BUSY_RETRY_SECONDS = 5;

/**
 * The connections exports write with. Each export needs two at once — one streams the COPY while
 * the other inserts the chunks — so they come from two pools of the same size: an export takes its
 * COPY connection first, and only holders of one ask the writer pool, which therefore always has
 * one for each of them (no two exports can each hold half of what they need). Small exports,
 * written during the request, and background jobs have a pair each, so neither waits for the
 * other. Bounded: 2 × (INLINE_EXPORT_SLOTS + EXPORT_CONCURRENCY) per instance; unpooled, ten
 * small exports at once took the database from 12 to 34 connections.
 */
export type ConnectionPair = { copy: pg.Pool; write: pg.Pool };
export type ExportPools = { inline: ConnectionPair; background: ConnectionPair };

const pair = (url: string, max: number, opts: PoolOptions): ConnectionPair => {
  // No statement timeout: a COPY of a large export runs for as long as it takes.
  const options = {
    ...pgOptions(url, { ...(opts.timeouts ?? DEFAULT_TIMEOUTS), statementTimeoutMs: 0 }),
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: EXPORT_CONNECTION_WAIT_MS,
  };
  return { copy: guardPool(new pg.Pool(options), 'export-copy', opts), write: guardPool(new pg.Pool(options), 'export-write', opts) };
};

export function createExportPools(url: string, concurrency: number, opts: PoolOptions = {}): ExportPools {
  return { inline: pair(url, INLINE_EXPORT_SLOTS, opts), background: pair(url, concurrency, opts) };
}

export async function endExportPools(pools: ExportPools): Promise<void> {
  await Promise.all([pools.inline.copy.end(), pools.inline.write.end(), pools.background.copy.end(), pools.background.write.end()]);
}

/**
 * Runs fn with a COPY connection and a writer connection. Connections that fn leaves in an
 * unknown state (it threw, or called discard after stopping a COPY midway) are closed, not reused.
 */
export async function withExportConnections<T>(
  pools: ConnectionPair,
  fn: (copy: pg.PoolClient, writer: pg.PoolClient, discard: () => void) => Promise<T>,
  /**
   * When `signal` aborts (the instance is stopping), whatever the two connections are running is
   * cancelled through `canceller` (another pool: these two are busy), `graceMs` later (at once by
   * default; counted from the start when it had aborted before). A statement stuck on a lock
   * never reached fn's next check, and shutting down waited for it for ever (a pool ends only once
   * its connections are let go).
   */
  stop?: { signal: AbortSignal; canceller: pg.Pool; graceMs?: number },
): Promise<T> {
  const copy = await connect(pools.copy);
  let writer: pg.PoolClient;
  try {
    writer = await connect(pools.write);
  } catch (e) {
    copy.release();
    throw e;
  }
  const cancel = () => {
    const pids = [copy, writer].map((c) => (c as pg.PoolClient & { processID: number | null }).processID).filter((pid) => pid !== null);
    // A failure leaves the statements to end by themselves, as before; fn's error says the rest.
    stop?.canceller.query('select pg_cancel_backend(pid) from unnest($1::int[]) as pid', [pids]).catch(() => undefined);
  };
  let grace: NodeJS.Timeout | undefined;
  const onStop = () => {
    if (stop?.graceMs) grace = setTimeout(cancel, stop.graceMs);
    else cancel();
  };
  if (stop?.signal.aborted) onStop();
  else stop?.signal.addEventListener('abort', onStop, { once: true });
  let failed: Error | undefined;
  try {
    return await fn(copy, writer, () => {
      failed = new Error('export stopped mid-COPY');
    });
  } catch (e) {
    failed = e instanceof Error ? e : new Error(String(e));
    throw e;
  } finally {
    stop?.signal.removeEventListener('abort', onStop);
    clearTimeout(grace);
    copy.release(failed);
    writer.release(failed);
  }
}

const inlineTurns = new WeakMap<ConnectionPair, TeamTurns>();

/**
 * One of the team's INLINE_TEAM_SHARE turns at the small exports' connections (`pools`), waited
 * for, holding none, as long as a connection is (EXPORT_CONNECTION_WAIT_MS); the function returned
 * gives it back.
 */
export async function inlineTeamTurn(pools: ConnectionPair, teamId: string): Promise<() => void> {
  let turns = inlineTurns.get(pools);
  if (!turns) {
    turns = new TeamTurns();
    inlineTurns.set(pools, turns);
  }
  const turn = await turns.take(teamId, INLINE_TEAM_SHARE, Date.now() + EXPORT_CONNECTION_WAIT_MS);
  if (!turn) throw rateLimited(BUSY_RETRY_SECONDS, 'Your team already has small exports being written on this server: try again in a few seconds.');
  return turn;
}

/** A pooled connection; every one busy for EXPORT_CONNECTION_WAIT_MS is RATE_LIMITED, not a server error. */
async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (e) {
    // pg-pool's words when no connection came free in time.
    if (e instanceof Error && e.message === 'timeout exceeded when trying to connect') {
      throw rateLimited(BUSY_RETRY_SECONDS, 'Every export connection of this server is busy: try again in a few seconds.');
    }
    throw e;
  }
}

/**
 * Takes one of a team's `limit` export slots, held by this connection's session until given back
 * (or until the connection ends, so a crashed instance frees its slots by itself): a PostgreSQL
 * advisory lock per (team, slot), seen by every instance. Null when all of them are taken.
 */
export async function takeTeamSlot(client: pg.PoolClient, teamId: string, limit: number): Promise<string | null> {
  for (let slot = 0; slot < limit; slot++) {
    const key = `keyring-export:${teamId}:${slot}`;
    const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok', [key]);
    if (rows[0].ok) return key;
  }
  return null;
}

export async function giveTeamSlotBack(client: pg.PoolClient, key: string): Promise<void> {
  await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]);
}
