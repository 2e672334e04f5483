import { Field, InputType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { BroadcastStatus } from './broadcast.entity.js';

/**
 * The list's filter, once: the GraphQL input of its list (and of its export), the type its
 * builder takes, and what the deprecated `filters: JSON` of createExport is read through.
 */
@InputType({ description: 'Narrows the broadcasts, as on the Broadcasts page; the conditions given must all hold' })
export class BroadcastFilter {
  @Field(() => String, { nullable: true, description: 'draft or sent', deprecationReason: 'Use broadcastStatus, an enum' }) status?: string | null;
  @Field(() => BroadcastStatus, { nullable: true, description: 'Only broadcasts in this status' }) broadcastStatus?: BroadcastStatus | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Created at or after' }) from?: Date | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Created at or before' }) to?: Date | null;
  @Field(() => String, { nullable: true, description: 'Part of the name or the subject, any case' }) search?: string | null;
}
