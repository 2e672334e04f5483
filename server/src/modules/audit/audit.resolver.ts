import { JSONResolver } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { AFTER_ARG, Connection, FIRST_ARG, paginate } from '../../graphql/connection.js';
import type { Context } from '../../graphql/context.js';
import { requireManager } from '../auth/actor.js';
import { User } from '../team/team.entity.js';
import { AuditEvent } from './audit-event.entity.js';

const AuditEventConnection = Connection(AuditEvent, 'AuditEvent');
type AuditEventConnection = InstanceType<typeof AuditEventConnection>;

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, { description: 'Who did what to keys, domains, members and exports; admins only' })
  auditEvents(
    @Arg('first', () => Int, FIRST_ARG) first: number | undefined,
    @Arg('after', () => String, AFTER_ARG) after: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<AuditEventConnection> {
    return paginate(ctx.em, AuditEvent, { team: requireManager(ctx.actor).teamId }, { first, after });
  }

  @FieldResolver(() => User, { nullable: true, description: 'The member who acted; null when an API key did, or once the user is removed' })
  actor(@Root() event: AuditEvent, @Ctx() ctx: Context): Promise<User | null> | null {
    return event.actor ? ctx.loaders.user.load(event.actor.id) : null;
  }

  @FieldResolver(() => JSONResolver, { nullable: true, description: 'What changed; never a secret' })
  metadata(@Root() event: AuditEvent): unknown {
    return event.metadata ?? null;
  }
}
