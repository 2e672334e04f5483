import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { isDatabaseUnavailable } from '../../db/connection.js';
import type { DatabaseHealth } from '../../db/health.js';
import type { Logger } from '../../logger.js';
import { DKIM_SELECTOR, RETURN_PATH } from '../domain/domain.records.js';
import { DOMAIN_DELETED_ERROR } from '../domain/domain.service.js';
import { isPermanentMailError, keepInOutbox, type Mail, type Mailer, NotTriedError } from '../mail/mailer.js';
import { addressing, type EmailRow } from './email.entity.js';
import { domainOf, parseAddress } from './email.validation.js';

const BATCH = 100;
const SWEEP_MS = 2000;
/**
 * How far before the newest email a claim took the next claim after new sends starts looking: an
 * email stamped earlier than that and committed only after the claim (a write still in flight) is
 * left to the next sweep, at most SWEEP_MS later.
 */
const FLOOR_MARGIN_MS = 250;
/** Under load, the pause between two deliveries: emails accepted meanwhile share a batch. */
const COALESCE_MS = 100;

export type DeliveryOptions = {
  /** Attempts through the relay before an email is failed (a 5xx answer fails it at once). */
  maxAttempts: number;
  /** Wait before the second attempt; doubles each time, at most an hour. */
  retryBaseMs: number;
  /** A claim not renewed for this long was left by a dead instance: its emails are claimed again. */
  leaseMs: number;
  /** When given, nothing is tried while the database is down, and delivery resumes the moment it is back. */
  health?: DatabaseHealth;
  /** Told each attempt's outcome (metrics). */
  onOutcome?: (outcome: 'sent' | 'retried' | 'failed') => void;
};

const DEFAULT_OPTIONS: DeliveryOptions = { maxAttempts: 8, retryBaseMs: 30_000, leaseMs: 60_000 };
const MAX_RETRY_MS = 3600_000;
/** The first and the longest wait between two tries at recording outcomes the database did not take. */
const RECORD_RETRY_MS = 250;
const RECORD_RETRY_MAX_MS = 5000;

/**
 * What a delivery may take: queued emails whose retry time has come, and emails left 'sending'
 * by an instance that stopped renewing its claim (it died between claiming and recording). More
 * kinds of due email are added here, as conditions on the same rows.
 */
const DUE = `(status = 'queued' and (next_attempt_at is null or next_attempt_at <= now()))
          or (status = 'sending' and claimed_at < now() - $1 * interval '1 millisecond')`;

// The delivery's statements, prepared once per connection (named queries): under load they run
// every few milliseconds, and are planned once rather than on every run.
//
// Each statement comes in two forms. A sweep looks at every pending email, from the oldest. After
// new sends, a claim looks only from a floor (\`created_at >= $n\`): the pending index keeps an entry
// for every email sent since the last vacuum, oldest first, and a claim from the oldest read all
// of them each time — ~30 ms a claim once 30,000 were sent, growing until autovacuum.
/** The ids of a batch of pending emails (`due`), oldest first; from the floor when given its parameter's number. */
const pendingBatch = (due: string, floor?: number) =>
  `select id from email where (${due})${floor ? ` and created_at >= $${floor}` : ''} order by created_at limit ${BATCH} for update skip locked`;
/**
 * An email's content (html, text, attachments) up to this size comes with its claim; a larger one
 * is read when it is sent, a few at a time (LOAD_BYTES). A claim took up to 100 emails whole: 100
 * emails of 40 MB, which any sending key may queue, were 4 GB in one result, and the instance died
 * (40 of 10 MB killed one with a 256 MB heap); once their claim lapsed, the next instance took them
 * and died too, and no email went out any more.
 */
const INLINE_BYTES = 256 * 1024;
/** At most this much content (as stored: attachments compressed) read for a group of large emails; one email at least. */
const LOAD_BYTES = 32 * 1024 * 1024;
const CONTENT_BYTES = `coalesce(octet_length(html), 0) + coalesce(octet_length(text), 0) + coalesce(pg_column_size(attachments), 0)`;
const claim = (floor?: number) => `update email set status = 'sending', claimed_at = now(), attempts = attempts + 1
        where id in (${pendingBatch(DUE, floor)})
        returning id, team_id, attempts, "from", "to", cc, bcc, reply_to, subject, headers, message_id, created_at,
          ${CONTENT_BYTES} as content_bytes,
          case when ${CONTENT_BYTES} <= ${INLINE_BYTES} then html end as html,
          case when ${CONTENT_BYTES} <= ${INLINE_BYTES} then text end as text,
          case when ${CONTENT_BYTES} <= ${INLINE_BYTES} then attachments end as attachments`;
const CLAIM = claim();
const CLAIM_FROM_FLOOR = claim(2);
// An email not tried (its instance stopping) gets its attempt back and keeps its last error.
const RECORD_OUTCOMES = `update email e set status = r.status, next_attempt_at = r.next_attempt_at,
                  error = case when r.untried then e.error else r.error end,
                  attempts = case when r.untried then e.attempts - 1 else e.attempts end,
                  sent_at = case when r.status = 'sent' then now() else e.sent_at end
             from jsonb_to_recordset($1::jsonb) as r(id uuid, status text, error text, next_attempt_at timestamptz, untried boolean)
            where e.id = r.id and e.status = 'sending'`;
const toOutbox = (floor?: number) => `with claimed as (
         update email set status = 'sent', sent_at = now(), claimed_at = now()
          where id in (${pendingBatch(`status = 'queued'`, floor)})
          returning "from", "to", subject, text, html, created_at
       ), kept as (
         ${keepInOutbox(`select "from", (select string_agg(x, ', ') from jsonb_array_elements_text("to") as x) as "to", subject, coalesce(text, '') as text, html from claimed`)}
       )
       select count(*)::int as claimed, max(created_at) as newest from claimed`;
const TO_OUTBOX = toOutbox();
const TO_OUTBOX_FROM_FLOOR = toOutbox(1);

type Outcome = { id: string; status: 'sent' | 'queued' | 'failed'; error: string | null; next_attempt_at: string | null; untried?: boolean };

/** An email claimed for delivery: the columns the claim returns. */
type Claimed = Pick<
  EmailRow,
  'id' | 'attempts' | 'team_id' | 'from' | 'to' | 'cc' | 'bcc' | 'reply_to' | 'subject' | 'html' | 'text' | 'headers' | 'attachments' | 'message_id'
> & { created_at: Date; content_bytes: number };

/**
 * Hands accepted emails to the mailer in batches, off the request path. Emails are claimed with
 * FOR UPDATE SKIP LOCKED, so any number of instances can deliver from one database without
 * sending twice.
 *
 * Through a relay, delivery is at least once: an email is marked sent after the relay accepted
 * it, so an instance killed between the two leaves it 'sending', and once its claim lapses
 * (`leaseMs`, renewed while a batch is in flight) another instance sends it again — with the
 * same Message-ID, fixed when the email was accepted, by which the relay and mailbox providers
 * recognise the copy. Outcomes are recorded as the relay gives them (whatever arrived meanwhile
 * in one statement), which keeps that window to about one statement. A refused attempt (no
 * connection, a timeout, 4xx) is retried with exponential backoff; after `maxAttempts`, or at
 * once on a 5xx, the email is failed with the relay's answer as its error.
 */
export class EmailDelivery {
  private running: Promise<void> | null = null;
  private again = false;
  /** The next drain looks at every pending email, not only from the floor. */
  private sweep = true;
  /** Where a drain after new sends starts looking (created_at); null: from the oldest. */
  private floor: Date | null = null;
  private pause: NodeJS.Timeout | null = null;
  private closed = false;
  /** Aborted by close(): the emails of a batch not yet handed to the relay are left queued. */
  private readonly stopping = new AbortController();
  private readonly timer: NodeJS.Timeout;

  private readonly opts: DeliveryOptions;

  constructor(
    private readonly pool: pg.Pool,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    opts: Partial<DeliveryOptions> = {},
  ) {
    this.opts = { ...DEFAULT_OPTIONS, ...opts };
    this.timer = setInterval(() => this.kick(), SWEEP_MS);
    this.timer.unref();
    this.opts.health?.on('up', () => this.kick());
  }

  /**
   * Emails are waiting: deliver soon (coalesces bursts into batches). `fresh`: they were accepted
   * just now, so a claim from the floor finds them; anything else (the sweep, an email rescheduled
   * or come due, a retry) looks at every pending email.
   */
  kick(fresh = false): void {
    if (!fresh) this.sweep = true;
    if (this.closed || (this.opts.health && !this.opts.health.up)) return;
    if (this.running || this.pause) {
      this.again = true;
      return;
    }
    this.again = false;
    const floor = this.sweep ? null : this.floor;
    this.sweep = false;
    this.running = this.drain(floor)
      .catch((err: unknown) => this.logger.error({ err }, 'email delivery loop failed'))
      .finally(() => {
        this.running = null;
        if (this.again && !this.closed) {
          // Emails arrived meanwhile. Under load, wait a moment so that they go out in one
          // batch rather than one statement per handful (a full batch is drained at once above);
          // the kicks of that moment only mark that there is more to deliver (and, if any of them
          // was not for new sends, that the next drain is a sweep).
          this.pause = setTimeout(() => {
            this.pause = null;
            this.kick(true);
          }, COALESCE_MS);
          this.pause.unref();
        }
      });
  }

  /** Delivers what is due, emails left 'sending' by a process that died included (once their claim lapsed). */
  async resume(): Promise<void> {
    this.kick();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.pause) clearTimeout(this.pause);
    this.closed = true;
    this.stopping.abort();
    await this.running;
  }

  private async drain(floor: Date | null): Promise<void> {
    let from = floor;
    for (;;) {
      const { claimed, newest } = await this.deliverBatch(from);
      // Every pending email stamped before the newest one claimed was claimed, is being sent by
      // another instance, or is not due: the next claim after new sends starts there (less the
      // margin for writes still in flight). A sweep moves the floor as a claim from it does.
      if (newest) {
        const next = new Date(newest.getTime() - FLOOR_MARGIN_MS);
        if (!this.floor || next > this.floor) this.floor = next;
        if (from) from = this.floor;
      }
      if (claimed < BATCH || this.closed) return;
    }
  }

  private async deliverBatch(floor: Date | null): Promise<{ claimed: number; newest: Date | null }> {
    if (this.mailer.kind === 'outbox') return this.deliverToOutbox(floor);
    const { rows: claimed } = await this.pool.query<Claimed>(
      floor
        ? { name: 'keyring_email_claim_from_floor', text: CLAIM_FROM_FLOOR, values: [this.opts.leaseMs, floor] }
        : { name: 'keyring_email_claim', text: CLAIM, values: [this.opts.leaseMs] },
    );
    if (claimed.length === 0) return { claimed: 0, newest: null };
    const newest = new Date(Math.max(...claimed.map((e) => e.created_at.getTime())));
    // Claimed but not sent: a read that fails before the relay is tried (a connection lost) puts
    // them back at once; left 'sending', a live instance had them wait for the lease (a minute).
    const keys = await this.dkimKeys(claimed).catch(async (err: unknown) => {
      await this.unclaim(claimed.map((e) => e.id));
      throw err;
    });
    // The team no longer has the email's domain: deleted after this email was claimed (a delete
    // stops the pending emails it finds, not one being sent), or before a retry of it. It fails,
    // saying why, rather than going out from a domain the team no longer has.
    const gone: Claimed[] = [];
    const sendable: Claimed[] = [];
    for (const e of claimed) (keys.has(domainKey(e)) ? sendable : gone).push(e);
    const unresolved = new Set(sendable.map((e) => e.id));
    // The claim is renewed while the relay works, so that no other instance takes these emails.
    const renew = setInterval(
      () => {
        this.pool
          .query(`update email set claimed_at = now() where id = any($1::uuid[]) and status = 'sending'`, [[...unresolved]])
          .catch((err: unknown) => this.logger.warn({ err }, 'could not renew the claim on emails being sent'));
      },
      Math.max(250, this.opts.leaseMs / 3),
    );
    renew.unref();
    const recorder = this.outcomeRecorder();
    let retried = 0;
    let failed = 0;
    let untried = 0;
    for (const e of gone) {
      this.opts.onOutcome?.('failed');
      recorder.add({ id: e.id, status: 'failed', error: DOMAIN_DELETED_ERROR, next_attempt_at: null });
    }
    const send = (list: Claimed[]) =>
      this.mailer.sendBatch(
        list.map((e) => toMail(e, keys)),
        (i, err) => {
          const outcome = this.outcome(list[i], err);
          unresolved.delete(outcome.id);
          recorder.add(outcome);
          if (outcome.untried) {
            untried++;
            return;
          }
          this.opts.onOutcome?.(outcome.status === 'queued' ? 'retried' : outcome.status);
          if (outcome.status === 'queued') retried++;
          if (outcome.status === 'failed') failed++;
        },
        this.stopping.signal,
      );
    try {
      const large = sendable.filter((e) => e.content_bytes > INLINE_BYTES);
      await send(large.length === 0 ? sendable : sendable.filter((e) => e.content_bytes <= INLINE_BYTES));
      for (const group of loadGroups(large)) await send(await this.withContent(group));
    } catch (err) {
      // No send is in flight here (each group's is awaited): the unresolved were not tried.
      await this.unclaim([...unresolved]);
      throw err;
    } finally {
      clearInterval(renew);
      await recorder.done();
    }
    if (gone.length) this.logger.warn({ failed: gone.length }, 'emails whose domain was deleted before they went out: failed, not sent');
    if (retried || failed) {
      this.logger.warn(
        { claimed: claimed.length, retried, failed, sent: sendable.length - retried - failed - untried },
        `SMTP relay refused ${retried + failed} of ${sendable.length} emails: ${retried} queued for a retry with backoff, ${failed} failed`,
      );
    }
    if (untried) this.logger.info({ untried }, 'emails not handed to the relay before stopping: left queued, due at once');
    return { claimed: claimed.length, newest };
  }

  /** Claimed emails not handed to the relay: queued again, their attempt given back. */
  private async unclaim(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.pool
      .query(`update email set status = 'queued', attempts = attempts - 1 where id = any($1::uuid[]) and status = 'sending'`, [ids])
      .catch((err: unknown) =>
        this.logger.warn({ err, emails: ids.length }, 'could not put back claimed emails not sent; they are sent once their claim lapses'),
      );
  }

  private outcome(e: Claimed, err: Error | null): Outcome {
    if (!err) return { id: e.id, status: 'sent', error: null, next_attempt_at: null };
    // Not tried (this instance is stopping): due again at once, for another instance or the next start.
    if (err instanceof NotTriedError) return { id: e.id, status: 'queued', error: null, next_attempt_at: null, untried: true };
    const error = String(err.message).slice(0, 500);
    if (isPermanentMailError(err) || e.attempts >= this.opts.maxAttempts) {
      this.logger.warn({ err: { message: err.message }, emailId: e.id, attempts: e.attempts }, 'email delivery failed for good');
      return { id: e.id, status: 'failed', error, next_attempt_at: null };
    }
    // Exponential backoff with ±10 % jitter, so that emails refused together are not retried together.
    const wait = Math.min(MAX_RETRY_MS, this.opts.retryBaseMs * 2 ** (e.attempts - 1)) * (0.9 + Math.random() * 0.2);
    return { id: e.id, status: 'queued', error, next_attempt_at: new Date(Date.now() + wait).toISOString() };
  }

  /**
   * Records outcomes as they come: one statement at a time, each with everything that arrived
   * while the previous one ran. A statement that fails because the database went away (its
   * connection killed, a blip, a statement timeout) is tried again for half a lease, while no
   * other instance may take these emails: the relay has answered, and an outcome not recorded
   * has its emails sent again once their claim lapses. One that still fails leaves its emails
   * 'sending', to be sent again then (at least once, never lost).
   */
  private outcomeRecorder() {
    let pending: Outcome[] = [];
    let writing: Promise<void> = Promise.resolve();
    const write = async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const until = Date.now() + this.opts.leaseMs / 2;
      for (let wait = RECORD_RETRY_MS; ; wait = Math.min(wait * 2, RECORD_RETRY_MAX_MS)) {
        try {
          await this.pool.query({ name: 'keyring_email_outcomes', text: RECORD_OUTCOMES, values: [JSON.stringify(batch)] });
          return;
        } catch (err) {
          if (!isDatabaseUnavailable(err) || Date.now() + wait > until || this.closed) {
            this.logger.error({ err, emails: batch.length }, 'could not record delivery outcomes; the emails are sent again once their claim lapses');
            return;
          }
          this.logger.warn({ err: { message: (err as Error).message }, emails: batch.length }, 'could not record delivery outcomes; trying again');
          await sleep(wait);
        }
      }
    };
    return {
      add: (o: Outcome) => {
        pending.push(o);
        writing = writing.then(write);
      },
      done: async () => {
        await writing;
        await write();
      },
    };
  }

  /** Large emails with their content, read now: a group of them at a time, never the whole claim. */
  private async withContent(group: Claimed[]): Promise<Claimed[]> {
    const { rows } = await this.pool.query<Pick<Claimed, 'id' | 'html' | 'text' | 'attachments'>>(
      'select id, html, text, attachments from email where id = any($1::uuid[])',
      [group.map((e) => e.id)],
    );
    const content = new Map(rows.map((r) => [r.id, r]));
    return group.map((e) => ({ ...e, ...content.get(e.id) }));
  }

  /**
   * Each sending domain the team still has, with its DKIM key (null: none), for one batch: one
   * query, keyed by domainKey.
   */
  private async dkimKeys(claimed: Claimed[]): Promise<Map<string, string | null>> {
    const pairs = [...new Set(claimed.map(domainKey))].map((p) => p.split(' '));
    const { rows } = await this.pool.query<{ team_id: string; name: string; dkim_private_key: string | null }>(
      `select d.team_id, d.name, d.dkim_private_key from domain d
         join unnest($1::uuid[], $2::text[]) as p(team_id, name) on d.team_id = p.team_id and d.name = p.name`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    return new Map(rows.map((r) => [`${r.team_id} ${r.name}`, r.dkim_private_key]));
  }

  /** Without a relay, claiming, keeping in the outbox and marking sent is one statement. */
  private async deliverToOutbox(floor: Date | null): Promise<{ claimed: number; newest: Date | null }> {
    const { rows } = await this.pool.query<{ claimed: number; newest: Date | null }>(
      floor
        ? { name: 'keyring_email_to_outbox_from_floor', text: TO_OUTBOX_FROM_FLOOR, values: [floor] }
        : { name: 'keyring_email_to_outbox', text: TO_OUTBOX },
    );
    return rows[0];
  }
}

/** Large emails in groups of at most LOAD_BYTES of content (one email at least), in claim order. */
function loadGroups(large: Claimed[]): Claimed[][] {
  const groups: Claimed[][] = [];
  let bytes = 0;
  for (const e of large) {
    if (groups.length === 0 || bytes + e.content_bytes > LOAD_BYTES) {
      groups.push([]);
      bytes = 0;
    }
    groups[groups.length - 1].push(e);
    bytes += e.content_bytes;
  }
  return groups;
}

const sendingDomain = (from: string) => domainOf(parseAddress(from) ?? from);
/** An email's team and sending domain, as the key of dkimKeys' map. */
const domainKey = (e: Pick<Claimed, 'team_id' | 'from'>) => `${e.team_id} ${sendingDomain(e.from)}`;

function toMail(e: Claimed, keys: Map<string, string | null>): Mail {
  const domainName = sendingDomain(e.from);
  const privateKey = keys.get(domainKey(e));
  const recipients = [...e.to, ...e.cc, ...e.bcc].map((a) => parseAddress(a) ?? a);
  return {
    dkim: privateKey ? { domainName, keySelector: DKIM_SELECTOR, privateKey } : undefined,
    // Bounces go to the return path the domain publishes (its MX and SPF are on send.<domain>).
    envelope: { from: `bounces@${RETURN_PATH}.${domainName}`, to: recipients },
    ...addressing(e),
    replyTo: e.reply_to,
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
