import { DateTimeISOResolver } from 'graphql-scalars';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ErrorCode } from '../../errors.js';
import { Connection, paginate } from '../../graphql/connection.js';
import { type Context, isAppError } from '../../graphql/context.js';
import { requireReader } from '../auth/actor.js';
import { ApiKey } from '../api-key/api-key.entity.js';
import { UsageLog } from './usage-log.entity.js';
import { checkUsageDays, getUsageLog, USAGE_MAX_DAYS, usageLogWhere } from './usage-log.service.js';

const UsageLogConnection = Connection(UsageLog, 'UsageLog');
type UsageLogConnection = InstanceType<typeof UsageLogConnection>;

@InputType()
class UsageLogFilter {
  @Field(() => ID, { nullable: true }) apiKeyId?: string | null;
  @Field(() => Int, { nullable: true }) statusCode?: number | null;
  @Field(() => Int, { nullable: true, description: '2, 4 or 5 for every 2xx, 4xx or 5xx status' }) statusClass?: number | null;
  @Field(() => DateTimeISOResolver, { nullable: true }) from?: Date | null;
  @Field(() => DateTimeISOResolver, { nullable: true }) to?: Date | null;
  @Field(() => String, { nullable: true, description: 'GET, POST, PATCH, PUT or DELETE' }) method?: string | null;
  @Field(() => String, { nullable: true, description: 'A path and everything under it: /emails is /emails, /emails/batch and /emails/:id; /graphql is every GraphQL operation' })
  endpoint?: string | null;
}

@ObjectType()
class UsageBucket {
  @Field(() => String, { description: 'YYYY-MM-DD (UTC)' }) date!: string;
  @Field(() => Int) requests!: number;
  @Field(() => Int) errors!: number;
}

@Resolver(() => UsageLog)
export class UsageLogResolver {
  @Query(() => UsageLogConnection, { description: 'Requests made with API keys, newest first' })
  usageLogs(
    @Arg('filter', () => UsageLogFilter, { nullable: true }) filter: UsageLogFilter | null | undefined,
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<UsageLogConnection> {
    return paginate(ctx.em, UsageLog, usageLogWhere(requireReader(ctx.actor).teamId, filter), { first, after });
  }

  @Query(() => UsageLog, { nullable: true })
  async usageLog(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<UsageLog | null> {
    try {
      return await getUsageLog(ctx.em, requireReader(ctx.actor).teamId, id);
    } catch (e) {
      if (isAppError(e, ErrorCode.NOT_FOUND)) return null;
      throw e;
    }
  }

  @FieldResolver(() => ApiKey, { nullable: true, description: 'Null once the key is deleted' })
  apiKey(@Root() log: UsageLog, @Ctx() ctx: Context): Promise<ApiKey | null> | null {
    return log.apiKeyId ? ctx.loaders.apiKey.load(log.apiKeyId) : null;
  }

  @FieldResolver(() => ID, { nullable: true })
  apiKeyId(@Root() log: UsageLog): string | null {
    return log.apiKeyId ?? null;
  }
}

@Resolver(() => ApiKey)
export class ApiKeyUsageResolver {
  @FieldResolver(() => [UsageBucket], {
    description: `Requests and errors per day, oldest first, days with no use included; days: 1 … ${USAGE_MAX_DAYS}`,
    // Counted once per day for the query cost limit (graphql/cost.ts).
    complexity: ({ args, childComplexity }) => 1 + Math.max(1, Number(args.days) || 1) * childComplexity,
  })
  usage(@Root() key: ApiKey, @Arg('days', () => Int) days: number, @Ctx() ctx: Context): Promise<UsageBucket[]> {
    checkUsageDays(days);
    return ctx.loaders.usage.load({ teamId: key.team.id, apiKeyId: key.id, days });
  }
}
