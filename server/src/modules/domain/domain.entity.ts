import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { Team } from '../team/team.entity.js';

export type RecordStatus = 'not_started' | 'pending' | 'verified' | 'failed' | 'temporary_failure';

export const REGIONS = ['us-east-1', 'eu-west-1', 'sa-east-1', 'ap-northeast-1'] as const;
export type Region = (typeof REGIONS)[number];

export enum DomainStatus {
  NOT_STARTED = 'not_started',
  PENDING = 'pending',
  VERIFIED = 'verified',
  FAILED = 'failed',
}

@ObjectType({ description: 'A domain the team sends email from' })
@Entity({ tableName: 'domain' })
@Unique({ properties: ['team', 'name'] })
export class Domain {
  @Field(() => ID, { description: 'UUID of the domain' })
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team: Team;

  @Field(() => String, { description: 'The domain name, lower-cased, e.g. mail.example.com' })
  @Property({ type: 'string', length: 253 })
  name: string;

  @Field(() => String, { description: 'us-east-1, eu-west-1, sa-east-1 or ap-northeast-1' })
  @Property({ type: 'string', length: 20 })
  region: string;

  @Field(() => String, {
    description: 'not_started, pending (records not all found yet), verified or failed (a record is wrong, or none was found within 72 hours)',
  })
  @Enum({ items: () => DomainStatus, nativeEnumName: 'domain_status' })
  status: DomainStatus & Opt = DomainStatus.NOT_STARTED;

  @Field(() => DateTimeISOResolver, { description: 'When the domain was added' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  /** The DKIM signing key (PKCS#8 PEM): never returned, never loaded unless asked for. */
  @Property({ type: 'text', lazy: true, hidden: true, nullable: true })
  dkimPrivateKey?: string | null;

  /** Base64 SubjectPublicKeyInfo, published in the DKIM record. */
  @Property({ type: 'text', nullable: true })
  dkimPublicKey?: string | null;

  /** What the last DNS check found for each record (see domain.records.ts). */
  @Property({ type: 'json', nullable: true })
  dnsChecks?: Record<string, RecordStatus> | null;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'When the DNS records were last checked' })
  @Property({ type: 'datetime', nullable: true })
  checkedAt?: Date | null;

  /** When verification started (status pending): after 72 hours without all records, it failed. */
  @Property({ type: 'datetime', nullable: true })
  pendingSince?: Date | null;

  constructor(team: Team, name: string, region: Region) {
    this.team = team;
    this.name = name;
    this.region = region;
  }
}
