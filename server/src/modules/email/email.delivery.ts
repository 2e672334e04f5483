import type pg from 'pg';
import type { Logger } from '../../logger.js';
import type { Mail, Mailer } from '../mail/mailer.js';
import type { EmailAttachment } from './email.entity.js';

const BATCH = 100;
const SWEEP_MS = 2000;
/** Under load, the pause between two deliveries: emails accepted meanwhile share a batch. */
const COALESCE_MS = 100;

type Claimed = {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  reply_to: string[];
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string> | null;
  attachments: EmailAttachment[] | null;
  message_id: string | null;
};

/**
 * Hands accepted emails to the mailer in batches, off the request path. Emails are claimed with
 * FOR UPDATE SKIP LOCKED, so any number of instances can deliver from one database without
 * sending twice; outcomes are recorded in one statement per batch.
 */
export class EmailDelivery {
  private running: Promise<void> | null = null;
  private again = false;
  private pause: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pool: pg.Pool,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => this.kick(), SWEEP_MS);
    this.timer.unref();
  }

  /** New emails are waiting: deliver soon (coalesces bursts into batches). */
  kick(): void {
    if (this.closed) return;
    if (this.running || this.pause) {
      this.again = true;
      return;
    }
    this.again = false;
    this.running = this.drain()
      .catch((err: unknown) => this.logger.error({ err }, 'email delivery loop failed'))
      .finally(() => {
        this.running = null;
        if (this.again && !this.closed) {
          // Emails arrived meanwhile. Under load, wait a moment so that they go out in one
          // batch rather than one statement per handful (a full batch is drained at once above);
          // the kicks of that moment only mark that there is more to deliver.
          this.pause = setTimeout(() => {
            this.pause = null;
            this.kick();
          }, COALESCE_MS);
          this.pause.unref();
        }
      });
  }

  /** Emails left 'sending' by a process that died are queued again. */
  async resume(): Promise<void> {
    await this.pool.query(`update email set status = 'queued' where status = 'sending' and claimed_at < now() - interval '5 minutes'`);
    this.kick();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.pause) clearTimeout(this.pause);
    this.closed = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    while ((await this.deliverBatch()) === BATCH && !this.closed);
  }

  private async deliverBatch(): Promise<number> {
    if (this.mailer.kind === 'outbox') return this.deliverToOutbox();
    const { rows: claimed } = await this.pool.query<Claimed>(
      `update email set status = 'sending', claimed_at = now()
        where id in (select id from email where status = 'queued' order by created_at limit ${BATCH} for update skip locked)
        returning id, "from", "to", cc, bcc, reply_to, subject, html, text, headers, attachments, message_id`,
    );
    if (claimed.length === 0) return 0;
    const outcomes = await this.mailer.sendBatch(claimed.map(toMail));
    const results = claimed.map((e, i) => {
      const err = outcomes[i];
      if (err) this.logger.warn({ err, emailId: e.id }, 'email delivery failed');
      return { id: e.id, status: err ? 'failed' : 'sent', error: err ? String(err.message).slice(0, 500) : null };
    });
    await this.pool.query(
      `update email e set status = r.status, error = r.error, sent_at = case when r.status = 'sent' then now() end
         from jsonb_to_recordset($1::jsonb) as r(id uuid, status text, error text) where e.id = r.id`,
      [JSON.stringify(results)],
    );
    return claimed.length;
  }

  /** Without a relay, claiming, keeping in the outbox and marking sent is one statement. */
  private async deliverToOutbox(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `with claimed as (
         update email set status = 'sent', sent_at = now(), claimed_at = now()
          where id in (select id from email where status = 'queued' order by created_at limit ${BATCH} for update skip locked)
          returning "from", "to", subject, text, html)
       insert into outbox_message (id, "from", "to", subject, text, html, created_at)
       select gen_random_uuid(), "from", (select string_agg(x, ', ') from jsonb_array_elements_text("to") as x), subject, coalesce(text, ''), html, now()
         from claimed`,
    );
    return rowCount ?? 0;
  }
}

function toMail(e: Claimed): Mail {
  return {
    from: e.from,
    to: e.to,
    cc: e.cc,
    bcc: e.bcc,
    replyTo: e.reply_to,
    subject: e.subject,
    text: e.text ?? undefined,
    html: e.html ?? undefined,
    headers: e.headers ?? undefined,
    messageId: e.message_id ?? undefined,
    attachments: e.attachments?.map((a) => ({
      filename: a.filename,
      content: a.content ? Buffer.from(a.content, 'base64') : undefined,
      contentType: a.content_type,
    })),
  };
}
