import type { EntityManager } from '@mikro-orm/postgresql';
import { escapeLiteral } from 'pg';
import { z } from 'zod';
import { AppError, badInput, ErrorCode } from '../../errors.js';
import { isUuid } from '../../lib/ids.js';
import { escapeLike, SEARCH_MAX, searchPattern } from '../../lib/sql.js';
import { ApiKey, EXPIRING_SOON_DAYS, INACTIVE_AFTER_DAYS } from '../api-key/api-key.entity.js';
import { EMAIL_STATUSES } from '../email/email.entity.js';
import type pg from 'pg';
import { type Bind, isEndpointFilter, LOG_METHODS, logConditions, type UsageLogFilter } from '../usage-log/usage-log.query.js';
import { listLogPartitions } from '../usage-log/usage-log.partitions.js';
import { ExportResource } from './export.entity.js';

// Every value reaching SQL here has been validated by a schema below (uuid, ISO date, enum,
// integer) and is still quoted with escapeLiteral: COPY takes no bind parameters.
const lit = (v: string) => escapeLiteral(v);

const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time, like 2026-01-31T00:00:00Z' });
const dateRange = { from: isoDate.optional(), to: isoDate.optional() };

const schemas = {
  [ExportResource.EMAILS]: z.strictObject({
    ...dateRange,
    status: z.enum(EMAIL_STATUSES).optional(),
    apiKeyId: z.string().optional(),
    search: z.string().max(SEARCH_MAX).optional(),
  }),
  [ExportResource.BROADCASTS]: z.strictObject({ ...dateRange, status: z.enum(['draft', 'sent']).optional(), search: z.string().max(SEARCH_MAX).optional() }),
  [ExportResource.CONTACTS]: z.strictObject({ ...dateRange, unsubscribed: z.boolean().optional(), search: z.string().max(SEARCH_MAX).optional() }),
  [ExportResource.DOMAINS]: z.strictObject({ ...dateRange }),
  [ExportResource.LOGS]: z.strictObject({
    ...dateRange,
    apiKeyId: z.string().optional(),
    statusCode: z.number().int().min(100).max(599).optional(),
    statusClass: z.number().int().min(1).max(5).optional(),
    method: z.enum(LOG_METHODS).optional(),
    endpoint: z.string().refine(isEndpointFilter, 'must be a path like /emails (at most 300 characters)').optional(),
  }),
  [ExportResource.API_KEYS]: z.strictObject({
    ...dateRange,
    permission: z.enum(['FULL_ACCESS', 'SENDING_ACCESS']).optional(),
    usageStatus: z.enum(['NEVER_USED', 'ACTIVE', 'INACTIVE']).optional(),
    expiringSoon: z.boolean().optional(),
    enabled: z.boolean().optional(),
    search: z.string().max(SEARCH_MAX).optional(),
  }),
} satisfies Record<ExportResource, z.ZodType>;

export type ExportFilters = Record<string, string | number | boolean>;

/** Validates the filters of a resource: unknown filters, bad values and reversed ranges are refused. */
export async function parseFilters(em: EntityManager, teamId: string, resource: ExportResource, raw: unknown): Promise<ExportFilters> {
  const input = raw ?? {};
  const parsed = schemas[resource].safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.path.length === 0 && issue.code !== 'unrecognized_keys') {
      throw new AppError(ErrorCode.BAD_USER_INPUT, 'Filters must be an object of filter names and values, like { "from": "2026-01-01T00:00:00Z" }.', { field: 'filters' });
    }
    const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path.map(String).join('.');
    const message =
      issue.code === 'unrecognized_keys'
        ? `Unknown filter "${key}" for ${resource}. Allowed: ${Object.keys(schemas[resource].shape).join(', ')}.`
        : `Filter "${key}" ${issue.message}`;
    throw new AppError(ErrorCode.BAD_USER_INPUT, message, { field: `filters.${key}` });
  }
  const f = parsed.data as ExportFilters;
  if (typeof f.from === 'string' && typeof f.to === 'string' && Date.parse(f.from) > Date.parse(f.to)) {
    throw badInput('filters.from', 'The date range starts after it ends: "from" must be before "to".');
  }
  if (typeof f.apiKeyId === 'string') {
    const key = isUuid(f.apiKeyId) ? await em.count(ApiKey, { id: f.apiKeyId, team: teamId }) : 0;
    // Keys deleted since keep their logs: accept an id the team's rollups count requests of too.
    const logged =
      key ||
      (isUuid(f.apiKeyId) &&
        (await em.getConnection().execute('select 1 from usage_rollup where team_id = ? and api_key_id = ? limit 1', [teamId, f.apiKeyId])).length);
    if (!logged) throw badInput('filters.apiKeyId', 'API key not found.');
  }
  return f;
}

const range = (column: string, f: ExportFilters) =>
  [
    typeof f.from === 'string' ? `${column} >= ${lit(f.from)}::timestamptz` : '',
    typeof f.to === 'string' ? `${column} <= ${lit(f.to)}::timestamptz` : '',
  ].filter(Boolean);

/** As the services' `search` filters: part of any of the columns, any case, wildcards literal. */
const searchCondition = (search: string, columns: string[]) => {
  const pattern = searchPattern(search);
  return pattern ? `(${columns.map((c) => `${c} ilike ${lit(pattern)}`).join(' or ')})` : '';
};

const where = (conditions: string[]) => conditions.filter(Boolean).join(' and ');
const cell = (expr: string) => `keyring_csv_cell(${expr})`;
const iso = (expr: string) => `keyring_iso(${expr})`;
const list = (expr: string) => cell(`(select string_agg(x, ', ') from jsonb_array_elements_text(${expr}) as x)`);

/**
 * The SELECT whose rows become the CSV, newest first, with columns named as in the REST API.
 * ORDER BY names the table's columns: a bare `created_at` would mean the ISO text column of
 * the output, which no index can serve (a sort of every row instead of an index scan).
 */
export function exportQuery(resource: ExportResource, teamId: string, f: ExportFilters): string {
  const team = lit(teamId);
  switch (resource) {
    case ExportResource.EMAILS:
      return `select id, ${cell('"from"')} as "from", ${list('"to"')} as "to", ${list('cc')} as cc, ${list('bcc')} as bcc,
                     ${list('reply_to')} as reply_to, ${cell('subject')} as subject, status as last_event,
                     ${iso('created_at')} as created_at, ${iso('sent_at')} as sent_at, api_key_id
                from email
               where ${where([`team_id = ${team}`, ...range('created_at', f), typeof f.status === 'string' ? `status = ${lit(f.status)}` : '', typeof f.apiKeyId === 'string' ? `api_key_id = ${lit(f.apiKeyId)}` : '', typeof f.search === 'string' ? searchCondition(f.search, ['subject', '"from"', '"to"::text']) : ''])}
               order by email.created_at desc, email.id desc`;
    case ExportResource.LOGS:
      return logsExportQuery(teamId, f);
    case ExportResource.API_KEYS: {
      const usage =
        f.usageStatus === 'NEVER_USED'
          ? 'k.last_used_at is null'
          : f.usageStatus === 'ACTIVE'
            ? `k.last_used_at >= now() - ${INACTIVE_AFTER_DAYS} * interval '1 day'`
            : f.usageStatus === 'INACTIVE'
              ? `k.last_used_at < now() - ${INACTIVE_AFTER_DAYS} * interval '1 day'`
              : '';
      return `select k.id, ${cell('k.name')} as name, lower(k.permission::text) as permission, k.domain_id, d.name as domain,
                     ${iso('k.created_at')} as created_at, ${iso('k.last_used_at')} as last_used_at, k.request_count,
                     ${iso('k.expires_at')} as expires_at
                from api_key k left join domain d on d.id = k.domain_id
               where ${where([
                 `k.team_id = ${team}`,
                 ...range('k.created_at', f),
                 typeof f.permission === 'string' ? `k.permission = ${lit(f.permission)}` : '',
                 usage,
                 f.expiringSoon === true ? `k.expires_at > now() and k.expires_at <= now() + ${EXPIRING_SOON_DAYS} * interval '1 day'` : '',
                 f.enabled === true ? 'k.enabled' : f.enabled === false ? 'not k.enabled' : '',
                 typeof f.search === 'string' && f.search.trim()
                   ? `(k.name ilike ${lit(`%${escapeLike(f.search.trim())}%`)} or k.token_start like ${lit(`${escapeLike(f.search.trim())}%`)})`
                   : '',
               ])}
               order by k.created_at desc, k.id desc`;
    }
    case ExportResource.DOMAINS:
      return `select id, name, region, status, ${iso('created_at')} as created_at
                from domain where ${where([`team_id = ${team}`, ...range('created_at', f)])}
               order by domain.created_at desc, domain.id desc`;
    case ExportResource.CONTACTS:
      return `select id, ${cell('email')} as email, ${cell('first_name')} as first_name, ${cell('last_name')} as last_name,
                     unsubscribed::text as unsubscribed, ${iso('created_at')} as created_at
                from contact
               where ${where([
                 `team_id = ${team}`,
                 ...range('created_at', f),
                 typeof f.unsubscribed === 'boolean' ? `unsubscribed = ${f.unsubscribed}` : '',
                 typeof f.search === 'string' ? searchCondition(f.search, ['email', 'first_name', 'last_name']) : '',
               ])}
               order by contact.created_at desc, contact.id desc`;
    case ExportResource.BROADCASTS:
      return `select id, ${cell('name')} as name, ${cell('"from"')} as "from", ${cell('subject')} as subject, status,
                     ${iso('created_at')} as created_at
                from broadcast
               where ${where([
                 `team_id = ${team}`,
                 ...range('created_at', f),
                 typeof f.status === 'string' ? `status = ${lit(f.status)}` : '',
                 typeof f.search === 'string' ? searchCondition(f.search, ['name', 'subject']) : '',
               ])}
               order by broadcast.created_at desc, broadcast.id desc`;
  }
}

/** Values as quoted literals: COPY takes no bind parameters. */
const literal: Bind = (v, type) => `${lit(String(v))}::${type}`;

/** The export's (validated) filters as the Logs page's, for the one definition of their SQL. */
function logFilter(f: ExportFilters): UsageLogFilter {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const number = (v: unknown) => (typeof v === 'number' ? v : undefined);
  return {
    apiKeyId: text(f.apiKeyId),
    statusCode: number(f.statusCode),
    statusClass: number(f.statusClass),
    method: text(f.method),
    endpoint: text(f.endpoint),
    from: typeof f.from === 'string' ? new Date(f.from) : undefined,
    to: typeof f.to === 'string' ? new Date(f.to) : undefined,
  };
}

/** A LOGS export's SELECT, of the whole range or only of [slice.from, slice.to). */
function logsExportQuery(teamId: string, f: ExportFilters, slice: { from?: Date; to?: Date } = {}): string {
  const { conditions } = logConditions(teamId, logFilter(f), literal);
  if (slice.from) conditions.push(`created_at >= ${literal(slice.from.toISOString(), 'timestamptz')}`);
  if (slice.to) conditions.push(`created_at < ${literal(slice.to.toISOString(), 'timestamptz')}`);
  return `select id, ${iso('created_at')} as created_at, method, ${cell('endpoint')} as endpoint, status_code as response_status,
                 ${cell('user_agent')} as user_agent, duration_ms, api_key_id, ${cell('api_key_name')} as api_key_name
            from usage_log
           where ${where(conditions)}
           order by usage_log.created_at desc, usage_log.id desc`;
}

/**
 * The SELECTs whose rows, one after the other, become the CSV. Logs are read a day partition at a
 * time, newest first (and what the default partition holds beyond them): each statement sorts one
 * day at most, and holds its locks only while it runs, so that retention can drop a day in
 * between instead of waiting for the whole export.
 */
export async function exportQueries(db: pg.Pool | pg.ClientBase, resource: ExportResource, teamId: string, f: ExportFilters): Promise<string[]> {
  if (resource !== ExportResource.LOGS) return [exportQuery(resource, teamId, f)];
  const bounds = new Set<number>();
  for (const p of await listLogPartitions(db)) bounds.add(p.from.getTime()).add(p.to.getTime());
  const from = typeof f.from === 'string' ? Date.parse(f.from) : -Infinity;
  const to = typeof f.to === 'string' ? Date.parse(f.to) : Infinity;
  // Newest first: [last bound, ∞), the days between bounds (a missing day included), (-∞, first bound).
  const edges = [Infinity, ...[...bounds].sort((a, b) => b - a), -Infinity];
  const slices: string[] = [];
  for (let i = 0; i < edges.length - 1; i++) {
    const [hi, lo] = [edges[i], edges[i + 1]];
    if (hi <= from || lo > to) continue;
    slices.push(logsExportQuery(teamId, f, { from: Number.isFinite(lo) ? new Date(lo) : undefined, to: Number.isFinite(hi) ? new Date(hi) : undefined }));
  }
  return slices;
}
