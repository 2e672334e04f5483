import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { ApiKey } from '../modules/api-key/api-key.entity.js';
import { Domain } from '../modules/domain/domain.entity.js';
import { User } from '../modules/team/team.entity.js';

type EntityClass<T> = new (...args: never[]) => T;

/** One query per request for any number of ids; missing ids resolve to null. */
function byId<T extends { id: string }>(em: EntityManager, entity: EntityClass<T>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = (await em.find(entity, { id: { $in: [...ids] } } as never)) as T[];
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

export function createLoaders(em: EntityManager) {
  return {
    user: byId(em, User),
    domain: byId(em, Domain),
    apiKey: byId(em, ApiKey),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
