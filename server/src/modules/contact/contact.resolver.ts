import { DateTimeISOResolver } from 'graphql-scalars';
import { Arg, Ctx, Field, InputType, Int, Query, Resolver } from 'type-graphql';
import { AFTER_ARG, Connection, FIRST_ARG, paginate } from '../../graphql/connection.js';
import type { Context } from '../../graphql/context.js';
import { requireReader } from '../auth/actor.js';
import { Contact } from './contact.entity.js';
import { contactWhere } from './contact.service.js';

const ContactConnection = Connection(Contact, 'Contact');
type ContactConnection = InstanceType<typeof ContactConnection>;

@InputType({ description: 'Narrows the contacts, as on the Contacts page; the conditions given must all hold' })
export class ContactFilter {
  @Field(() => Boolean, { nullable: true, description: 'true for unsubscribed contacts only, false for subscribed ones' })
  unsubscribed?: boolean | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Created at or after' }) from?: Date | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Created at or before' }) to?: Date | null;
  @Field(() => String, { nullable: true, description: 'Part of the email address or the name, any case' }) search?: string | null;
}

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
