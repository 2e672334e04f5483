import { randomUUID } from 'node:crypto';
import { BigIntType, Entity, Enum, type FilterQuery, Index, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { Team, User } from '../team/team.entity.js';

export enum ExportResource {
  EMAILS = 'EMAILS',
  BROADCASTS = 'BROADCASTS',
  CONTACTS = 'CONTACTS',
  DOMAINS = 'DOMAINS',
  LOGS = 'LOGS',
  API_KEYS = 'API_KEYS',
}
registerEnumType(ExportResource, {
  name: 'ExportResource',
  description: 'What an export holds: the rows of one of the dashboard pages, with its filters',
  valuesConfig: {
    EMAILS: { description: 'Emails accepted by the API (filters: from, to, status, apiKeyId, search)' },
    BROADCASTS: { description: 'Broadcasts (filters: from, to, status, search)' },
    CONTACTS: { description: 'Contacts (filters: from, to, unsubscribed, search)' },
    DOMAINS: { description: 'Domains (filters: from, to)' },
    LOGS: { description: 'Request logs (filters: from, to, apiKeyId, statusCode, statusClass, method, endpoint)' },
    API_KEYS: { description: 'API keys, never their tokens (filters: from, to, permission, usageStatus, expiringSoon, enabled, search)' },
  },
});

export enum ExportStatus {
  PROCESSING = 'PROCESSING',
  READY = 'READY',
  FAILED = 'FAILED',
  EXPIRED = 'EXPIRED',
}
/** How long a READY export can be downloaded. */
export const DOWNLOAD_DAYS = 7;
export const DOWNLOAD_TTL_MS = DOWNLOAD_DAYS * 86_400_000;

registerEnumType(ExportStatus, {
  name: 'ExportStatus',
  description: 'Where an export is in its life',
  valuesConfig: {
    PROCESSING: { description: 'Being written, on the job queue; follow it with exportProgress' },
    READY: { description: 'Written: downloadUrl works until expiresAt' },
    FAILED: { description: 'Could not be written after its retries; error says why' },
    EXPIRED: { description: `Past its ${DOWNLOAD_DAYS} days: the file is deleted and the download answers 410` },
  },
});

@ObjectType({ description: `A CSV file of one of the team's resources, written by PostgreSQL; downloadable for ${DOWNLOAD_DAYS} days once READY` })
@Entity({ tableName: 'export' })
@Index({ properties: ['team', 'createdAt', 'id'] })
export class Export {
  @Field(() => ID, { description: 'UUID of the export' })
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team: Team;

  @Field(() => ExportResource, { description: 'What is exported' })
  @Enum({ items: () => ExportResource, nativeEnumName: 'export_resource' })
  resource: ExportResource;

  @Property({ type: 'json' })
  filters: Record<string, unknown>;

  @Enum({ items: () => ExportStatus, nativeEnumName: 'export_status' })
  status: ExportStatus & Opt = ExportStatus.PROCESSING;

  @Field(() => Int, { nullable: true, description: 'Rows in the file: exact, known at once for small exports and once READY for large ones' })
  @Property({ type: 'integer', nullable: true })
  rowCount?: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "PostgreSQL's estimate of the rows, for a large export's progress until rowCount is known (not counted up front, which would cost as much as the export)",
  })
  @Property({ type: 'integer', nullable: true })
  estimatedRowCount?: number | null;

  @Field(() => Int, { description: 'Rows written so far; equals rowCount once READY' })
  @Property({ type: 'integer', default: 0 })
  processedRows: number & Opt = 0;

  @Field(() => String, { nullable: true, description: 'Why the export failed' })
  @Property({ type: 'string', length: 500, nullable: true })
  error?: string | null;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  createdBy?: User | null;

  @Property({ type: 'uuid', nullable: true })
  createdByApiKeyId?: string | null;

  @Field(() => DateTimeISOResolver, { description: 'When the export was created' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'When it became READY or FAILED; null while PROCESSING' })
  @Property({ type: 'datetime', nullable: true })
  completedAt?: Date | null;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'The download works until then' })
  @Property({ type: 'datetime', nullable: true })
  expiresAt?: Date | null;

  /** The attempt whose chunks form the file (a retried job writes under a new attempt). */
  @Property({ type: 'uuid', nullable: true })
  fileAttempt?: string | null;

  /** The attempt writing the file now (set when it starts), which a download made while PROCESSING follows. */
  @Property({ type: 'uuid', nullable: true })
  writingAttempt?: string | null;

  /**
   * Size of the CSV in bytes: a bigint (an int stopped at 2 GiB), read as a number (exact up to
   * 2^53). GraphQL gives it as fileSizeBytes, and as fileSize while it fits an Int (export.resolver.ts).
   */
  @Property({ type: new BigIntType('number'), nullable: true })
  fileSize?: number | null;

  constructor(team: Team, resource: ExportResource, filters: Record<string, unknown>) {
    this.team = team;
    this.resource = resource;
    this.filters = filters;
  }
}

/** READY past its expiry reads as EXPIRED at once, whether or not the sweeper has run. */
export function effectiveStatus(e: Export, now = Date.now()): ExportStatus {
  if (e.status === ExportStatus.READY && e.expiresAt && e.expiresAt.getTime() <= now) return ExportStatus.EXPIRED;
  return e.status;
}

/** The exports whose effectiveStatus is `status`, as a query condition (the same rule as above). */
export function whereEffectiveStatus(status: ExportStatus, now = new Date()): FilterQuery<Export> {
  if (status === ExportStatus.READY) return { status, expiresAt: { $gt: now } };
  if (status === ExportStatus.EXPIRED) return { $or: [{ status }, { status: ExportStatus.READY, expiresAt: { $lte: now } }] };
  return { status };
}
