import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { ApiKey } from '../modules/api-key/api-key.entity.js';
import { Domain } from '../modules/domain/domain.entity.js';
import { User } from '../modules/team/team.entity.js';
import { type UsageBucket, usageByDayForKeys } from '../modules/usage-log/usage-log.service.js';

type EntityClass<T> = new (...args: never[]) => T;

/** One query per request for any number of ids; missing ids resolve to null. */
function byId<T extends { id: string }>(em: EntityManager, entity: EntityClass<T>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = (await em.find(entity, { id: { $in: [...ids] } } as never)) as T[];
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

type UsageKey = { teamId: string; apiKeyId: string; days: number };

/** ApiKey.usage(days) for every key of a request in one statement (per team and number of days). */
function usageLoader(em: EntityManager) {
  return new DataLoader<UsageKey, UsageBucket[], string>(
    async (keys) => {
      const groups = new Map<string, UsageKey[]>();
      for (const k of keys) groups.set(`${k.teamId}|${k.days}`, [...(groups.get(`${k.teamId}|${k.days}`) ?? []), k]);
      const found = new Map<string, UsageBucket[]>();
      for (const group of groups.values()) {
        const { teamId, days } = group[0];
        const byKey = await usageByDayForKeys(em, teamId, [...new Set(group.map((k) => k.apiKeyId))], days);
        for (const k of group) found.set(`${k.teamId}|${k.days}|${k.apiKeyId}`, byKey.get(k.apiKeyId) ?? []);
      }
      return keys.map((k) => found.get(`${k.teamId}|${k.days}|${k.apiKeyId}`) ?? []);
    },
    { cacheKeyFn: (k) => `${k.teamId}|${k.days}|${k.apiKeyId}` },
  );
}

export function createLoaders(em: EntityManager) {
  return {
    user: byId(em, User),
    domain: byId(em, Domain),
    apiKey: byId(em, ApiKey),
    usage: usageLoader(em),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
