import { DateTimeISOResolver } from 'graphql-scalars';
import { Arg, Ctx, Field, InputType, Int, Query, Resolver } from 'type-graphql';
import { AFTER_ARG, Connection, FIRST_ARG, paginate } from '../../graphql/connection.js';
import type { Context } from '../../graphql/context.js';
import { requireReader } from '../auth/actor.js';
import { Broadcast, BroadcastStatus } from './broadcast.entity.js';
import { broadcastWhere } from './broadcast.service.js';

const BroadcastConnection = Connection(Broadcast, 'Broadcast');
type BroadcastConnection = InstanceType<typeof BroadcastConnection>;

@InputType({ description: 'Narrows the broadcasts, as on the Broadcasts page; the conditions given must all hold' })
export class BroadcastFilter {
  @Field(() => String, { nullable: true, description: 'draft or sent', deprecationReason: 'Use broadcastStatus, an enum' }) status?: string | null;
  @Field(() => BroadcastStatus, { nullable: true, description: 'Only broadcasts in this status' }) broadcastStatus?: BroadcastStatus | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Created at or after' }) from?: Date | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Created at or before' }) to?: Date | null;
  @Field(() => String, { nullable: true, description: 'Part of the name or the subject, any case' }) search?: string | null;
}

@Resolver(() => Broadcast)
export class BroadcastResolver {
  @Query(() => BroadcastConnection, { description: 'The team’s broadcasts, newest first (first ≤ 100)' })
  broadcasts(
    @Arg('filter', () => BroadcastFilter, { nullable: true, description: 'Only the broadcasts that match; all when omitted' }) filter:
      | BroadcastFilter
      | null
      | undefined,
    @Arg('first', () => Int, FIRST_ARG) first: number | undefined,
    @Arg('after', () => String, AFTER_ARG) after: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<BroadcastConnection> {
    return paginate(ctx.em, Broadcast, broadcastWhere(requireReader(ctx.actor).teamId, filter), { first, after });
  }
}
