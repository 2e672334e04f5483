import type { MikroORM } from '@mikro-orm/postgresql';
import nodemailer from 'nodemailer';
import type { Logger } from '../../logger.js';
import { OutboxMessage } from './outbox.entity.js';

export type Mail = {
  from?: string;
  to: string | string[];
  cc?: string[];
  bcc?: string[];
  replyTo?: string[];
  subject: string;
  text?: string;
  html?: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content?: Buffer; contentType?: string }[];
};
export type Mailer = {
  send(mail: Mail): Promise<void>;
  /** Sends many; resolves to one outcome per mail (null when sent). */
  sendBatch(mails: Mail[]): Promise<(Error | null)[]>;
  close(): void;
};

const SMTP_CONCURRENCY = 8;

const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : (v ?? ''));

/** SMTP through nodemailer when SMTP_URL is set; otherwise the outbox table and a log line. */
export function createMailer(opts: { smtpUrl?: string; from: string; orm: MikroORM; logger: Logger }): Mailer {
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(opts.smtpUrl);
    const send = async (mail: Mail) => {
      await transport.sendMail({ ...mail, from: mail.from ?? opts.from });
      opts.logger.debug({ to: mail.to, subject: mail.subject }, 'mail sent through SMTP');
    };
    return {
      send,
      async sendBatch(mails) {
        const outcomes: (Error | null)[] = new Array(mails.length).fill(null);
        let next = 0;
        const worker = async () => {
          for (let i = next++; i < mails.length; i = next++) {
            await send(mails[i]).catch((e: unknown) => {
              outcomes[i] = e instanceof Error ? e : new Error(String(e));
            });
          }
        };
        await Promise.all(Array.from({ length: Math.min(SMTP_CONCURRENCY, mails.length) }, worker));
        return outcomes;
      },
      close: () => transport.close(),
    };
  }
  const row = (mail: Mail) => new OutboxMessage(list(mail.to), mail.subject, mail.text ?? '', mail.html, mail.from ?? opts.from);
  return {
    async send(mail) {
      await opts.orm.em.fork().insert(row(mail));
      opts.logger.info({ to: mail.to, subject: mail.subject }, 'mail kept in the outbox (no SMTP_URL)');
    },
    async sendBatch(mails) {
      // One INSERT for the whole batch: it lands or fails as one.
      try {
        await opts.orm.em.fork().insertMany(mails.map(row));
        opts.logger.debug({ count: mails.length }, 'mail kept in the outbox (no SMTP_URL)');
        return mails.map(() => null);
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        return mails.map(() => err);
      }
    },
    close: () => {},
  };
}
