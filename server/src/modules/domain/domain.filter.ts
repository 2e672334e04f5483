import { Field, InputType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';

/**
 * The list's filter, once: the GraphQL input of its list (and of its export), the type its
 * builder takes, and what the deprecated `filters: JSON` of createExport is read through.
 */
@InputType({ description: 'Narrows the domains; the conditions given must all hold' })
export class DomainFilter {
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Added at or after this time' }) from?: Date | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Added at or before this time' }) to?: Date | null;
}
