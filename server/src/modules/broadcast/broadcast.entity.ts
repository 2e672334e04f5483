import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { Team } from '../team/team.entity.js';

export enum BroadcastStatus {
  DRAFT = 'draft',
  SENT = 'sent',
}
registerEnumType(BroadcastStatus, {
  name: 'BroadcastStatus',
  description: "A broadcast's status, as the Broadcasts page filters by it (Broadcast.status reads it in lower case)",
  valuesConfig: { DRAFT: { description: 'Not sent yet' }, SENT: { description: 'Sent to its audience' } },
});

/** One email written once for many contacts; created as a draft. */
@ObjectType({ description: 'An email for many contacts, made over the Resend-compatible REST API' })
@Entity({ tableName: 'broadcast' })
@Index({ properties: ['team', 'createdAt', 'id'] })
export class Broadcast {
  @Field(() => ID, { description: 'UUID of the broadcast' })
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team: Team;

  @Field(() => String, { description: 'Internal name, for the team only' })
  @Property({ type: 'string', length: 255 })
  name: string;

  @Field(() => String, { description: 'The sender, "Name <address>" or an address' })
  @Property({ type: 'string', length: 320 })
  from: string;

  @Field(() => String, { description: 'The subject line' })
  @Property({ type: 'string', length: 998 })
  subject: string;

  @Field(() => [String], { nullable: true, description: 'Reply-To addresses; null when none' })
  @Property({ type: 'json', nullable: true })
  replyTo?: string[] | null;

  @Field(() => String, { nullable: true, description: 'The preview line that mail clients show after the subject; null when none' })
  @Property({ type: 'string', length: 500, nullable: true })
  previewText?: string | null;

  // Lazy, as an email's: up to 1,000,000 characters each, read where asked for (getBroadcast, loadBroadcastBodies), never by a list.
  @Field(() => String, { nullable: true, description: 'The HTML body; null when none' })
  @Property({ type: 'text', nullable: true, lazy: true })
  html?: string | null;

  @Field(() => String, { nullable: true, description: 'The plain-text body; null when none' })
  @Property({ type: 'text', nullable: true, lazy: true })
  text?: string | null;

  // Resend's audience; kept as given, since segments do not exist here yet.
  @Field(() => String, { nullable: true, description: 'The Resend segment (audience) id it was given, kept as is; null when none' })
  @Property({ type: 'string', length: 100, nullable: true })
  segmentId?: string | null;

  @Field(() => String, { description: 'draft or sent' })
  @Enum({ items: () => BroadcastStatus, nativeEnumName: 'broadcast_status', default: BroadcastStatus.DRAFT })
  status: BroadcastStatus & Opt = BroadcastStatus.DRAFT;

  @Field(() => DateTimeISOResolver, { description: 'When the broadcast was created' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'When it was sent; null for a draft' })
  @Property({ type: 'datetime', nullable: true })
  sentAt?: Date | null;

  constructor(init: Pick<Broadcast, 'team' | 'name' | 'from' | 'subject'> & Partial<Broadcast>) {
    this.team = init.team;
    this.name = init.name;
    this.from = init.from;
    this.subject = init.subject;
    Object.assign(this, init);
  }
}
