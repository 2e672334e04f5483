import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
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

  // The list reads no bodies (lazy): a page that asks for them loads them all at once.
  @FieldResolver()
  async html(@Root() broadcast: Broadcast, @Ctx() ctx: Context): Promise<string | null> {
    return (broadcast.html === undefined ? (await ctx.loaders.broadcastBodies.load(broadcast)).html : broadcast.html) ?? null;
  }

  @FieldResolver()
  async text(@Root() broadcast: Broadcast, @Ctx() ctx: Context): Promise<string | null> {
    return (broadcast.text === undefined ? (await ctx.loaders.broadcastBodies.load(broadcast)).text : broadcast.text) ?? null;
  }
}
