import type { Request } from 'express';
import { badInput } from '../../errors.js';
import type { RestRoute } from '../../rest/http.js';
import { listParams, searchedListBody } from '../../rest/pagination.js';
import { queryDateRange, queryString, withQueryNames } from '../../rest/query.js';
import { getRoute } from '../../rest/resource.js';
import type { UsageLog } from './usage-log.entity.js';
import type { UsageLogFilter } from './usage-log.filter.js';
import { findLogPosition } from './usage-log.query.js';
import { checkLogFilter, getUsageLog, listUsageLogs } from './usage-log.service.js';

const logJson = (log: UsageLog) => ({
  id: log.id,
  created_at: log.createdAt.toISOString(),
  endpoint: log.endpoint,
  method: log.method,
  response_status: log.statusCode,
  user_agent: log.userAgent ?? null,
  api_key_id: log.apiKeyId ?? null,
});

const invalid = (name: string, message: string) => badInput(name, message, 'invalid_parameter');

function statusCodeParam(req: Request, name: string): number | undefined {
  const raw = queryString(req, name);
  if (raw === undefined) return undefined;
  if (!/^\d{3}$/.test(raw)) throw invalid(name, `\`${name}\` must be an HTTP status code, like 422.`);
  return Number(raw);
}

/**
 * The filters of the dashboard's Logs page and of `usageLogs(filter:)`: `api_key_id`, `status_code`
 * (an exact code), `status` (a class like `4xx`, or a code), `method`, `endpoint` (a path and
 * everything under it), `from` and `to` (ISO-8601).
 */
function logFilterParams(req: Request): UsageLogFilter {
  const apiKeyId = queryString(req, 'api_key_id');
  const status = queryString(req, 'status');
  let statusCode = statusCodeParam(req, 'status_code');
  let statusClass: number | undefined;
  if (status !== undefined) {
    if (statusCode !== undefined) throw invalid('status', 'Use either `status` or `status_code`, not both.');
    const cls = /^([1-5])xx$/i.exec(status);
    if (cls) statusClass = Number(cls[1]);
    else if (/^\d{3}$/.test(status)) statusCode = Number(status);
    else throw invalid('status', '`status` must be a status class (2xx, 4xx, 5xx) or a status code, like 422.');
  }
  return { apiKeyId, statusCode, statusClass, method: queryString(req, 'method'), endpoint: queryString(req, 'endpoint'), ...queryDateRange(req) };
}

// The service names the fields as GraphQL does; an error names the parameter that was given.
const filterNames = (req: Request) => ({
  apiKeyId: 'api_key_id',
  statusCode: req.query.status === undefined ? 'status_code' : 'status',
  statusClass: 'status',
});

export const usageLogRoutes: RestRoute[] = [
  {
    method: 'get',
    path: '/logs',
    access: 'full',
    // As every list: newest first, `after` / `before` any of the team's logs. Served like the Logs
    // page: a filter no index serves (two together, a path below a resource) is searched 100,000
    // logs at most (a path matching one log of 400,000 read them all, 125–220 ms; now 38 ms), so it may answer
    // fewer than `limit`, or none, with has_more and next_cursor to go on (searchedListBody).
    async handle(req, ctx) {
      const params = listParams(req);
      const teamId = ctx.key.teamId;
      const filter = logFilterParams(req);
      withQueryNames(filterNames(req), () => checkLogFilter(teamId, filter));
      const anchorId = params.after ?? params.before;
      // Among all the team's logs: a stopped search's next_cursor need not match the filter.
      const after = anchorId ? await findLogPosition(ctx.services.pool, teamId, null, anchorId) : null;
      if (anchorId && !after) throw badInput(params.after ? 'after' : 'before', 'The cursor does not name an item of this list.', 'invalid_parameter');
      const page = await listUsageLogs(ctx.em, ctx.services.pool, teamId, filter, {
        limit: params.limit,
        after,
        direction: params.before ? 'newer' : 'older',
        bounded: true,
        resumeFromLog: true,
      });
      // `before` reads oldest first from its anchor; a page is newest first either way.
      const logs = (params.before ? [...page.logs].reverse() : page.logs).map((l) => l.log);
      // searchedUntil is the next log's, to the microsecond as its cursor holds it.
      const searchedUntil = page.searchedUntil && page.next ? page.next.at : null;
      return { body: searchedListBody(logs.map(logJson), { hasMore: page.hasMore, next: page.next?.id ?? null, searchedUntil }) };
    },
  },
  getRoute('/logs/:id', getUsageLog, (log) => ({
    object: 'log',
    ...logJson(log),
    duration_ms: log.durationMs,
    request_body: log.requestBody ?? null,
    response_body: log.responseBody ?? null,
  })),
];
