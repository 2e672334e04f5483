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
export type Mailer = { send(mail: Mail): Promise<void>; close(): void };

const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : (v ?? ''));

/** SMTP through nodemailer when SMTP_URL is set; otherwise the outbox table and a log line. */
export function createMailer(opts: { smtpUrl?: string; from: string; orm: MikroORM; logger: Logger }): Mailer {
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(opts.smtpUrl);
    return {
      async send(mail) {
        await transport.sendMail({ ...mail, from: mail.from ?? opts.from });
        opts.logger.info({ to: mail.to, subject: mail.subject }, 'mail sent through SMTP');
      },
      close: () => transport.close(),
    };
  }
  return {
    async send(mail) {
      await opts.orm.em.fork().insert(new OutboxMessage(list(mail.to), mail.subject, mail.text ?? '', mail.html, mail.from ?? opts.from));
      opts.logger.info({ to: mail.to, subject: mail.subject }, 'mail kept in the outbox (no SMTP_URL)');
    },
    close: () => {},
  };
}
