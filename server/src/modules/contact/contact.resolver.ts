import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { AFTER_ARG, Connection, FIRST_ARG, paginate } from '../../graphql/connection.js';
import type { Context } from '../../graphql/context.js';
import { requireReader } from '../auth/actor.js';
import { Contact } from './contact.entity.js';
import { ContactFilter } from './contact.filter.js';
import { contactWhere } from './contact.service.js';

const ContactConnection = Connection(Contact, 'Contact');
type ContactConnection = InstanceType<typeof ContactConnection>;

export { ContactFilter };

@Resolver(() => Contact)
export class ContactResolver {
  @Query(() => ContactConnection, { description: 'The team’s contacts, newest first (first ≤ 100)' })
  contacts(
    @Arg('filter', () => ContactFilter, { nullable: true, description: 'Only the contacts that match; all when omitted' }) filter:
      | ContactFilter
      | null
      | undefined,
    @Arg('first', () => Int, FIRST_ARG) first: number | undefined,
    @Arg('after', () => String, AFTER_ARG) after: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<ContactConnection> {
    return paginate(ctx.em, Contact, contactWhere(requireReader(ctx.actor).teamId, filter), { first, after });
  }
}
