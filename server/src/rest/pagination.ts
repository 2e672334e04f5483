import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Request } from 'express';
import { badInput } from '../errors.js';
import { isUuid } from '../lib/ids.js';
import { beyond } from '../lib/sql.js';
import { queryString } from './query.js';

export type ListParams = { limit: number; after?: string; before?: string };

/** Resend's page size when `limit` is not given, on the lists that page by default (emails, logs). */
export const DEFAULT_LIMIT = 20;
/**
 * On Resend's older lists (domains, API keys, contacts, broadcasts), no `limit` means every item:
 * up to this many here, with `has_more` and the cursors beyond, so no one request is unbounded
 * (10,000 contacts a request, a dozen at once, held the event loop for seconds).
 */
export const WHOLE_LIST_LIMIT = 1_000;

/** Resend's list parameters: limit 1–100 (default 20), and at most one of after / before (an id). */
export function listParams(req: Request, defaultLimit = DEFAULT_LIMIT): ListParams {
  const rawLimit = queryString(req, 'limit');
  let limit = defaultLimit;
  if (rawLimit !== undefined) {
    limit = Number(rawLimit);
    if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > 100) {
      throw badInput('limit', '`limit` must be an integer between 1 and 100.', 'invalid_parameter');
    }
  }
  const after = queryString(req, 'after');
  const before = queryString(req, 'before');
  if (after && before) throw badInput('after', 'Use either `after` or `before`, not both.', 'invalid_parameter');
  return { limit, after, before };
}

/** Builds `{ object: 'list', has_more, data }` from up to limit + 1 rows fetched in list order. */
export function listBody<T, R>(rows: T[], limit: number, toJson: (row: T) => R) {
  return { object: 'list' as const, has_more: rows.length > limit, data: rows.slice(0, limit).map(toJson) };
}

export type Listable = { id: string; createdAt: Date };
export type EntityClass<T> = new (...args: never[]) => T;

/**
 * Newest first, keyset-paginated by (createdAt, id). `after` / `before` name the id of one of the
 * team's rows (`scope`), found whether or not it still matches the list's filters: a loop that
 * cancels each scheduled email of a page, or unsubscribes each contact, goes on from the last one.
 * An id the team does not have (deleted, say) is an invalid parameter, not an empty page.
 */
export async function findPage<T extends Listable>(
  em: EntityManager,
  entity: EntityClass<T>,
  where: FilterQuery<T> | (() => FilterQuery<T>),
  params: ListParams,
  scope?: FilterQuery<T>,
): Promise<T[]> {
  // A filter with raw SQL fragments (MikroORM's raw()) serves one query only: built anew for each.
  const filter = () => (typeof where === 'function' ? where() : where);
  const anchor = await findCursor(em, entity, scope ?? filter(), params);
  const page: FilterQuery<T> = anchor ? ({ $and: [filter(), beyond(anchor, params.after ? '$lt' : '$gt')] } as FilterQuery<T>) : filter();
  const dir = params.before ? 'asc' : 'desc';
  const rows = await em.find(entity, page, {
    orderBy: { createdAt: dir, id: dir } as never,
    limit: params.limit + 1,
  });
  if (!params.before) return rows;
  // Fetched oldest-first to find the rows just before the anchor; answer newest-first like every page.
  const hasMore = rows.length > params.limit;
  const pageRows = rows.slice(0, params.limit).reverse();
  return hasMore ? [...pageRows, rows[params.limit]] : pageRows;
}

/**
 * The place of the row `after` or `before` names among `scope` (the team's rows), null when
 * neither is given; 422 invalid_parameter naming the parameter when the team has no such row.
 */
export async function findCursor<T extends Listable>(
  em: EntityManager,
  entity: EntityClass<T>,
  scope: FilterQuery<T>,
  params: ListParams,
): Promise<{ createdAt: Date; id: string } | null> {
  const anchorId = params.after ?? params.before;
  if (!anchorId) return null;
  const anchor = isUuid(anchorId)
    ? await em.findOne(entity, { $and: [scope, { id: anchorId }] } as FilterQuery<T>, { fields: ['id', 'createdAt'] as never })
    : null;
  if (!anchor) throw badInput(params.after ? 'after' : 'before', 'The cursor does not name an item of this list (was it deleted?).', 'invalid_parameter');
  return { createdAt: anchor.createdAt, id: anchor.id };
}

/**
 * Resend's list shape for a list that searches (emails, logs), which may stop before its page is
 * full: then `has_more` is true with fewer items than `limit`, or none, `searched_until` says how
 * far it searched, and `next_cursor` (the last item searched, matching or not) goes on from there
 * as `after` — or as `before`, paging that way. With `has_more`, `next_cursor` is always there
 * (on a full page, the last item's id, which Resend's clients take).
 */
export function searchedListBody<R>(data: R[], page: { hasMore: boolean; next: string | null; searchedUntil: string | null }) {
  return {
    object: 'list' as const,
    has_more: page.hasMore,
    data,
    ...(page.hasMore && page.next ? { next_cursor: page.next } : {}),
    ...(page.searchedUntil ? { searched_until: page.searchedUntil } : {}),
  };
}
