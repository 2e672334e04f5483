import { randomUUID } from 'node:crypto';
import { Entity, Index, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeISOResolver } from '../../graphql/date-time.js';

export type EmailStatus = 'scheduled' | 'queued' | 'sending' | 'sent' | 'failed' | 'canceled';
/** The statuses an email list can be filtered by (`sending` is a moment inside delivery, never shown). */
export enum EmailStatusFilter {
  SCHEDULED = 'scheduled',
  QUEUED = 'queued',
  SENT = 'sent',
  FAILED = 'failed',
  CANCELED = 'canceled',
}
registerEnumType(EmailStatusFilter, {
  name: 'EmailStatus',
  description: "An email's status, as the Emails page filters by it (Email.status reads it in lower case)",
  valuesConfig: {
    SCHEDULED: { description: 'Waiting for its scheduledAt' },
    QUEUED: { description: 'Accepted, waiting for delivery' },
    SENT: { description: 'Handed to the mail server' },
    FAILED: { description: 'Delivery failed; Email.error says why' },
    CANCELED: { description: 'A scheduled email canceled before it was due' },
  },
});
export const EMAIL_STATUSES = Object.values(EmailStatusFilter);
export type EmailTag = { name: string; value: string };
export type EmailAttachment = { filename: string; content?: string; path?: string; content_type?: string };

/**
 * One row of the `email` table as the send path's SQL writes and reads it (jsonb_to_recordset on
 * the way in, RETURNING on the way to delivery): column names, JSON values. The Email entity is
 * the ORM's view of the same row, for the dashboard and REST reads.
 */
/** What an email is from the request to the message sent: its sender, recipients and subject (the same names throughout). */
export const addressing = (e: Pick<EmailRow, 'from' | 'to' | 'cc' | 'bcc' | 'subject'>) => ({
  from: e.from,
  to: e.to,
  cc: e.cc,
  bcc: e.bcc,
  subject: e.subject,
});

export type EmailRow = {
  id: string;
  team_id: string;
  api_key_id: string | null;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  reply_to: string[];
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string> | null;
  tags: EmailTag[] | null;
  attachments: EmailAttachment[] | null;
  idempotency_key: string | null;
  request_hash: string | null;
  status: EmailStatus;
  /** ISO-8601 */
  scheduled_at: string | null;
  message_id: string;
  /** ISO-8601 */
  created_at: string;
  /** Delivery attempts so far */
  attempts: number;
};

@ObjectType({ description: 'An email accepted by the REST API (POST /emails or /emails/batch) and delivered off the request path' })
@Entity({ tableName: 'email' })
@Index({ properties: ['teamId', 'createdAt', 'id'] })
@Index({ properties: ['teamId', 'apiKeyId', 'createdAt', 'id'] })
@Unique({ properties: ['teamId', 'idempotencyKey'] })
export class Email {
  @Field(() => ID, { description: 'UUID of the email, as returned by POST /emails' })
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Property({ type: 'uuid' })
  teamId!: string;

  /** The key that sent it; kept as a plain id once the key is deleted. */
  @Field(() => ID, { nullable: true, description: 'The id of the key that sent it, kept after the key is deleted' })
  @Property({ type: 'uuid', nullable: true })
  apiKeyId?: string | null;

  @Field(() => String, { description: 'The sender, as given ("Name <address>" or an address) on one of the team\'s domains' })
  @Property({ type: 'string', length: 320 })
  from!: string;

  @Field(() => [String], { description: 'Recipients (1–50 addresses)' })
  @Property({ type: 'json' })
  to!: string[];

  @Field(() => [String], { description: 'Carbon-copy recipients; empty when none' })
  @Property({ type: 'json' })
  cc: string[] & Opt = [];

  @Field(() => [String], { description: 'Blind-copy recipients; empty when none' })
  @Property({ type: 'json' })
  bcc: string[] & Opt = [];

  @Field(() => [String], { description: 'Reply-To addresses; empty when none' })
  @Property({ type: 'json' })
  replyTo: string[] & Opt = [];

  @Field(() => String, { description: 'The subject line' })
  @Property({ type: 'string', length: 998 })
  subject!: string;

  @Field(() => String, { nullable: true, description: 'The HTML body; null when only text was sent' })
  @Property({ type: 'text', nullable: true, lazy: true })
  html?: string | null;

  @Field(() => String, { nullable: true, description: 'The plain-text body; null when only HTML was sent' })
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

  @Field(() => String, { nullable: true, description: 'Why delivery failed; null unless the status is failed' })
  @Property({ type: 'string', length: 500, nullable: true })
  error?: string | null;

  @Property({ type: 'datetime', nullable: true })
  claimedAt?: Date | null;

  @Property({ type: 'string', length: 256, nullable: true })
  idempotencyKey?: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  requestHash?: string | null;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'When the relay (or the outbox) took it; null until sent' })
  @Property({ type: 'datetime', nullable: true })
  sentAt?: Date | null;

  /** When a scheduled email is due; null for one sent at once. */
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'When a scheduled email is (or was) due; null when it was sent at once' })
  @Property({ type: 'datetime', nullable: true })
  scheduledAt?: Date | null;

  /** The Message-ID header it is sent with, fixed when it is accepted. */
  @Field(() => String, { nullable: true, description: 'The Message-ID header it is sent with, fixed when it is accepted' })
  @Property({ type: 'string', length: 512, nullable: true })
  messageId?: string | null;

  @Field(() => DateTimeISOResolver, { description: 'When the API accepted it' })
  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();
}
