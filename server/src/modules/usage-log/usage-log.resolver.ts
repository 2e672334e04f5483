import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Field, FieldResolver, Float, ID, Info, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { AFTER_ARG, Connection, checkFirst, FIRST_ARG } from '../../graphql/connection.js';
import type { Context } from '../../graphql/context.js';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { siblingsInclude } from '../../graphql/selection.js';
import { ApiKey } from '../api-key/api-key.entity.js';
import { requireReader } from '../auth/actor.js';
import { UsageLog } from './usage-log.entity.js';
import { UsageLogFilter } from './usage-log.filter.js';
import { decodeLogCursor, encodeLogCursor, errorOf } from './usage-log.query.js';
import { checkLogFilter, checkUsageDays, findUsageLog, listUsageLogs, logRetention, USAGE_MAX_DAYS } from './usage-log.service.js';

/** Fields of UsageLogConnection beyond a page's (inherited by it). */
@ObjectType()
class UsageLogSearch {
  @Field(() => DateTimeISOResolver, {
    nullable: true,
    description:
      'Set when a search that no index serves (two filters together, or an endpoint without a method) stopped before filling the page: logs older than this were not searched yet. Ask for the next page (`after: pageInfo.endCursor`) to search further back',
  })
  searchedUntil!: Date | null;
}

const UsageLogConnection = Connection(UsageLog, 'UsageLog', UsageLogSearch);
type UsageLogConnection = InstanceType<typeof UsageLogConnection>;

export { UsageLogFilter };

@ObjectType({ description: "One day of a key's use" })
class UsageBucket {
  @Field(() => String, { description: 'YYYY-MM-DD (UTC)' }) date!: string;
  @Field(() => Int, { description: 'Requests made with the key that day; 0 on a day without use' }) requests!: number;
  @Field(() => Int, { description: 'Of those, the ones answered with a status of 400 or more' }) errors!: number;
}

@ObjectType({ description: 'How far back request logs go' })
class UsageLogRetention {
  @Field(() => Int, { description: 'Logs are kept this many days (LOG_RETENTION_DAYS), then dropped; counts and usage charts stay' }) days!: number;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'The start (UTC) of the first day with logs of the team still kept; null when it has none' })
  oldestAt!: Date | null;
  @Field(() => DateTimeISOResolver, {
    nullable: true,
    description: "When the team's oldest kept log was made (to show in the reader's time zone, where oldestAt's UTC day may be another); null when it has none",
  })
  oldestLogAt!: Date | null;
}

@Resolver(() => UsageLog)
export class UsageLogResolver {
  @Query(() => UsageLogConnection, { description: 'Requests made with API keys, newest first' })
  async usageLogs(
    @Arg('filter', () => UsageLogFilter, { nullable: true, description: 'Only the logs that match; all when omitted' }) filter:
      | UsageLogFilter
      | null
      | undefined,
    @Arg('first', () => Int, FIRST_ARG) first: number | undefined,
    @Arg('after', () => String, AFTER_ARG) after: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<UsageLogConnection> {
    const teamId = requireReader(ctx.actor).teamId;
    const limit = checkFirst(first);
    checkLogFilter(teamId, filter);
    const page = await listUsageLogs(ctx.em, ctx.services.pool, teamId, filter, { limit, after: after ? decodeLogCursor(after) : null, bounded: true });
    return {
      edges: page.logs.map(({ log, position }) => ({ node: log, cursor: encodeLogCursor(position) })),
      pageInfo: { hasNextPage: page.hasMore, endCursor: page.next ? encodeLogCursor(page.next) : null },
      searchedUntil: page.searchedUntil,
    };
  }

  @Query(() => UsageLogRetention, { description: 'How far back the Logs page can go' })
  usageLogRetention(@Ctx() ctx: Context): Promise<UsageLogRetention> {
    return logRetention(ctx.services.pool, requireReader(ctx.actor).teamId, ctx.services.config.LOG_RETENTION_DAYS);
  }

  @Query(() => UsageLog, {
    nullable: true,
    description: "One request log with its redacted bodies; null when there is none with this id (another team's included)",
  })
  usageLog(@Arg('id', () => ID, { description: "The log's id" }) id: string, @Ctx() ctx: Context): Promise<UsageLog | null> {
    return findUsageLog(ctx.em, requireReader(ctx.actor).teamId, id);
  }

  @FieldResolver(() => ApiKey, { nullable: true, description: 'Null once the key is deleted' })
  apiKey(@Root() log: UsageLog, @Ctx() ctx: Context): Promise<ApiKey | null> | null {
    return log.apiKeyId ? ctx.loaders.apiKey.load(log.apiKeyId) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "A failed request's error name from its logged response body (validation_error, UNAUTHENTICATED…); null for a status under 400 or a body without one",
  })
  errorName(@Root() log: UsageLog): string | null {
    return (log.listedError ?? errorOf(log.statusCode, log.responseBody)).name;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "A failed request's error message from its logged response body; null for a status under 400 or a body without one",
  })
  errorMessage(@Root() log: UsageLog): string | null {
    return (log.listedError ?? errorOf(log.statusCode, log.responseBody)).message;
  }

  // A list reads its logs without their bodies: asked for there, they are read for the page's logs
  // in one statement (they answered null, as if the request had none).
  @FieldResolver()
  requestBody(@Root() log: UsageLog, @Ctx() ctx: Context): unknown {
    return log.listedError ? bodiesOf(log, ctx).then((b) => b.request_body) : (log.requestBody ?? null);
  }

  @FieldResolver()
  responseBody(@Root() log: UsageLog, @Ctx() ctx: Context): unknown {
    return log.listedError ? bodiesOf(log, ctx).then((b) => b.response_body) : (log.responseBody ?? null);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The id of the key that made the request, kept after the key is deleted' })
  apiKeyId(@Root() log: UsageLog): string | null {
    return log.apiKeyId ?? null;
  }
}

type Bodies = { request_body: unknown; response_body: unknown };
/** Per request (its context): the bodies of the listed logs asked for, read together. */
const bodyLoaders = new WeakMap<Context, DataLoader<UsageLog, Bodies, string>>();

function bodiesOf(log: UsageLog, ctx: Context): Promise<Bodies> {
  let loader = bodyLoaders.get(ctx);
  if (!loader) {
    const teamId = requireReader(ctx.actor).teamId;
    loader = new DataLoader<UsageLog, Bodies, string>(
      async (logs) => {
        // The page's times (to the millisecond; PostgreSQL keeps microseconds) bound the partitions read.
        const times = logs.map((l) => l.createdAt.getTime());
        const { rows } = await ctx.services.pool.query<Bodies & { id: string }>(
          `select id, request_body, response_body from usage_log
            where team_id = $1 and id = any($2::uuid[]) and created_at >= $3 and created_at < $4`,
          [teamId, logs.map((l) => l.id), new Date(Math.min(...times)), new Date(Math.max(...times) + 1)],
        );
        const byId = new Map(rows.map((r) => [r.id, r]));
        return logs.map((l) => byId.get(l.id) ?? { request_body: null, response_body: null });
      },
      { cacheKeyFn: (l) => l.id },
    );
    bodyLoaders.set(ctx, loader);
  }
  return loader.load(log);
}

/** The days of an API key row's sparkline and error rate. */
const RECENT_DAYS = 7;

/** The fields of a key read from its rollups. */
const ROLLUP_FIELDS = new Set(['usage', 'recentRequests', 'recentErrorRate']);

/**
 * A key's use — requestCount, lastUsedAt, usage, recentRequests, recentErrorRate, and usageStatus
 * (api-key.resolver.ts) — from one snapshot: when the key is asked for rollup fields too, its
 * counters come from the same statement as them (the request's usage loader, keyUsageForKeys),
 * never the key row read earlier in the request beside rollups read later; otherwise from the key
 * row, itself one snapshot, at no extra cost (the API keys list: 500 keys).
 */
@Resolver(() => ApiKey)
export class ApiKeyUsageResolver {
  @FieldResolver(() => Int, {
    description:
      'Requests made with the key, REST and GraphQL, refused ones included: as many as its usage logs stand for (a rate-limit summary counts the requests it sums up)',
  })
  requestCount(@Root() key: ApiKey, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): number | Promise<number> {
    if (!siblingsInclude(info, ROLLUP_FIELDS)) return key.requestCount;
    return ctx.loaders.usage.load({ teamId: key.team.id, apiKeyId: key.id, days: 0 }).then((u) => u.requestCount ?? key.requestCount);
  }

  @FieldResolver(() => DateTimeISOResolver, { nullable: true, description: 'When the key last made a request, refused ones included; null if it never has' })
  lastUsedAt(@Root() key: ApiKey, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Date | null | Promise<Date | null> {
    return lastUsedAtOf(key, ctx, info);
  }

  @FieldResolver(() => [UsageBucket], {
    description: `Requests and errors per day, oldest first, days with no use included; days: 1 … ${USAGE_MAX_DAYS}`,
    // Counted once per day for the query cost limit (graphql/cost.ts).
    complexity: ({ args, childComplexity }) => 1 + Math.max(1, Number(args.days) || 1) * childComplexity,
  })
  async usage(
    @Root() key: ApiKey,
    @Arg('days', () => Int, { description: `How many days back from today (UTC), today included: 1 … ${USAGE_MAX_DAYS}` }) days: number,
    @Ctx() ctx: Context,
  ): Promise<UsageBucket[]> {
    checkUsageDays(days);
    return (await ctx.loaders.usage.load({ teamId: key.team.id, apiKeyId: key.id, days })).days;
  }

  // Scalars rather than usage(days: 7) { … }: the list's sparkline costs 2 per key, not 22 (graphql/cost.ts).
  @FieldResolver(() => [Int], {
    description: `Requests per day over the last ${RECENT_DAYS} days (UTC), oldest first, today last: the numbers of usage(days: ${RECENT_DAYS}), for a sparkline`,
  })
  async recentRequests(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<number[]> {
    return (await ctx.loaders.usage.load({ teamId: key.team.id, apiKeyId: key.id, days: RECENT_DAYS })).days.map((b) => b.requests);
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description: `Share (0 … 1) of the last ${RECENT_DAYS} days' requests answered with a status of 400 or more; null when there were none`,
  })
  async recentErrorRate(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<number | null> {
    const buckets = (await ctx.loaders.usage.load({ teamId: key.team.id, apiKeyId: key.id, days: RECENT_DAYS })).days;
    const requests = buckets.reduce((n, b) => n + b.requests, 0);
    return requests === 0 ? null : buckets.reduce((n, b) => n + b.errors, 0) / requests;
  }
}

/** A key's last use, from the same snapshot as its counts and chart (see ApiKeyUsageResolver; the key row's value for a key gone meanwhile). */
export function lastUsedAtOf(key: ApiKey, ctx: Context, info: GraphQLResolveInfo): Date | null | Promise<Date | null> {
  if (!siblingsInclude(info, ROLLUP_FIELDS)) return key.lastUsedAt ?? null;
  return ctx.loaders.usage
    .load({ teamId: key.team.id, apiKeyId: key.id, days: 0 })
    .then((u) => (u.requestCount === null ? (key.lastUsedAt ?? null) : u.lastUsedAt));
}
