import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { Connection, paginate } from '../../graphql/connection.js';
import { type Context, requireActor } from '../../graphql/context.js';
import { Contact } from './contact.entity.js';
import { contactWhere } from './contact.service.js';

const ContactConnection = Connection(Contact, 'Contact');
type ContactConnection = InstanceType<typeof ContactConnection>;

@Resolver(() => Contact)
export class ContactResolver {
  @Query(() => ContactConnection, { description: 'The team’s contacts, newest first (first ≤ 100)' })
  contacts(
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<ContactConnection> {
    return paginate(ctx.em, Contact, contactWhere(requireActor(ctx).teamId), { first, after });
  }
}
