import type { MikroORM } from '@mikro-orm/postgresql';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimited } from '../errors.js';

/** Where the throttles' budgets live: PostgreSQL's `rate_limit` table, shared by every instance. */
export const budgetStore = (orm: MikroORM) =>
  ({ storeClient: orm.em.getConnection().getKnex(), storeType: 'knex', tableName: 'rate_limit', tableCreated: true }) as const;

/** A budget to take from: its limiter, the key counted, and what its refusal says. */
export type Take = [limiter: RateLimiterPostgres, key: string, refusal: string];

/**
 * Takes a point from every budget, or none when one is spent: the points taken from the others
 * are given back, so a refused request costs no budget, and it is RATE_LIMITED with the spent
 * budget's message and wait.
 */
export async function takeFromEvery(takes: Take[]): Promise<void> {
  const results = await Promise.allSettled(takes.map(([limiter, key]) => limiter.consume(key)));
  const refused = results.findIndex((r) => r.status === 'rejected');
  if (refused === -1) return;
  await Promise.all(results.map((r, i) => (r.status === 'fulfilled' ? takes[i][0].reward(takes[i][1], 1) : undefined)));
  const reason = (results[refused] as PromiseRejectedResult).reason;
  if (!(reason instanceof RateLimiterRes)) throw reason;
  throw rateLimited(Math.max(1, Math.ceil(reason.msBeforeNext / 1000)), takes[refused][2]);
}
