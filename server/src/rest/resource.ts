import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Request } from 'express';
import { type Body, objectBody, onlyFields } from './body.js';
import { param, type RestContext, type RestRoute } from './http.js';
import { DEFAULT_LIMIT, type EntityClass, findPage, type Listable, listBody, listParams, WHOLE_LIST_LIMIT } from './pagination.js';

/**
 * `GET <path>`: the team's rows in Resend's list shape, newest first, paged by `limit`, `after`
 * and `before`. `where` scopes them to the team (and reads any filters from the query).
 */
export function listRoute<T extends Listable>(
  path: string,
  entity: EntityClass<T>,
  where: (teamId: string, req: Request) => FilterQuery<T>,
  toJson: (row: T) => unknown,
  options: {
    /** The team's rows, unfiltered: where a cursor's row is looked for. */
    scope: (teamId: string) => FilterQuery<T>;
    /** Resend's older lists answer every item when `limit` is not given (up to WHOLE_LIST_LIMIT). */
    wholeByDefault?: boolean;
  },
): RestRoute {
  return {
    method: 'get',
    path,
    access: 'full',
    async handle(req, ctx) {
      const params = listParams(req, options.wholeByDefault ? WHOLE_LIST_LIMIT : DEFAULT_LIMIT);
      // Built per query: a filter with raw SQL (a search) serves one query only.
      const rows = await findPage(ctx.em, entity, () => where(ctx.key.teamId, req), params, options.scope(ctx.key.teamId));
      return { body: listBody(rows, params.limit, toJson) };
    },
  };
}

/** `GET <path>/:<param>`: one of the team's rows, found by the service (another team's is not found). */
export function getRoute<T>(
  path: `${string}/:${string}`,
  get: (em: EntityManager, teamId: string, id: string) => Promise<T>,
  toJson: (row: T) => unknown,
): RestRoute {
  const name = paramOf(path);
  return {
    method: 'get',
    path,
    access: 'full',
    handle: async (req, ctx) => ({ body: toJson(await get(ctx.em, ctx.key.teamId, param(req, name))) }),
  };
}

type RowPath = `${string}/:${string}`;

/** The name of the path's one parameter: `id` in `/domains/:id/verify`. */
const paramOf = (path: RowPath) => /\/:(\w+)/.exec(path)![1]!;

/**
 * `<method> <path>` on one of the team's rows that takes no body (as Resend's deletes): a body
 * that asks for something is refused, not ignored. `act` does it and returns the answer.
 */
export function actionRoute(method: 'post' | 'delete', path: RowPath, act: (ctx: RestContext, id: string) => Promise<unknown>): RestRoute {
  const name = paramOf(path);
  return {
    method,
    path,
    access: 'full',
    async handle(req, ctx) {
      onlyFields(objectBody(req), []);
      return { body: await act(ctx, param(req, name)) };
    },
  };
}

/** `DELETE <path>/:id`: `remove` deletes the team's row and returns its id; the answer is `{ object, id, deleted: true }`. */
export const deleteRoute = (path: RowPath, object: string, remove: (ctx: RestContext, id: string) => Promise<string>): RestRoute =>
  actionRoute('delete', path, async (ctx, id) => ({ object, id: await remove(ctx, id), deleted: true }));

/** `<method> <path>` with a JSON object body: `handle` reads it and returns the answer. */
export function bodyRoute(method: 'post' | 'patch', path: string, handle: (body: Body, ctx: RestContext, req: Request) => Promise<unknown>): RestRoute {
  return { method, path, access: 'full', handle: async (req, ctx) => ({ body: await handle(objectBody(req), ctx, req) }) };
}
