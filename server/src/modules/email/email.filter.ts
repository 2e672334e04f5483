import { Field, ID, InputType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { type EmailStatus, EmailStatusFilter } from './email.entity.js';

/**
 * The list's filter, once: the GraphQL input of its list (and of its export), the type its
 * builder takes, and what the deprecated `filters: JSON` of createExport is read through.
 */
@InputType({ description: 'Narrows the emails, as on the Emails page; the conditions given must all hold' })
export class EmailFilter {
  @Field(() => String, { nullable: true, description: 'scheduled, queued, sent, failed or canceled', deprecationReason: 'Use emailStatus, an enum' })
  status?: EmailStatus | null;
  @Field(() => EmailStatusFilter, { nullable: true, description: 'Only emails in this status' }) emailStatus?: EmailStatusFilter | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Accepted at or after this time' }) from?: Date | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Accepted at or before this time' }) to?: Date | null;
  @Field(() => ID, { nullable: true, description: 'Only emails sent with this key' }) apiKeyId?: string | null;
  @Field(() => String, { nullable: true, description: 'Part of the subject, the sender or a recipient, any case' }) search?: string | null;
}
