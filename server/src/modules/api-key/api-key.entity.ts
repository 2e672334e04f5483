import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { Domain } from '../domain/domain.entity.js';
import { Team, User } from '../team/team.entity.js';

export enum Permission {
  FULL_ACCESS = 'FULL_ACCESS',
  SENDING_ACCESS = 'SENDING_ACCESS',
}
registerEnumType(Permission, {
  name: 'Permission',
  description: 'What an API key may do',
  valuesConfig: {
    FULL_ACCESS: { description: 'Create, delete, get and update any resource' },
    SENDING_ACCESS: { description: 'Only send emails, optionally only from one domain' },
  },
});

export enum UsageStatus {
  NEVER_USED = 'NEVER_USED',
  ACTIVE = 'ACTIVE',
  INACTIVE = 'INACTIVE',
}
/** A key unused this long is INACTIVE (Resend's advice: suggest deleting it). */
export const INACTIVE_AFTER_DAYS = 30;
export const INACTIVE_AFTER_MS = INACTIVE_AFTER_DAYS * 86_400_000;
/** A key that expires within this many days is "expiring soon". */
export const EXPIRING_SOON_DAYS = 7;
export const EXPIRING_SOON_MS = EXPIRING_SOON_DAYS * 86_400_000;

registerEnumType(UsageStatus, {
  name: 'UsageStatus',
  description: 'Whether an API key is in use, from its last request',
  valuesConfig: {
    NEVER_USED: { description: 'No request has been made with the key yet' },
    ACTIVE: { description: `Used within the last ${INACTIVE_AFTER_DAYS} days` },
    INACTIVE: { description: `Not used for ${INACTIVE_AFTER_DAYS} days or more` },
  },
});

@ObjectType({ description: "A team's API key. The token itself is never readable: only tokenStart, and the token once, when the key is created or rolled" })
@Entity({ tableName: 'api_key' })
@Index({ properties: ['team', 'createdAt'] })
export class ApiKey {
  @Field(() => ID, { description: 'UUID of the key' })
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team: Team;

  @Field(() => String, { description: 'Name given by the team, 1–50 characters' })
  @Property({ type: 'string', length: 50 })
  name: string;

  @Field(() => Permission, { description: 'Full access, or sending email only' })
  @Enum({ items: () => Permission, nativeEnumName: 'permission' })
  permission: Permission;

  // Restrict: deleting a domain must never silently widen a key that was tied to it.
  @ManyToOne(() => Domain, { nullable: true, deleteRule: 'restrict' })
  domain?: Domain | null;

  @Field(() => String, { description: 'The first characters of the token, to recognise it' })
  @Property({ type: 'string', length: 16 })
  tokenStart: string;

  // SHA-256 of the token; the token itself is never stored.
  @Property({ type: 'string', length: 64, hidden: true })
  @Unique()
  tokenHash: string;

  // The token replaced by the last roll, honoured until previousTokenExpiresAt.
  @Property({ type: 'string', length: 64, nullable: true, hidden: true })
  @Unique()
  previousTokenHash?: string | null;

  @Property({ type: 'datetime', nullable: true, hidden: true })
  previousTokenExpiresAt?: Date | null;

  // Shown with its expiry while the old token still works (ApiKey.previousTokenStart).
  @Property({ type: 'string', length: 16, nullable: true, hidden: true })
  previousTokenStart?: string | null;

  @Field(() => Boolean, { description: 'false while the key is disabled: its token is refused ("This API key is disabled.") until it is enabled again' })
  @Property({ type: 'boolean', default: true })
  enabled: boolean & Opt = true;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  createdBy?: User | null;

  @Field(() => DateTimeISOResolver, { description: 'When the key was created' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Field(() => DateTimeISOResolver, { description: 'When the key was last changed (name, permission, domain, token roll)' })
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'When the key last made a request, refused ones included; null if it never has' })
  @Property({ type: 'datetime', nullable: true })
  lastUsedAt?: Date | null;

  @Field(() => Int, {
    description:
      'Requests made with the key, REST and GraphQL, refused ones included: as many as its usage logs stand for (a rate-limit summary counts the requests it sums up)',
  })
  @Property({ type: 'integer', default: 0 })
  requestCount: number & Opt = 0;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'After this, the key fails like a deleted one' })
  @Property({ type: 'datetime', nullable: true })
  expiresAt?: Date | null;

  constructor(init: Pick<ApiKey, 'team' | 'name' | 'permission' | 'tokenStart' | 'tokenHash'> & Partial<ApiKey>) {
    this.team = init.team;
    this.name = init.name;
    this.permission = init.permission;
    this.tokenStart = init.tokenStart;
    this.tokenHash = init.tokenHash;
    Object.assign(this, init);
  }
}

/**
 * The token replaced by the last roll while it still works, else null: until the end of its grace
 * period or the key's expiry, whichever comes first (as the verifier refuses it). A key expiring
 * tomorrow rolled with 7 days' grace showed its old token working for 7 days.
 */
export function livePreviousToken(key: ApiKey, now = Date.now()): { tokenStart: string | null; expiresAt: Date } | null {
  if (!key.previousTokenHash || !key.previousTokenExpiresAt) return null;
  const until = key.expiresAt && key.expiresAt.getTime() < key.previousTokenExpiresAt.getTime() ? key.expiresAt : key.previousTokenExpiresAt;
  if (until.getTime() <= now) return null;
  return { tokenStart: key.previousTokenStart ?? null, expiresAt: until };
}

export function usageStatusOf(lastUsedAt: Date | null | undefined, now = Date.now()): UsageStatus {
  if (!lastUsedAt) return UsageStatus.NEVER_USED;
  return now - lastUsedAt.getTime() < INACTIVE_AFTER_MS ? UsageStatus.ACTIVE : UsageStatus.INACTIVE;
}
