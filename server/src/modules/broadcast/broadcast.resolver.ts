import DataLoader from 'dataloader';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { AFTER_ARG, Connection, FIRST_ARG, paginate } from '../../graphql/connection.js';
import type { Context } from '../../graphql/context.js';
import { requireReader } from '../auth/actor.js';
import { Broadcast } from './broadcast.entity.js';
import { BroadcastFilter } from './broadcast.filter.js';
import { broadcastWhere, loadBroadcastBodies } from './broadcast.service.js';

const BroadcastConnection = Connection(Broadcast, 'Broadcast');
type BroadcastConnection = InstanceType<typeof BroadcastConnection>;

export { BroadcastFilter };

/** Per request: the bodies of every broadcast of a page that asks for them, in one statement. */
const bodyLoaders = new WeakMap<Context, DataLoader<Broadcast, Broadcast>>();
function withBodies(ctx: Context, broadcast: Broadcast): Promise<Broadcast> {
  let loader = bodyLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader((rows: readonly Broadcast[]) => loadBroadcastBodies(ctx.em, [...rows]), { cache: false });
    bodyLoaders.set(ctx, loader);
  }
  return loader.load(broadcast);
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

  // The list reads no bodies (lazy): a page that asks for them loads them all at once.
  @FieldResolver()
  async html(@Root() broadcast: Broadcast, @Ctx() ctx: Context): Promise<string | null> {
    return (broadcast.html === undefined ? (await withBodies(ctx, broadcast)).html : broadcast.html) ?? null;
  }

  @FieldResolver()
  async text(@Root() broadcast: Broadcast, @Ctx() ctx: Context): Promise<string | null> {
    return (broadcast.text === undefined ? (await withBodies(ctx, broadcast)).text : broadcast.text) ?? null;
  }
}
