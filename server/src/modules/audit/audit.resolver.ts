import type { FilterQuery } from '@mikro-orm/postgresql';
import { JSONResolver } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { AFTER_ARG, Connection, FIRST_ARG, paginate } from '../../graphql/connection.js';
import type { Context } from '../../graphql/context.js';
import { requireManager } from '../auth/actor.js';
import { User } from '../team/team.entity.js';
import { AuditEvent } from './audit-event.entity.js';

const AuditEventConnection = Connection(AuditEvent, 'AuditEvent');
/** The actions of what a key may never touch (PRODUCT.md: never members, invitations, roles or the team). */
const KEY_HIDDEN_ACTIONS = ['member.', 'team.'];
type AuditEventConnection = InstanceType<typeof AuditEventConnection>;

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, {
    description:
      "Who did what to keys, domains, members and exports; admins only. A full-access key sees what it may touch: not the team's or its members' and invitations' events",
  })
  auditEvents(
    @Arg('first', () => Int, FIRST_ARG) first: number | undefined,
    @Arg('after', () => String, AFTER_ARG) after: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<AuditEventConnection> {
    const actor = requireManager(ctx.actor);
    const where: FilterQuery<AuditEvent> = { team: actor.teamId };
    // A key never touches members, invitations, roles or the team: nor does it read their trail (invitees' addresses, roles).
    if (actor.kind === 'apiKey') where.$and = KEY_HIDDEN_ACTIONS.map((prefix) => ({ $not: { action: { $like: `${prefix}%` } } }));
    return paginate(ctx.em, AuditEvent, where, { first, after });
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'The member who acted; null when an API key did. A member since removed from the team still shows: the trail keeps who did what',
  })
  actor(@Root() event: AuditEvent, @Ctx() ctx: Context): Promise<User | null> | null {
    return event.actor ? ctx.loaders.user.load(event.actor.id) : null;
  }

  @FieldResolver(() => JSONResolver, { nullable: true, description: 'What changed; never a secret' })
  metadata(@Root() event: AuditEvent): unknown {
    return event.metadata ?? null;
  }
}
