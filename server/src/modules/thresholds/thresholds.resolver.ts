import { Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { EXPIRING_SOON_DAYS, INACTIVE_AFTER_DAYS } from '../api-key/api-key.entity.js';
import { DOWNLOAD_DAYS } from '../export/export.entity.js';
import { INLINE_MAX_ROWS } from '../export/export.service.js';

@ObjectType({ description: 'The fixed numbers behind the rules, so that a client words them without keeping a copy' })
export class Thresholds {
  @Field(() => Int, { description: 'A key unused for this many days is INACTIVE' }) inactiveAfterDays!: number;
  @Field(() => Int, { description: 'A key that expires within this many days is expiring soon' }) expiringSoonDays!: number;
  @Field(() => Int, { description: 'A READY export can be downloaded for this many days' }) exportDownloadDays!: number;
  @Field(() => Int, { description: 'Exports of at most this many rows are READY in the response to createExport' }) exportInlineMaxRows!: number;
}

const THRESHOLDS: Thresholds = {
  inactiveAfterDays: INACTIVE_AFTER_DAYS,
  expiringSoonDays: EXPIRING_SOON_DAYS,
  exportDownloadDays: DOWNLOAD_DAYS,
  exportInlineMaxRows: INLINE_MAX_ROWS,
};

@Resolver()
export class ThresholdsResolver {
  @Query(() => Thresholds, {
    description: 'The fixed numbers behind the rules (inactive, expiring soon, export download and inline limits); readable signed out',
  })
  thresholds(): Thresholds {
    return THRESHOLDS;
  }
}
