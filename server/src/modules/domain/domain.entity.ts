import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Team } from '../team/team.entity.js';

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

  @Field(() => String, { description: 'not_started until DNS verification exists' })
  @Enum({ items: () => DomainStatus, nativeEnumName: 'domain_status' })
  status: DomainStatus & Opt = DomainStatus.NOT_STARTED;

  @Field(() => DateTimeISOResolver, { description: 'When the domain was added' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  constructor(team: Team, name: string, region: Region) {
    this.team = team;
    this.name = name;
    this.region = region;
  }
}
