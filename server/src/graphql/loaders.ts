import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { ApiKey } from '../modules/api-key/api-key.entity.js';
import { Broadcast } from '../modules/broadcast/broadcast.entity.js';
import { loadBroadcastBodies } from '../modules/broadcast/broadcast.service.js';
import { Domain } from '../modules/domain/domain.entity.js';
import { Email } from '../modules/email/email.entity.js';
import { loadEmailBodies } from '../modules/email/email.service.js';
import { User } from '../modules/team/team.entity.js';
import { type KeyUsage, keyUsageForKeys } from '../modules/usage-log/usage-log.service.js';

type EntityClass<T> = new (...args: never[]) => T;

/** One query per request for any number of ids; missing ids resolve to null. */
function byId<T extends { id: string }>(em: EntityManager, entity: EntityClass<T>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = (await em.find(entity, { id: { $in: [...ids] } } as never)) as T[];
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/**
 * The lazy columns (bodies) of rows a list read without them, for every row of a request that
 * asks, in one batch: each row is given back with them loaded.
 */
function lazyColumns<T>(load: (rows: readonly T[]) => Promise<void>) {
  return new DataLoader<T, T>(
    async (rows) => {
      await load(rows);
      return rows;
    },
    { cache: false },
  );
}

type UsageKey = { teamId: string; apiKeyId: string; days: number };

/**
 * A key's use (requestCount, lastUsedAt, usage(days), recentRequests, recentErrorRate) for every
 * key of a request in one statement per team, covering the most days any field asks for: all of
 * a page's numbers about keys are one snapshot (keyUsageForKeys). `days` 0: the counters only.
 */
function usageLoader(em: EntityManager) {
  return new DataLoader<UsageKey, KeyUsage, string>(
    async (keys) => {
      const byTeam = new Map<string, UsageKey[]>();
      for (const k of keys) byTeam.set(k.teamId, [...(byTeam.get(k.teamId) ?? []), k]);
      const found = new Map<string, KeyUsage>();
      for (const [teamId, group] of byTeam) {
        const days = Math.max(...group.map((k) => k.days));
        const byKey = await keyUsageForKeys(em, teamId, [...new Set(group.map((k) => k.apiKeyId))], days);
        for (const k of group) {
          const usage = byKey.get(k.apiKeyId) ?? { requestCount: null, lastUsedAt: null, days: [] };
          found.set(`${k.teamId}|${k.days}|${k.apiKeyId}`, { ...usage, days: k.days === 0 ? [] : usage.days.slice(-k.days) });
        }
      }
      return keys.map((k) => found.get(`${k.teamId}|${k.days}|${k.apiKeyId}`) ?? { requestCount: null, lastUsedAt: null, days: [] });
    },
    {
      // No cache across batches: a key's fields read in one batch must not take a number another
      // batch read earlier (the key list's row beside the key's own page in one query, say).
      cache: false,
      // After every field of the objects just resolved has asked (type-graphql checks a field's
      // arguments asynchronously first, which outlasts DataLoader's default tick): one batch.
      batchScheduleFn: (dispatch) => setImmediate(dispatch),
    },
  );
}

export function createLoaders(em: EntityManager) {
  return {
    user: byId(em, User),
    domain: byId(em, Domain),
    apiKey: byId(em, ApiKey),
    usage: usageLoader(em),
    emailBodies: lazyColumns<Email>((rows) => loadEmailBodies(em, rows)),
    broadcastBodies: lazyColumns<Broadcast>((rows) => loadBroadcastBodies(em, rows)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
