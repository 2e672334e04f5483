import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { AFTER_ARG, Connection, FIRST_ARG, paginate } from '../../graphql/connection.js';
import type { Context } from '../../graphql/context.js';
import { requireReader } from '../auth/actor.js';
import { Broadcast } from './broadcast.entity.js';
import { BroadcastFilter } from './broadcast.filter.js';
import { broadcastWhere } from './broadcast.service.js';

const BroadcastConnection = Connection(Broadcast, 'Broadcast');
type BroadcastConnection = InstanceType<typeof BroadcastConnection>;

export { BroadcastFilter };

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
