import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { badInput, notFound } from '../../errors.js';
import { type DateRange, dateRangeWhere } from '../../lib/date-range.js';
import { isUuid } from '../../lib/ids.js';
import { escapeLike } from '../../lib/sql.js';
import { UsageLog } from './usage-log.entity.js';

export type UsageLogFilter = DateRange & {
  apiKeyId?: string | null;
  statusCode?: number | null;
  /** 2, 4 or 5: every 2xx, 4xx or 5xx status */
  statusClass?: number | null;
  /** GET, POST, PATCH, PUT or DELETE */
  method?: string | null;
  /** A path and everything under it: `/emails` is /emails, /emails/batch and /emails/:id; `/graphql` every operation */
  endpoint?: string | null;
};

export const LOG_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;

/** Whether an endpoint filter is well formed: a path of at most 300 characters. */
export const isEndpointFilter = (v: string) => v.startsWith('/') && v.length <= 300 && !/\s/.test(v);

/**
 * What an endpoint filter matches, for the ORM and for the export's SQL alike: the path itself
 * (without a trailing slash), and LIKE patterns for anything below it and, for /graphql, each
 * operation logged as "/graphql Name".
 */
export function endpointMatch(endpoint: string): { path: string; below: [string, string] } {
  const path = endpoint.replace(/\/+$/, '') || '/';
  return { path, below: [`${escapeLike(path)}/%`, `${escapeLike(path)} %`] };
}

const NO_MATCH = '00000000-0000-0000-0000-000000000000';

/** The team's logs matching a filter; another team's key id simply matches nothing. */
export function usageLogWhere(teamId: string, filter?: UsageLogFilter | null): FilterQuery<UsageLog> {
  filter ??= {}; // `filter: null` is as good as none
  const where: FilterQuery<UsageLog> & Record<string, unknown> = { teamId };
  if (filter.apiKeyId) where.apiKeyId = isUuid(filter.apiKeyId) ? filter.apiKeyId : NO_MATCH;
  if (filter.statusCode !== undefined && filter.statusCode !== null) {
    if (!Number.isInteger(filter.statusCode) || filter.statusCode < 100 || filter.statusCode > 599) {
      throw badInput('statusCode', 'Status code must be between 100 and 599.');
    }
    where.statusCode = filter.statusCode;
  } else if (filter.statusClass !== undefined && filter.statusClass !== null) {
    if (![1, 2, 3, 4, 5].includes(filter.statusClass)) throw badInput('statusClass', 'Status class must be 1 to 5 (as in 2xx, 4xx, 5xx).');
    where.statusCode = { $gte: filter.statusClass * 100, $lte: filter.statusClass * 100 + 99 };
  }
  if (filter.method) {
    if (!(LOG_METHODS as readonly string[]).includes(filter.method)) throw badInput('method', `Method must be one of ${LOG_METHODS.join(', ')}.`);
    where.method = filter.method;
  }
  if (filter.endpoint) {
    if (!isEndpointFilter(filter.endpoint)) throw badInput('endpoint', 'Endpoint must be a path like /emails (at most 300 characters).');
    const { path, below } = endpointMatch(filter.endpoint);
    where.$or = [{ endpoint: path }, ...below.map((pattern) => ({ endpoint: { $like: pattern } }))];
  }
  const createdAt = dateRangeWhere(filter);
  if (createdAt) where.createdAt = createdAt;
  return where;
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
