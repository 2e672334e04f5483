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
  const anchorId = params.after ?? params.before;
  let page: FilterQuery<T>;
  if (!anchorId) page = filter();
  else {
    const anchor = isUuid(anchorId)
      ? await em.findOne(entity, { $and: [scope ?? filter(), { id: anchorId }] } as FilterQuery<T>, { fields: ['id', 'createdAt'] as never })
      : null;
    if (!anchor) throw badInput(params.after ? 'after' : 'before', 'The cursor does not name an item of this list (was it deleted?).', 'invalid_parameter');
    const op = params.after ? '$lt' : '$gt';
    page = {
      $and: [filter(), beyond(anchor, op)],
    } as FilterQuery<T>;
  }
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
