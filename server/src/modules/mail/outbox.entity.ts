import { randomUUID } from 'node:crypto';
import { Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

/** Mail kept in the database when no SMTP relay is configured, so nothing is lost in development. */
@Entity({ tableName: 'outbox_message' })
export class OutboxMessage {
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Property({ type: 'text' })
  from: string;

  @Property({ type: 'text' })
  to: string;

  @Property({ type: 'string', length: 998 })
  subject: string;

  @Property({ type: 'text' })
  text: string;

  @Property({ type: 'text', nullable: true })
  html?: string;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  constructor(to: string, subject: string, text: string, html: string | undefined, from: string) {
    this.to = to;
    this.subject = subject;
    this.text = text;
    this.html = html;
    this.from = from;
  }
}
