import nodemailer from 'nodemailer';
import type pg from 'pg';
import type { Logger } from '../../logger.js';

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
  /** The Message-ID header, `<id@domain>` */
  messageId?: string;
  /** The SMTP envelope (MAIL FROM, RCPT TO) when it differs from the headers: the return path */
  envelope?: { from: string; to: string[] };
  /** Signs the message (DKIM-Signature, rsa-sha256) with the sending domain's key */
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  attachments?: { filename: string; content?: Buffer; contentType?: string }[];
  /** Values (an invitation token) that go to the recipient but are never kept: the outbox stores them redacted. */
  secrets?: string[];
};
/**
 * The outbox's INSERT of the mails a query selects as ("from", "to", subject, text, html): the one
 * statement that writes outbox_message, so that a caller may claim and keep mail in one.
 */
export const keepInOutbox = (mails: string) =>
  `insert into outbox_message (id, "from", "to", subject, text, html, created_at)
   select gen_random_uuid(), m."from", m."to", m.subject, m.text, m.html, now() from (${mails}) m`;

export type Mailer = {
  /** 'outbox' keeps mail in the outbox_message table (no SMTP_URL). */
  kind: 'smtp' | 'outbox';
  send(mail: Mail): Promise<void>;
  /**
   * Sends many; resolves to one outcome per mail (null when sent). `onEach` hears each outcome as
   * soon as the relay gives it, so that it can be recorded before the rest of the batch is done.
   * Once `stop` aborts, the mails not yet handed to the relay are not tried: their outcome is a
   * NotTriedError.
   */
  sendBatch(mails: Mail[], onEach?: (index: number, err: Error | null) => void, stop?: AbortSignal): Promise<(Error | null)[]>;
  close(): void;
};

const SMTP_CONCURRENCY = 8;
/** A relay that accepts the connection and then says nothing must not hold a delivery for minutes (nodemailer's defaults). */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * A refusal that will not change by retrying: the relay answered 5xx (mailbox unknown, message
 * refused, authentication failed). Anything else — no connection, a timeout, a 4xx ("try again
 * later") — is worth another attempt.
 */
export function isPermanentMailError(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** A mail of a batch that was not handed to the relay: the instance is stopping. */
export class NotTriedError extends Error {
  constructor() {
    super('Not tried: the instance sending it was stopping.');
    this.name = 'NotTriedError';
  }
}

const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : (v ?? ''));

/** SMTP through nodemailer when SMTP_URL is set; otherwise the outbox table and a log line. */
export function createMailer(opts: { smtpUrl?: string; from: string; pool: pg.Pool; logger: Logger }): Mailer {
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport({ url: opts.smtpUrl, ...SMTP_TIMEOUTS });
    const send = async (mail: Mail) => {
      const { secrets: _secrets, ...message } = mail;
      await transport.sendMail({ ...message, from: mail.from ?? opts.from });
      opts.logger.debug({ to: mail.to, subject: mail.subject }, 'mail sent through SMTP');
    };
    return {
      kind: 'smtp',
      send,
      async sendBatch(mails, onEach, stop) {
        const outcomes: (Error | null)[] = new Array(mails.length).fill(null);
        let next = 0;
        const worker = async () => {
          for (let i = next++; i < mails.length; i = next++) {
            // A hung relay holds each send for the socket timeout: a stopping instance waited one
            // timeout after another for the rest of its batch (a minute for 16, minutes for 100).
            if (stop?.aborted) outcomes[i] = new NotTriedError();
            else
              await send(mails[i]).catch((e: unknown) => {
                outcomes[i] = e instanceof Error ? e : new Error(String(e));
              });
            onEach?.(i, outcomes[i]);
          }
        };
        await Promise.all(Array.from({ length: Math.min(SMTP_CONCURRENCY, mails.length) }, worker));
        return outcomes;
      },
      close: () => transport.close(),
    };
  }
  // The outbox is a table anyone with the database can read: a live invitation link there would
  // be a credential kept in clear, while the database otherwise holds only its hash.
  const keep = (mail: Mail, text: string) => (mail.secrets ?? []).reduce((t, secret) => (secret ? t.split(secret).join('[redacted]') : t), text);
  const row = (mail: Mail) => ({
    from: mail.from ?? opts.from,
    to: list(mail.to),
    subject: keep(mail, mail.subject),
    text: keep(mail, mail.text ?? ''),
    html: mail.html === undefined ? null : keep(mail, mail.html),
  });
  // One INSERT whatever the number of mails: they land or fail as one.
  const insert = (mails: Mail[]) =>
    opts.pool.query(keepInOutbox(`select * from jsonb_to_recordset($1::jsonb) as v("from" text, "to" text, subject text, text text, html text)`), [
      JSON.stringify(mails.map(row)),
    ]);
  return {
    kind: 'outbox',
    async send(mail) {
      await insert([mail]);
      opts.logger.info({ to: mail.to, subject: mail.subject }, 'mail kept in the outbox (no SMTP_URL)');
    },
    async sendBatch(mails) {
      try {
        await insert(mails);
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
