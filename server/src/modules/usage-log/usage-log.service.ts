import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { badInput, notFound } from '../../errors.js';
import { isUuid } from '../../lib/ids.js';
import { UsageLog } from './usage-log.entity.js';
import { findLogPage, type LogPosition, logConditions, parameters, type UsageLogFilter } from './usage-log.query.js';

export { isEndpointFilter, LOG_METHODS, type UsageLogFilter } from './usage-log.query.js';

/** Refuses a bad filter, naming the field, before anything runs. */
export function checkLogFilter(teamId: string, filter: UsageLogFilter | null | undefined): void {
  logConditions(teamId, filter, parameters().bind);
}

export type UsageLogPage = { logs: { log: UsageLog; position: LogPosition }[]; hasMore: boolean; next: LogPosition | null; searchedUntil: Date | null };

/**
 * A page of the team's logs matching a filter (see findLogPage), as entities. `bounded`: a search
 * no index serves stops after a budget of logs read and says how far it got (the Logs page);
 * REST lists read on until the page is full.
 */
export async function listUsageLogs(
  em: EntityManager,
  db: pg.Pool,
  teamId: string,
  filter: UsageLogFilter | null | undefined,
  opts: { limit: number; after?: LogPosition | null; direction?: 'older' | 'newer'; bounded: boolean },
): Promise<UsageLogPage> {
  const page = await findLogPage(db, teamId, filter, opts);
  return {
    logs: page.rows.map(({ at, error_name, error_message, ...row }) => {
      const log = em.map(UsageLog, row);
      log.listedError = { name: error_name, message: error_message };
      return { log, position: { at, id: row.id } };
    }),
    hasMore: page.hasMore,
    next: page.next,
    searchedUntil: page.searchedUntil,
  };
}

/**
 * How far back the team's logs go: the retention setting, and the first UTC day with logs still
 * kept — from the rollups (index-only), not a look at every partition.
 */
export async function logRetention(db: pg.Pool, teamId: string, days: number): Promise<{ days: number; oldestAt: Date | null }> {
  const { rows } = await db.query<{ oldest: Date | null }>(
    `select min(day)::timestamp at time zone 'UTC' as oldest from usage_rollup
      where team_id = $1 and day >= (select logs_since from usage_log_retention)`,
    [teamId],
  );
  return { days, oldestAt: rows[0]?.oldest ?? null };
}

export async function getUsageLog(em: EntityManager, teamId: string, id: string): Promise<UsageLog> {
  const log = isUuid(id) ? await em.findOne(UsageLog, { id, teamId }, { populate: ['requestBody', 'responseBody'] }) : null;
  if (!log) throw notFound('Log');
  return log;
}

export type UsageBucket = { date: string; requests: number; errors: number };

/** The most days `ApiKey.usage(days)` covers; more is BAD_USER_INPUT naming `days`. */
export const USAGE_MAX_DAYS = 90;

export function checkUsageDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > USAGE_MAX_DAYS) throw badInput('days', `days must be between 1 and ${USAGE_MAX_DAYS}.`);
  return days;
}

/**
 * Requests and errors (4xx and 5xx) per UTC day for each of a team's keys, oldest first, days
 * without use included: one statement for all the keys (the ApiKey.usage DataLoader batches a
 * request's keys into it), reading the rollups — one row per key and day at most, however many
 * requests, and still there once retention has dropped the logs.
 */
export async function usageByDayForKeys(em: EntityManager, teamId: string, apiKeyIds: readonly string[], days: number): Promise<Map<string, UsageBucket[]>> {
  checkUsageDays(days);
  const result = new Map<string, UsageBucket[]>(apiKeyIds.map((id) => [id, []]));
  if (apiKeyIds.length === 0) return result;
  // One array parameter (knex would spread a JS array into a list of them); ids come from key rows.
  const ids = `{${apiKeyIds.filter(isUuid).join(',')}}`;
  const rows = await em.getConnection().execute<{ api_key_id: string; date: string; requests: number; errors: number }[]>(
    `select k.id as api_key_id, to_char(d.day, 'YYYY-MM-DD') as date,
            coalesce(r.requests, 0) as requests, coalesce(r.status_4xx + r.status_5xx, 0) as errors
       from unnest(?::uuid[]) as k(id)
      cross join generate_series((now() at time zone 'UTC')::date - (?::int - 1), (now() at time zone 'UTC')::date, interval '1 day') as d(day)
       left join usage_rollup r on r.team_id = ? and r.api_key_id = k.id and r.day = d.day::date
      order by k.id, d.day`,
    [ids, days, teamId],
  );
  for (const r of rows) result.get(r.api_key_id)?.push({ date: r.date, requests: Number(r.requests), errors: Number(r.errors) });
  return result;
}

/** Requests and errors per UTC day for one key (see usageByDayForKeys). */
export async function usageByDay(em: EntityManager, teamId: string, apiKeyId: string, days: number): Promise<UsageBucket[]> {
  return (await usageByDayForKeys(em, teamId, [apiKeyId], days)).get(apiKeyId) ?? [];
}
