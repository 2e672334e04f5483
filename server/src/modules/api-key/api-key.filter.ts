import { Field, InputType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { EXPIRING_SOON_DAYS, Permission, UsageStatus } from './api-key.entity.js';

/**
 * The list's filter, once: the GraphQL input of its list (and of its export), the type its
 * builder takes, and what the deprecated `filters: JSON` of createExport is read through.
 */
@InputType({ description: 'Narrows the key list; the conditions given must all hold' })
export class ApiKeyFilter {
  @Field(() => String, { nullable: true, description: 'Matches the name or the token start' }) search?: string | null;
  @Field(() => Permission, { nullable: true, description: 'Only keys with this permission' }) permission?: Permission | null;
  @Field(() => UsageStatus, { nullable: true, description: 'Only keys with this usage status' }) usageStatus?: UsageStatus | null;
  @Field(() => Boolean, { nullable: true, description: `Keys that expire within ${EXPIRING_SOON_DAYS} days` }) expiringSoon?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Only enabled keys (true) or only disabled ones (false)' }) enabled?: boolean | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Created at or after this time' }) from?: Date | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Created at or before this time' }) to?: Date | null;
}
