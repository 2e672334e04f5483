import type pg from 'pg';

/** Partitions exist this many days ahead, so that a write never waits for one. */
export const LOG_PARTITION_AHEAD_DAYS = 7;
const DAY_MS = 86_400_000;
/** One maintenance at a time across every instance (pg_advisory_xact_lock key). */
const LOCK_KEY = 0x6c6f6773; // 'logs'
/**
 * How long a partition change waits for its lock. Detaching a partition needs the logs to itself
 * for an instant; behind a long read it gives up and the next run tries again, rather than queue
 * every read and write of the logs behind it.
 */
const LOCK_TIMEOUT = '2s';

const PARTITION = /^usage_log_p(\d{4})(\d{2})(\d{2})$/;

export const utcDay = (t: Date) => new Date(Math.floor(t.getTime() / DAY_MS) * DAY_MS);
const isoDay = (t: Date) => t.toISOString().slice(0, 10);

export type LogPartition = { name: string; from: Date; to: Date };

/** The day partitions of usage_log, oldest first (the default partition is not one of them). */
export async function listLogPartitions(db: pg.Pool | pg.ClientBase): Promise<LogPartition[]> {
  const { rows } = await db.query<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'usage_log'::regclass`,
  );
  return rows
    .flatMap(({ name }) => {
      const m = PARTITION.exec(name);
      if (!m) return [];
      const from = new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`);
      return [{ name, from, to: new Date(from.getTime() + DAY_MS) }];
    })
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** The first day whose logs are all there (those of earlier days were dropped); null if none was. */
export async function logsSince(db: pg.Pool | pg.ClientBase): Promise<Date | null> {
  const { rows } = await db.query<{ since: string }>(`select logs_since::text as since from usage_log_retention`);
  const since = rows[0]?.since;
  return since && since !== '-infinity' ? new Date(`${since}T00:00:00Z`) : null;
}

export type LogMaintenance = { created: string[]; dropped: string[]; failed: string[]; defaultRowsDeleted: number };

/** The oldest instant whose logs are kept: anything older may be dropped. */
export const retentionCutoff = (retentionDays: number, now = new Date()) => new Date(now.getTime() - retentionDays * DAY_MS);

async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('begin');
    // Turns first, then the timeout: another instance's run holds the advisory lock for at most one
    // change, itself bounded by LOCK_TIMEOUT, so waiting for it is bounded too. Under the timeout,
    // waiting behind a run that waits behind a long read gave up on the wrong lock.
    await c.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await c.query(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
    const out = await fn(c);
    await c.query('commit');
    return out;
  } catch (e) {
    await c.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/**
 * Keeps usage_log's partitions: one per UTC day from the retention cutoff to
 * LOG_PARTITION_AHEAD_DAYS ahead (so a backfill or a restore of any day inside the window can be
 * written), and, with `drop`, drops whole the partitions entirely older than the cutoff, and the
 * rows that old in the default partition. Idempotent; any instance may run it at any time (an
 * advisory lock makes concurrent runs take turns). One change per transaction: a change that
 * cannot get its lock in time is reported in `failed` and left to the next run.
 */
export async function maintainLogPartitions(pool: pg.Pool, opts: { retentionDays: number; drop: boolean; now?: Date }): Promise<LogMaintenance> {
  const now = opts.now ?? new Date();
  const cutoff = retentionCutoff(opts.retentionDays, now);
  const out: LogMaintenance = { created: [], dropped: [], failed: [], defaultRowsDeleted: 0 };
  const existing = new Set((await listLogPartitions(pool)).map((p) => p.name));
  const last = utcDay(new Date(now.getTime() + LOG_PARTITION_AHEAD_DAYS * DAY_MS));
  const since = await logsSince(pool);
  const first = since && since > utcDay(cutoff) ? since : utcDay(cutoff);
  for (let day = first; day <= last; day = new Date(day.getTime() + DAY_MS)) {
    const name = `usage_log_p${isoDay(day).replaceAll('-', '')}`;
    if (existing.has(name)) continue;
    try {
      const created = await inTransaction(pool, async (c) => {
        // Writes into the default partition wait while the day's rows move out of it (reads go on):
        // one committed between the move and the ATTACH failed it ("would be violated by some
        // row"), and with it the whole run, retention included, for as long as that day had traffic.
        await c.query('lock table usage_log_default in exclusive mode');
        return (await c.query<{ name: string | null }>('select keyring_log_partition($1::date) as name', [isoDay(day)])).rows[0].name;
      });
      if (created) out.created.push(created);
    } catch (e) {
      if (!isLockTimeout(e)) throw e;
      out.failed.push(name);
    }
  }
  if (!opts.drop) return out;
  for (const p of await listLogPartitions(pool)) {
    if (p.to > cutoff) break;
    try {
      await inTransaction(pool, async (c) => {
        // Checked again under the lock: another instance may have dropped it meanwhile.
        if (!(await c.query('select to_regclass($1) as r', [p.name])).rows[0].r) return;
        await c.query(`alter table usage_log detach partition "${p.name}"`);
        await c.query(`drop table "${p.name}"`);
        await c.query('update usage_log_retention set logs_since = greatest(logs_since, $1::date)', [isoDay(p.to)]);
        out.dropped.push(p.name);
      });
    } catch (e) {
      if (!isLockTimeout(e)) throw e;
      out.failed.push(p.name);
    }
  }
  // The default partition holds only what no day partition was there for: few rows, deleted by row.
  // Past this, no log before the cutoff's day is left.
  try {
    out.defaultRowsDeleted = await inTransaction(pool, async (c) => {
      const deleted = await c.query('delete from usage_log_default where created_at < $1', [cutoff]);
      await c.query('update usage_log_retention set logs_since = greatest(logs_since, $1::date)', [isoDay(utcDay(cutoff))]);
      return deleted.rowCount ?? 0;
    });
  } catch (e) {
    if (!isLockTimeout(e)) throw e;
    out.failed.push('usage_log_default');
  }
  return out;
}

/** SQLSTATE 55P03 lock_not_available: lock_timeout ran out. */
const isLockTimeout = (e: unknown) => (e as { code?: unknown })?.code === '55P03';
