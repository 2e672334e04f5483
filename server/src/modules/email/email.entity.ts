import { randomUUID } from 'node:crypto';
import { Entity, Index, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';

export type EmailStatus = 'scheduled' | 'queued' | 'sending' | 'sent' | 'failed' | 'canceled';
export const EMAIL_STATUSES = ['scheduled', 'queued', 'sent', 'failed', 'canceled'] as const;
export type EmailTag = { name: string; value: string };
export type EmailAttachment = { filename: string; content?: string; path?: string; content_type?: string };

@ObjectType()
@Entity({ tableName: 'email' })
@Index({ properties: ['teamId', 'createdAt', 'id'] })
@Unique({ properties: ['teamId', 'idempotencyKey'] })
export class Email {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Property({ type: 'uuid' })
  teamId!: string;

  /** The key that sent it; kept as a plain id once the key is deleted. */
  @Field(() => ID, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  apiKeyId?: string | null;

  @Field(() => String)
  @Property({ type: 'string', length: 320 })
  from!: string;

  @Field(() => [String])
  @Property({ type: 'json' })
  to!: string[];

  @Field(() => [String])
  @Property({ type: 'json' })
  cc: string[] & Opt = [];

  @Field(() => [String])
  @Property({ type: 'json' })
  bcc: string[] & Opt = [];

  @Field(() => [String])
  @Property({ type: 'json' })
  replyTo: string[] & Opt = [];

  @Field(() => String)
  @Property({ type: 'string', length: 998 })
  subject!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true, lazy: true })
  html?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true, lazy: true })
  text?: string | null;

  @Property({ type: 'json', nullable: true })
  headers?: Record<string, string> | null;

  @Property({ type: 'json', nullable: true })
  tags?: EmailTag[] | null;

  @Property({ type: 'json', nullable: true, lazy: true })
  attachments?: EmailAttachment[] | null;

  @Field(() => String, { description: 'scheduled, queued, sending, sent, failed or canceled' })
  @Property({ type: 'string', length: 16 })
  status: EmailStatus & Opt = 'queued';

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 500, nullable: true })
  error?: string | null;

  @Property({ type: 'datetime', nullable: true })
  claimedAt?: Date | null;

  @Property({ type: 'string', length: 256, nullable: true })
  idempotencyKey?: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  requestHash?: string | null;

  @Field(() => DateTimeISOResolver, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  sentAt?: Date | null;

  /** When a scheduled email is due; null for one sent at once. */
  @Field(() => DateTimeISOResolver, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  scheduledAt?: Date | null;

  /** The Message-ID header it is sent with, fixed when it is accepted. */
  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 512, nullable: true })
  messageId?: string | null;

  @Field(() => DateTimeISOResolver)
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();
}
