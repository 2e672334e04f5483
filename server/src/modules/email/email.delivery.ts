import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../logger.js';
import type { Mailer } from '../mail/mailer.js';
import { Email } from './email.entity.js';

/**
 * Hands accepted emails to the mailer after the response and records the outcome.
 * Shutdown waits for deliveries in flight; emails still queued at start-up are picked up again.
 */
export class EmailDelivery {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly orm: MikroORM,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
  ) {}

  enqueue(ids: string[]): void {
    if (ids.length === 0) return;
    const p = this.deliver(ids).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Re-queues what a previous process accepted but did not deliver. */
  async resume(): Promise<void> {
    const em = this.orm.em.fork();
    const queued = await em.find(Email, { status: 'queued', createdAt: { $lt: new Date(Date.now() - 60_000) } }, { fields: ['id'], limit: 1000 });
    this.enqueue(queued.map((e) => e.id));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(ids: string[]): Promise<void> {
    const em = this.orm.em.fork();
    const emails = await em.find(Email, { id: { $in: ids }, status: 'queued' }, { populate: ['html', 'text', 'attachments'] });
    for (const email of emails) {
      try {
        await this.mailer.send({
          from: email.from,
          to: email.to,
          cc: email.cc,
          bcc: email.bcc,
          replyTo: email.replyTo,
          subject: email.subject,
          text: email.text ?? undefined,
          html: email.html ?? undefined,
          headers: email.headers ?? undefined,
          attachments: email.attachments?.map((a) => ({ filename: a.filename, content: a.content ? Buffer.from(a.content, 'base64') : undefined, contentType: a.content_type })),
        });
        email.status = 'sent';
        email.sentAt = new Date();
      } catch (err) {
        this.logger.warn({ err, emailId: email.id }, 'email delivery failed');
        email.status = 'failed';
        email.error = String((err as Error).message ?? err).slice(0, 500);
      }
    }
    await em.flush().catch((err: unknown) => this.logger.error({ err }, 'could not record email delivery'));
  }
}
