import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { Connection, paginate } from '../../graphql/connection.js';
import { type Context, requireActor } from '../../graphql/context.js';
import { Broadcast } from './broadcast.entity.js';
import { broadcastWhere } from './broadcast.service.js';

const BroadcastConnection = Connection(Broadcast, 'Broadcast');
type BroadcastConnection = InstanceType<typeof BroadcastConnection>;

@Resolver(() => Broadcast)
export class BroadcastResolver {
  @Query(() => BroadcastConnection, { description: 'The team’s broadcasts, newest first (first ≤ 100)' })
  broadcasts(
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<BroadcastConnection> {
    return paginate(ctx.em, Broadcast, broadcastWhere(requireActor(ctx).teamId), { first, after });
  }
}
