import { METHODS } from 'node:http';
import type pg from 'pg';
import { badInput } from '../../errors.js';
import { dateRangeWhere, isStorableDate } from '../../lib/date-range.js';
import { checkFilterId, isUuid } from '../../lib/ids.js';
import { escapeLike } from '../../lib/sql.js';
import { LOG_METHODS, type UsageLogFilter } from './usage-log.filter.js';

export type { UsageLogFilter };

/**
 * A failed request's error name and message, from its logged response body (status 400 or
 * more): a REST error's `name` and `message`, a GraphQL answer's first error's `extensions.code`
 * and `message`; null for a success or a body without them. errorOf is the same for a log in hand.
 */
export const ERROR_NAME_SQL = `case when status_code >= 400 then coalesce(response_body->>'name', response_body#>>'{errors,0,extensions,code}') end`;
export const ERROR_MESSAGE_SQL = `case when status_code >= 400 then coalesce(response_body->>'message', response_body#>>'{errors,0,message}') end`;

export function errorOf(statusCode: number, body: unknown): { name: string | null; message: string | null } {
  const none = { name: null, message: null };
  if (statusCode < 400 || !body || typeof body !== 'object' || Array.isArray(body)) return none;
  const b = body as { name?: unknown; message?: unknown; errors?: { message?: unknown; extensions?: { code?: unknown } }[] };
  const first = Array.isArray(b.errors) ? b.errors[0] : undefined;
  const text = (...vs: unknown[]) => {
    for (const v of vs) if (v !== undefined && v !== null) return typeof v === 'string' ? v : JSON.stringify(v);
    return null;
  };
  return { name: text(b.name, first?.extensions?.code), message: text(b.message, first?.message) };
}

/**
 * Whether an endpoint filter is well formed: a path of at most 300 characters. A space is one:
 * a GraphQL operation's endpoint is "/graphql Name", and a path may be written decoded.
 */
export const isEndpointFilter = (v: string) => v.startsWith('/') && v.length <= 300 && !/[^\S ]/.test(v);

/**
 * An endpoint's first segment ('emails' for /emails/batch, 'graphql' for "/graphql Name"), as
 * usage_log_team_route_time_index holds it: written exactly as the index expression, or the
 * planner does not see that the index serves the query.
 */
const ROUTE = `split_part(split_part(endpoint, ' ', 1), '/', 2)`;

/**
 * A path as HTTP clients send it, and so as its log keeps it: what the WHATWG URL's path
 * percent-encode set encodes (fetch, the resend SDK), in UTF-8; a `%` stays, so a path written
 * encoded is unchanged. Written as a person reads it, /contacts/josé@example.com found nothing,
 * its requests logged as /contacts/jos%C3%A9@example.com.
 */
const asSent = (path: string) =>
  path.replace(/[^\x21-\x7e]|["#<>?`{}]/gu, (c) => [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));

export type EndpointMatch = { path: string; root: string; below: [string, string] };

/**
 * What an endpoint filter matches: the path itself (no trailing slash), anything below it, and for
 * /graphql each operation ("/graphql Name"); the path as written and as clients send it (asSent),
 * one match when they are the same.
 */
export function endpointMatch(endpoint: string): EndpointMatch[] {
  // Spaces after it are no part of a path (pasted with the text around it).
  const written = endpoint.trimEnd().replace(/\/+$/, '') || '/';
  return [...new Set([written, asSent(written)])].map((path) => ({
    path,
    root: path.split(' ')[0].split('/')[1] ?? '',
    below: [`${escapeLike(path)}/%`, `${escapeLike(path)} %`],
  }));
}

/** Puts a value into SQL: a bind parameter for a query, a quoted literal for a COPY (which takes none). */
export type Bind = (value: string | number, type: 'uuid' | 'int' | 'text' | 'timestamptz') => string;

/** Bind parameters $1, $2… collected in `values`. */
export function parameters(): { bind: Bind; values: unknown[] } {
  const values: unknown[] = [];
  return { values, bind: (v, type) => `$${values.push(v)}::${type}` };
}

/**
 * Which of the Logs page's filters a condition set holds, beyond the team and the dates;
 * `endpointRoot`: the endpoint filter names a whole resource (/emails), not a path below one.
 */
export type LogDimensions = { key: boolean; status: boolean; method: boolean; endpoint: boolean; endpointRoot?: boolean };

/**
 * The SQL conditions of a team's logs matching a filter — the one definition for the Logs page,
 * GET /logs and LOGS exports. Refuses bad values naming the filter; another team's key id simply
 * matches nothing.
 */
export function logConditions(teamId: string, filter: UsageLogFilter | null | undefined, bind: Bind): { conditions: string[]; dimensions: LogDimensions } {
  const f = { ...filter };
  const conditions = [`team_id = ${bind(teamId, 'uuid')}`];
  const dimensions: LogDimensions = { key: false, status: false, method: false, endpoint: false };
  checkFilterId('apiKeyId', f.apiKeyId);
  if (f.apiKeyId) {
    conditions.push(`api_key_id = ${bind(f.apiKeyId, 'uuid')}`);
    dimensions.key = true;
  }
  // Every condition given holds, as the input says: a status code and a class (or the deprecated
  // field and its enum, statusClass and responseClass, method and httpMethod) together were the
  // first alone, and { statusCode: 200, responseClass: CLIENT_ERROR } listed 200s.
  if (f.statusCode !== undefined && f.statusCode !== null) {
    if (!Number.isInteger(f.statusCode) || f.statusCode < 100 || f.statusCode > 599) throw badInput('statusCode', 'Status code must be between 100 and 599.');
    conditions.push(`status_code = ${f.statusCode}`);
    dimensions.status = true;
  }
  for (const cls of new Set([f.statusClass, f.responseClass])) {
    if (cls === undefined || cls === null) continue;
    if (![1, 2, 3, 4, 5].includes(cls)) throw badInput('statusClass', 'Status class must be 1 to 5 (as in 2xx, 4xx, 5xx).');
    conditions.push(`status_code between ${cls * 100} and ${cls * 100 + 99}`);
    dimensions.status = true;
  }
  if (f.errorsOnly) {
    conditions.push('status_code >= 400');
    dimensions.status = true;
  }
  for (const method of new Set([f.method, f.httpMethod])) {
    if (!method) continue;
    // Any method a request can be logged with (Node parses only these): HEAD, OPTIONS and the
    // methods answered 405 are logged too, and filtering by one was refused.
    if (!METHODS.includes(method))
      throw badInput('method', `Method must be one of ${LOG_METHODS.join(', ')}, or another HTTP method in capitals (HEAD, OPTIONS…).`);
    // As the column keeps it: 10 characters (UNSUBSCRIBE is logged as UNSUBSCRIB).
    conditions.push(`method = ${bind(method.slice(0, 10), 'text')}`);
    dimensions.method = true;
  }
  if (f.endpoint && !isEndpointFilter(f.endpoint)) throw badInput('endpoint', 'Endpoint must be a path like /emails (at most 300 characters).');
  const endpoint = f.endpoint ? endpointMatch(f.endpoint) : null;
  // `/` is every path, and so no condition: it matched no log (none is made to the root itself).
  if (endpoint && endpoint[0].path !== '/') {
    // The first segment for the index, the exact match for the rows.
    const roots = [...new Set(endpoint.map((e) => e.root))].map((root) => bind(root, 'text'));
    conditions.push(roots.length === 1 ? `${ROUTE} = ${roots[0]}` : `${ROUTE} in (${roots.join(', ')})`);
    const paths = endpoint.map(
      ({ path, below }) => `endpoint = ${bind(path, 'text')} or endpoint like ${bind(below[0], 'text')} or endpoint like ${bind(below[1], 'text')}`,
    );
    conditions.push(`(${paths.join(' or ')})`);
    dimensions.endpoint = true;
    dimensions.endpointRoot = endpoint.length === 1 && endpoint[0].path === `/${endpoint[0].root}`;
  }
  dateRangeWhere(f); // refuses a reversed range
  if (f.from) conditions.push(`created_at >= ${bind(f.from.toISOString(), 'timestamptz')}`);
  if (f.to) conditions.push(`created_at <= ${bind(f.to.toISOString(), 'timestamptz')}`);
  return { conditions, dimensions };
}

/**
 * Whether an index of usage_log serves the filter in created_at order (or finds its few rows
 * directly): the team's logs, one key's, one status code's or class's, one method's, one
 * resource's (/emails) with or without a method. Two filters together (a key and a status, say)
 * are served by the index of one and checked against the other, which on its own could read a
 * team's whole history; so is a path below a resource (/emails/<id>), found among all of its
 * resource's logs: those are searched a window at a time.
 */
export function servedByIndex(d: LogDimensions): boolean {
  const route = d.method || d.endpoint;
  const count = Number(d.key) + Number(d.status) + Number(route);
  return count === 0 || (count === 1 && (!d.endpoint || d.endpointRoot === true));
}

/**
 * A log's place in (created_at, id) order. `at` is its time as ISO text to the microsecond, as
 * PostgreSQL keeps it: a JavaScript Date (milliseconds) would skip the logs of the same
 * millisecond on the next page.
 */
export type LogPosition = { at: string; id: string };

/** created_at as ISO text to the microsecond. */
const AT = `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The columns of a log in a list: all but the bodies. */
export type UsageLogRow = {
  id: string;
  team_id: string;
  api_key_id: string | null;
  api_key_name: string | null;
  method: string;
  endpoint: string;
  status_code: number;
  user_agent: string | null;
  duration_ms: number;
  created_at: Date;
  requests: number;
  /** From the response body of a failed request (ERROR_NAME_SQL) */
  error_name: string | null;
  error_message: string | null;
  /** created_at to the microsecond (see LogPosition) */
  at: string;
};
const LIST_COLUMNS = `id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, created_at, requests,
  ${ERROR_NAME_SQL} as error_name, ${ERROR_MESSAGE_SQL} as error_message, ${AT} as at`;

/** Rows strictly older (or newer) than a position; the plain created_at bound lets partitions be pruned. */
function beyond(p: LogPosition, direction: 'older' | 'newer', bind: Bind): string {
  const [op, eq] = direction === 'older' ? ['<', '<='] : ['>', '>='];
  const at = bind(p.at, 'timestamptz');
  return `created_at ${eq} ${at} and (created_at ${op} ${at} or id ${op} ${bind(p.id, 'uuid')})`;
}

/**
 * The windows, in the team's logs, of a search that no index serves: 100,000 logs at most before
 * it stops and says how far it got.
 */
export const SEARCH_WINDOWS = [10_000, 30_000, 60_000];

export type LogPage = {
  rows: UsageLogRow[];
  /** More rows may follow `next` (a full page, or a search stopped by its budget). */
  hasMore: boolean;
  /** Where to continue: the last row of a full page, or where a stopped search got to. */
  next: LogPosition | null;
  /** Set when the search stopped before the page was full: logs beyond this were not searched. */
  searchedUntil: Date | null;
};

/**
 * A page of a team's logs matching a filter, newest first (or oldest first from `after` with
 * direction 'newer'), keyset-paged. A filter that an index serves is one query. Any other is
 * searched, when `bounded` (the Logs page, GET /logs), in windows of time holding about 10,000 of
 * the team's logs, then 30,000, then 60,000 (SEARCH_WINDOWS, sized from the rollups), going
 * older (or newer); then it stops with `searchedUntil`: a filter matching few rows never reads
 * the team's whole history at once, and the next page goes on from there. With `resumeFromLog`
 * (REST, whose cursors are ids) a stopped search's `next` is a log: the one just beyond the
 * windows, searched too. Unbounded, it is one query.
 */
export async function findLogPage(
  db: pg.Pool | pg.ClientBase,
  teamId: string,
  filter: UsageLogFilter | null | undefined,
  opts: {
    limit: number;
    after?: LogPosition | null;
    direction?: 'older' | 'newer';
    bounded: boolean;
    windows?: number[];
    resumeFromLog?: boolean;
  },
): Promise<LogPage> {
  const direction = opts.direction ?? 'older';
  const order = direction === 'older' ? 'desc' : 'asc';
  const want = opts.limit + 1;
  const probe = logConditions(teamId, filter, parameters().bind); // validates once, whatever the path
  /** Rows beyond `upper`, within `window` (created_at from `gte`, before `lt`, up to `lte`). */
  const run = async (upper: LogPosition | null | undefined, limit: number, window: { gte?: Date | null; lt?: Date; lte?: Date | null } = {}) => {
    const { bind, values } = parameters();
    const { conditions } = logConditions(teamId, filter, bind);
    if (upper) conditions.push(beyond(upper, direction, bind));
    if (window.gte) conditions.push(`created_at >= ${bind(window.gte.toISOString(), 'timestamptz')}`);
    if (window.lt) conditions.push(`created_at < ${bind(window.lt.toISOString(), 'timestamptz')}`);
    if (window.lte) conditions.push(`created_at <= ${bind(window.lte.toISOString(), 'timestamptz')}`);
    const { rows } = await db.query<UsageLogRow>(
      `select ${LIST_COLUMNS} from usage_log where ${conditions.join(' and ')} order by created_at ${order}, id ${order} limit ${limit}`,
      values,
    );
    return rows;
  };
  const page = (rows: UsageLogRow[], searchedUntil: Date | null, stop: LogPosition | null): LogPage => {
    if (rows.length >= want) {
      const last = rows[opts.limit - 1];
      return { rows: rows.slice(0, opts.limit), hasMore: true, next: { at: last.at, id: last.id }, searchedUntil: null };
    }
    return { rows, hasMore: stop !== null, next: stop, searchedUntil };
  };

  if (servedByIndex(probe.dimensions) || !opts.bounded) {
    if (direction !== 'older') return page(await run(opts.after, want), null, null);
    // The rollups say from which day on the page's rows are: that query reads those days'
    // partitions only; what it misses (rollups short of the logs) the next one finds.
    const since = await daysHolding(db, teamId, filter, opts.after ? new Date(opts.after.at) : (filter?.to ?? null), want);
    const rows = await run(opts.after, want, { gte: since });
    if (rows.length < want && since) rows.push(...(await run(opts.after, want - rows.length, { lt: since })));
    return page(rows, null, null);
  }

  const older = direction === 'older';
  const rows: UsageLogRow[] = [];
  let upper = opts.after ?? null;
  const from = upper ? new Date(upper.at) : ((older ? filter?.to : filter?.from) ?? null);
  const bounds = await windowBounds(db, teamId, direction, from, (older ? filter?.from : filter?.to) ?? null, opts.windows ?? SEARCH_WINDOWS);
  for (const bound of bounds) {
    rows.push(...(await run(upper, want - rows.length, older ? { gte: bound } : { lte: bound })));
    if (rows.length >= want || !bound) return page(rows, null, null);
    // Everything up to `bound` is searched: go on strictly beyond it.
    upper = { at: bound.toISOString(), id: older ? NIL : MAX };
  }
  if (!opts.resumeFromLog || !upper) return page(rows, upper ? new Date(upper.at) : null, upper);
  // The next log beyond the windows (of the dates filtered by), searched too: a cursor naming it skips nothing.
  const { bind, values } = parameters();
  const { conditions } = logConditions(teamId, filter, bind);
  const scope = [`team_id = ${bind(teamId, 'uuid')}`, beyond(upper, direction, bind)];
  if (filter?.from) scope.push(`created_at >= ${bind(filter.from.toISOString(), 'timestamptz')}`);
  if (filter?.to) scope.push(`created_at <= ${bind(filter.to.toISOString(), 'timestamptz')}`);
  const { rows: beyondRows } = await db.query<UsageLogRow & { matches: boolean }>(
    `select ${LIST_COLUMNS}, (${conditions.join(' and ')}) as matches from usage_log where ${scope.join(' and ')}
      order by created_at ${order}, id ${order} limit 1`,
    values,
  );
  if (beyondRows.length === 0) return page(rows, null, null);
  const { matches, ...next } = beyondRows[0];
  if (matches) rows.push(next);
  return page(rows, new Date(next.at), { at: next.at, id: next.id });
}

const NIL = '00000000-0000-0000-0000-000000000000';
const MAX = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/**
 * The start of the UTC day from which on, going back from `ceiling`, the rollups count at least
 * `need` logs of the filter's key and status class (its status code counted as its class, its
 * method and endpoint not at all: for those it is a first guess); null when they count fewer.
 */
async function daysHolding(
  db: pg.Pool | pg.ClientBase,
  teamId: string,
  filter: UsageLogFilter | null | undefined,
  ceiling: Date | null,
  need: number,
): Promise<Date | null> {
  const cls = filter?.statusCode ? Math.floor(filter.statusCode / 100) : (filter?.statusClass ?? filter?.responseClass);
  const column = cls && cls >= 2 && cls <= 5 ? `status_${cls}xx` : cls ? null : filter?.errorsOnly ? 'status_4xx + status_5xx' : 'requests';
  if (!column) return null; // 1xx: not rolled up on its own
  const values: unknown[] = [teamId, ceiling ? ceiling.toISOString().slice(0, 10) : null, filter?.from ? filter.from.toISOString().slice(0, 10) : null];
  const key = filter?.apiKeyId ? `and api_key_id = $${values.push(isUuid(filter.apiKeyId) ? filter.apiKeyId : NIL)}::uuid` : '';
  // Cumulative counts, newest day first; the day where they reach `need`.
  const { rows } = await db.query<{ day: string }>(
    `select to_char(day, 'YYYY-MM-DD') as day from (
       select day, sum(sum(${column})) over (order by day desc) as total
         from usage_rollup
        where team_id = $1 ${key} and day <= coalesce($2::date, 'infinity') and day >= coalesce($3::date, '-infinity')
        group by day
     ) d where total >= ${need} order by day desc limit 1`,
    values,
  );
  return rows[0] ? new Date(`${rows[0].day}T00:00:00Z`) : null;
}
const DAY_MS = 86_400_000;

/**
 * Where windows of the given sizes (in the team's logs, from `edge` going older, or newer) end,
 * as estimated from the rollups' count of each day (spread evenly over the day; today's until
 * now): no read of the logs themselves, and each window's query reads only its own partitions.
 * null: the window reaches back to the oldest log (or on to the newest), or to `limit`. Only the
 * days whose logs are kept count: the rollups outlive retention, and a search that matched nothing
 * went on, a stop each 100,000 requests, through every day they hold (a year of them: 120 pages
 * with no log, `searchedUntil` long before the oldest one).
 */
async function windowBounds(
  db: pg.Pool | pg.ClientBase,
  teamId: string,
  direction: 'older' | 'newer',
  edge: Date | null,
  limit: Date | null,
  sizes: number[],
): Promise<(Date | null)[]> {
  const now = Date.now();
  const older = direction === 'older';
  const day = (d: Date | null) => (d ? new Date(Math.min(d.getTime(), now + 366 * DAY_MS)).toISOString().slice(0, 10) : null);
  const [top, floor] = older ? [day(edge ?? new Date(now)), day(limit)] : [day(limit), day(edge)];
  const { rows } = await db.query<{ day: string; n: string }>(
    `select to_char(day, 'YYYY-MM-DD') as day, sum(requests) as n from usage_rollup
      where team_id = $1 and day <= coalesce($2::date, 'infinity') and day >= coalesce($3::date, '-infinity')
        and day >= coalesce((select logs_since from usage_log_retention), '-infinity')
      group by day order by day ${older ? 'desc' : 'asc'}`,
    [teamId, top, floor],
  );
  const bounds: (Date | null)[] = [];
  let target = 0;
  let counted = 0;
  let d = 0;
  for (const size of sizes) {
    target += size;
    let bound: Date | null = null;
    for (; d < rows.length; d++) {
      const dayStart = Date.parse(`${rows[d].day}T00:00:00Z`);
      // The day's logs spread over the day (today's: until now); those beyond `edge` count.
      const extentEnd = Math.min(dayStart + DAY_MS, Math.max(now, dayStart + 1));
      const [lo, hi] = older
        ? [dayStart, Math.max(dayStart, Math.min(extentEnd, edge ? edge.getTime() : now))]
        : [Math.min(extentEnd, Math.max(dayStart, edge ? edge.getTime() : dayStart)), extentEnd];
      const n = (Number(rows[d].n) * (hi - lo)) / (extentEnd - dayStart);
      if (counted + n >= target) {
        const part = ((target - counted) / n) * (hi - lo);
        bound = older ? new Date(Math.floor(hi - part)) : new Date(Math.ceil(lo + part));
        break;
      }
      counted += n;
    }
    // A window reaching `limit` (the filter's `from`, going older) searches the rest of the range:
    // it ends the search, where it stopped with a next page and a searchedUntil before `from`.
    if (bound && limit && (older ? bound <= limit : bound >= limit)) bound = null;
    bounds.push(bound);
    if (!bound) break;
  }
  return bounds;
}

/** The position of one of the team's logs in a filtered list, or null when it is not in it. */
export async function findLogPosition(
  db: pg.Pool | pg.ClientBase,
  teamId: string,
  filter: UsageLogFilter | null | undefined,
  id: string,
): Promise<LogPosition | null> {
  if (!isUuid(id)) return null;
  const { bind, values } = parameters();
  const { conditions } = logConditions(teamId, filter, bind);
  const { rows } = await db.query<{ at: string; id: string }>(
    `select ${AT} as at, id from usage_log where ${conditions.join(' and ')} and id = ${bind(id, 'uuid')} limit 1`,
    values,
  );
  return rows[0] ?? null;
}

/** A position as an opaque cursor, and back (BAD_USER_INPUT `after` when it is not one). */
export const encodeLogCursor = (p: LogPosition) => Buffer.from(`${p.at}|${p.id}`).toString('base64url');
export function decodeLogCursor(cursor: string): LogPosition {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!id || !isUuid(id) || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/.test(at ?? '') || !isCalendarTime(at)) throw badInput('after', 'Invalid cursor.');
  return { at, id };
}

/**
 * Whether ISO text names a real instant as written: JavaScript rolls 2026-02-30 over into March
 * (and 24:00 into the next day), where PostgreSQL refuses it and a forged cursor was a 500.
 */
function isCalendarTime(at: string): boolean {
  const d = new Date(at);
  return !Number.isNaN(d.getTime()) && isStorableDate(d) && d.toISOString().slice(0, 19) === at.slice(0, 19);
}
