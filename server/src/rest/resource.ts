import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Request } from 'express';
import { param, type RestRoute } from './http.js';
import { type EntityClass, findPage, type Listable, listBody, listParams } from './pagination.js';

/**
 * `GET <path>`: the team's rows in Resend's list shape, newest first, paged by `limit`, `after`
 * and `before`. `where` scopes them to the team (and reads any filters from the query).
 */
export function listRoute<T extends Listable>(
  path: string,
  entity: EntityClass<T>,
  where: (teamId: string, req: Request) => FilterQuery<T>,
  toJson: (row: T) => unknown,
): RestRoute {
  return {
    method: 'get',
    path,
    access: 'full',
    async handle(req, ctx) {
      const params = listParams(req);
      const rows = await findPage(ctx.em, entity, where(ctx.key.teamId, req), params);
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
  const name = path.slice(path.lastIndexOf('/:') + 2);
  return {
    method: 'get',
    path,
    access: 'full',
    handle: async (req, ctx) => ({ body: toJson(await get(ctx.em, ctx.key.teamId, param(req, name))) }),
  };
}
