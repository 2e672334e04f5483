/**
 * The api-key module's part of the usage writer's one statement (usage-log/usage-rollup.ts), so
 * that only this module writes api_key while logs, rollups and counters stay one atomic write.
 */

/** The keys of a batch, locked in id order (two writers queue instead of deadlocking), with their names. `ids` selects key ids. */
export const lockUsedKeys = (ids: string) => `select k.id, k.name from api_key k where k.id in (${ids}) order by k.id for update`;

/** Adds requests to their keys' counts and last use. `uses` selects (api_key_id, n, last). */
export const countKeyUse = (uses: string) =>
  `update api_key k set request_count = k.request_count + c.n, last_used_at = greatest(k.last_used_at, c.last)
    from (${uses}) c
   where k.id = c.api_key_id`;
