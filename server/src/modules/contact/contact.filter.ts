import { Field, InputType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';

/**
 * The list's filter, once: the GraphQL input of its list (and of its export), the type its
 * builder takes, and what the deprecated `filters: JSON` of createExport is read through.
 */
@InputType({ description: 'Narrows the contacts, as on the Contacts page; the conditions given must all hold' })
export class ContactFilter {
  @Field(() => Boolean, { nullable: true, description: 'true for unsubscribed contacts only, false for subscribed ones' })
  unsubscribed?: boolean | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Created at or after' }) from?: Date | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Created at or before' }) to?: Date | null;
  @Field(() => String, { nullable: true, description: 'Part of the email address or the name, any case' }) search?: string | null;
}
