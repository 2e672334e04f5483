import { randomUUID } from 'node:crypto';
import { raw, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { AppError, badInput, conflict, ErrorCode, notFound } from '../../errors.js';
import { sha256Hex } from '../../lib/crypto.js';
import { dateRangeWhere } from '../../lib/date-range.js';
import { checkFilterId, isUuid } from '../../lib/ids.js';
import { caseSearchRegex } from '../../lib/case-search.js';
import { beyond, escapeLike, SEARCH_MAX, searchPattern } from '../../lib/sql.js';
import type { VerifiedKey } from '../api-key/api-key.verifier.js';
import type { ApiKeyActor } from '../auth/actor.js';
import { Domain, DomainStatus } from '../domain/domain.entity.js';
import { addressing, EMAIL_STATUSES, Email, type EmailStatus } from './email.entity.js';
import type { EmailFilter } from './email.filter.js';
import { domainOf, parseAddress, parseScheduledAt, parseSendEmail, type SendEmailRequest } from './email.validation.js';
import type { EmailWriter, NewEmailRow } from './email.writer.js';

export type { EmailFilter };

export const BATCH_MAX = 100;
const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** A key tied to a domain sends only from it. (That the team has the domain is checked by the insert.) */
function checkKeyDomain(key: VerifiedKey, domains: string[]): void {
  const other = key.domainName ? domains.find((d) => d !== key.domainName) : undefined;
  if (other !== undefined) {
    throw new AppError(ErrorCode.FORBIDDEN, `This API key can only send from the ${key.domainName} domain.`, {
      field: 'from',
      restName: 'invalid_from_address',
    });
  }
}

/** Why the insert refused a sending domain (it checks all three in its statement). */
async function missingDomainError(em: EntityManager, teamId: string, domains: string[]): Promise<AppError> {
  const known = await em.find(Domain, { team: teamId, name: { $in: domains } }, { fields: ['name', 'status'] });
  const missing = domains.find((d) => !known.some((k) => k.name === d));
  // A domain the team may not send from is Resend's 403 `validation_error`, whatever the reason (not
  // added, not verified, another team's); `invalid_from_address` is the key's own domain restriction.
  if (missing !== undefined) {
    return new AppError(ErrorCode.FORBIDDEN, `The ${missing} domain is not registered in your team. Add it on the Domains page first.`, {
      field: 'from',
      restName: 'validation_error',
    });
  }
  const taken = await em.find(Domain, { name: { $in: domains }, status: DomainStatus.VERIFIED, team: { $ne: teamId } }, { fields: ['name'] });
  if (taken.length > 0) {
    return new AppError(ErrorCode.FORBIDDEN, `The ${taken[0].name} domain is verified by another team: only that team may send from it.`, {
      field: 'from',
      restName: 'validation_error',
    });
  }
  const unverified = known.find((k) => k.status !== DomainStatus.VERIFIED)?.name ?? domains[0];
  return new AppError(
    ErrorCode.FORBIDDEN,
    `The ${unverified} domain is not verified. Verify it on the Domains page: this server sends only from verified domains.`,
    { field: 'from', restName: 'validation_error' },
  );
}

/** Why a replayed batch's email, refused for its domain when the batch was first sent, is not among its emails. */
async function replayedRefusal(em: EntityManager, teamId: string, domain: string): Promise<string> {
  if ((await em.count(Domain, { team: teamId, name: domain })) === 0) return (await missingDomainError(em, teamId, [domain])).message;
  return `Not sent: its domain (${domain}) could not send when this batch was first sent under this Idempotency-Key. Send it again under a new key.`;
}

/**
 * A request's hash for its Idempotency-Key: of its JSON with every object's keys sorted, so that
 * the same email sent again with its fields in another order is the same request (it was a 409).
 */
const hashOf = (value: unknown) => sha256Hex(JSON.stringify(value, (_key, v: unknown) => (isPlainObject(v) ? sortedKeys(v) : v)));
/**
 * The hashes older code wrote for these inputs (a single email as `[email]`): with its keys sorted,
 * and before that unsorted. A retry across an upgrade still matches its first request.
 */
const legacyHashes = (inputs: unknown[]) => [hashOf(inputs), sha256Hex(JSON.stringify(inputs))];
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const sortedKeys = (v: Record<string, unknown>) =>
  Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, v[k]]),
  );

function toRow(key: ApiKeyActor, e: SendEmailRequest, idempotencyKey: string | null, requestHash: string | null, createdAt: Date): NewEmailRow {
  const id = randomUUID();
  const scheduled = e.scheduledAt !== null && e.scheduledAt.getTime() > createdAt.getTime();
  return {
    id,
    team_id: key.teamId,
    api_key_id: key.apiKeyId,
    ...addressing(e),
    reply_to: e.reply_to,
    html: e.html ?? null,
    text: e.text ?? null,
    headers: e.headers ?? null,
    tags: e.tags ?? null,
    attachments: e.attachments ?? null,
    idempotency_key: idempotencyKey,
    request_hash: requestHash,
    status: scheduled ? 'scheduled' : 'queued',
    scheduled_at: e.scheduledAt?.toISOString() ?? null,
    // Fixed at acceptance, so the id a client reads is the one the message carries.
    message_id: `<${id}@${domainOf(parseAddress(e.from)!)}>`,
    created_at: createdAt.toISOString(),
  };
}

/**
 * Where a batch's i-th email is stored, out of reach of every single email's key. A single email
 * is stored under the client's key as sent; a batch's i-th email under `key` U+001F `i`, or for a
 * key too long for that to fit the column (256: a 254-character key in a batch of 11 was a 500),
 * U+001F `sha256:<hex of key>` U+001F `i`. A header value never holds a control character (Node
 * answers 400 before any route runs, and checkIdempotencyKey refuses one all the same), so no
 * client key equals a batch slot, and the two batch forms differ in their first character. The old
 * form, `key#i` (`sha256:<hex>#i` when long), was a single email's key too: `k#0` sent alone and a
 * batch under `k` took the same slot (a wrong replay or a 409).
 */
const SEP = '\u001f';
function batchSlot(key: string, i: number): string {
  const slot = `${key}${SEP}${i}`;
  return slot.length <= 256 ? slot : `${SEP}sha256:${sha256Hex(key)}${SEP}${i}`;
}

/**
 * The slot the code before U+001F gave a batch's i-th email. Rows written under it keep replaying
 * for their 24 hours after an upgrade (no migration: a row under `k#0` alone cannot tell whether
 * it is a batch's or a single email's), and batches look them up too, but only a row whose
 * request hash is this batch's as that code computed it (legacyHashes): a single email's hash
 * is now of the email itself, an object, which never equals a batch's, a hash of an array. So a
 * batch never replays a single email stored since the upgrade. Left for those 24 hours is what the
 * old code did with its own rows: a single email sent under `k#0` still finds an old batch's row,
 * and a batch of one still finds an old single email's row with the same body; and an old batch
 * retried with another body is accepted as new (its old rows, of another hash, are passed over)
 * rather than a 409. Once no row of the old code is younger than 24 hours, this finds nothing.
 */
function legacyBatchSlot(key: string, i: number): string {
  const slot = `${key}#${i}`;
  return slot.length <= 256 ? slot : `sha256:${sha256Hex(key)}#${i}`;
}

function checkIdempotencyKey(idempotencyKey: string | undefined): void {
  if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 256)) {
    throw badInput('Idempotency-Key', 'The Idempotency-Key header must be 1 to 256 characters.', 'invalid_idempotency_key');
  }
  // HTTP never delivers one (Node refuses the request); refused here too, as batchSlot relies on it.
  if (idempotencyKey !== undefined && [...idempotencyKey].some((c) => (c < ' ' && c !== '\t') || c === '\u007f')) {
    throw badInput('Idempotency-Key', 'The Idempotency-Key header may not hold control characters.', 'invalid_idempotency_key');
  }
}

export type BatchError = { index: number; message: string };
export type Accepted = {
  ids: string[];
  /** Permissive batches: the emails refused, by index; the others were accepted. */
  errors: BatchError[];
  replayed: boolean;
  /** When the scheduled emails among them are due. */
  due: Date[];
};

/**
 * Accepts emails and stores them as queued (or scheduled); delivery happens after the response.
 * With an Idempotency-Key, the same request within 24 hours answers the same emails, and a
 * different request with the same key is a conflict. A batch is all or nothing unless
 * `permissive`: then each email is accepted or refused on its own, and the refused ones come
 * back as `errors` with their index.
 */
export async function acceptEmails(
  /** `em` is read only when needed (idempotency, a refused domain): the plain send skips the ORM. */
  ctx: { readonly em: EntityManager; key: VerifiedKey; services: { emailWriter: EmailWriter } },
  inputs: unknown[],
  opts: { idempotencyKey?: string; batch: boolean; permissive?: boolean },
): Promise<Accepted> {
  const { key } = ctx;
  checkIdempotencyKey(opts.idempotencyKey);
  const errors: BatchError[] = [];
  // Every refusal of a batch names its email, as its validation errors do: `emails[2]: …`.
  const named = (index: number, message: string) => (message.startsWith(`emails[${index}]`) ? message : `emails[${index}]: ${message}`);
  const refuse = (index: number, e: unknown) => {
    if (!opts.permissive || !(e instanceof AppError)) throw e;
    errors.push({ index, message: named(index, e.message) });
  };
  const parsed: (SendEmailRequest | null)[] = inputs.map((input, i) => {
    try {
      const email = parseSendEmail(input, opts.batch ? `emails[${i}]` : undefined);
      checkKeyDomain(key, [domainOf(parseAddress(email.from)!)]);
      return email;
    } catch (e) {
      refuse(i, e);
      return null;
    }
  });
  const idempotent = opts.idempotencyKey !== undefined;
  // A single email's hash is of the email (an object), a batch's of the array: never equal, which
  // is what tells an old batch's row from a single email's (legacyBatchSlot).
  const requestHash = !idempotent ? null : opts.batch ? hashOf(inputs) : hashOf(inputs[0]);
  const slot = (i: number) => (!idempotent ? null : opts.batch ? batchSlot(opts.idempotencyKey!, i) : opts.idempotencyKey!);

  if (idempotent) {
    // Any email of the request stored under the key makes it a replay: in a permissive batch the
    // first one may have been refused for its domain and stored nothing (then every retry was new,
    // and a 409 on the slots that were stored).
    const indexes = parsed.flatMap((p, i) => (p === null ? [] : [i]));
    let slotOf = slot;
    let previous =
      indexes.length === 0
        ? null
        : await findIdempotent(
            ctx.em,
            key.teamId,
            indexes.map((i) => slotOf(i)!),
          );
    if (!previous && opts.batch && indexes.length > 0) {
      // Stored by the code before U+001F, within 24 hours: only this same batch's rows.
      slotOf = (i) => legacyBatchSlot(opts.idempotencyKey!, i);
      previous = await findIdempotent(
        ctx.em,
        key.teamId,
        indexes.map((i) => slotOf(i)!),
        legacyHashes(inputs),
      );
    }
    if (previous) {
      // Before singles hashed the email alone, they hashed [email] (and before that, unsorted).
      if (previous.requestHash !== requestHash && !legacyHashes(inputs).includes(previous.requestHash ?? '')) {
        throw conflict('This idempotency key has already been used on a request with a different payload.', 'invalid_idempotent_request');
      }
      if (!opts.batch) return { ids: [previous.id], errors, replayed: true, due: [] };
      const emails = await ctx.em.find(
        Email,
        { teamId: key.teamId, idempotencyKey: { $in: parsed.map((_, i) => slotOf(i)!) }, requestHash: previous.requestHash },
        { fields: ['id', 'idempotencyKey'] },
      );
      const ids: string[] = [];
      for (const [i, p] of parsed.entries()) {
        const id = emails.find((e) => e.idempotencyKey === slotOf(i))?.id;
        if (id !== undefined) ids.push(id);
        // Refused for its domain the first time: the same refusal again while the team still has
        // no such domain; once it has, why it could not send then is not known now (a domain
        // added since was answered "not verified", where verification is not even required).
        else if (p !== null) errors.push({ index: i, message: named(i, await replayedRefusal(ctx.em, key.teamId, domainOf(parseAddress(p.from)!))) });
      }
      // Some of the batch refused: it was sent permissive. A strict batch is all or nothing, and
      // `{ data }` with fewer ids than emails said every one was accepted.
      if (!opts.permissive && errors.length > 0) {
        throw conflict(
          'This idempotency key was used on a batch sent with `x-batch-validation: permissive`, which accepted some of its emails: retry it as permissive to read which.',
          'invalid_idempotent_request',
        );
      }
      return { ids, errors: errors.sort((a, b) => a.index - b.index), replayed: true, due: [] };
    }
  }

  const createdAt = new Date();
  const rows = parsed.map((p, i) => (p === null ? null : toRow(key, p, slot(i), requestHash, createdAt)));
  const accepted = rows.filter((r): r is NewEmailRow => r !== null);
  const inserted = new Set<NewEmailRow>();
  try {
    if (idempotent && accepted.length > 0) {
      // A key older than 24 hours may be used again: release it first.
      await ctx.em.nativeUpdate(
        Email,
        { teamId: key.teamId, idempotencyKey: { $in: accepted.map((r) => r.idempotency_key!) }, createdAt: { $lt: new Date(Date.now() - IDEMPOTENCY_TTL_MS) } },
        { idempotencyKey: null },
      );
    }
    const domainsOf = (list: NewEmailRow[]) => [...new Set(list.map((r) => domainOf(parseAddress(r.from)!)))];
    if (!opts.permissive) {
      if (!(await ctx.services.emailWriter.insert(key.teamId, accepted, domainsOf(accepted))))
        throw await missingDomainError(ctx.em, key.teamId, domainsOf(accepted));
      for (const r of accepted) inserted.add(r);
    } else {
      // Each email on its own: concurrent inserts still share one statement (group commit).
      // Settled, so that every row written is known when another one fails (see below).
      const results = await Promise.allSettled(accepted.map((r) => ctx.services.emailWriter.insert(key.teamId, [r], domainsOf([r]))));
      for (const [j, result] of results.entries()) if (result.status === 'fulfilled' && result.value) inserted.add(accepted[j]);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      for (const [j, result] of results.entries()) {
        if (result.status === 'fulfilled' && !result.value)
          refuse(rows.indexOf(accepted[j]), await missingDomainError(ctx.em, key.teamId, domainsOf([accepted[j]])));
      }
    }
  } catch (e) {
    // 23505: the unique (team, idempotency key) index, from node-postgres directly.
    if (e instanceof UniqueConstraintViolationException || (e as { code?: string }).code === '23505') {
      // A permissive batch's emails are written one by one: those written before another request
      // took a slot of this key are taken back, or the 409 (retry) left them stored, to be sent.
      // One already claimed by a delivery is past taking back.
      if (inserted.size > 0) {
        await ctx.em.nativeDelete(Email, { teamId: key.teamId, id: { $in: [...inserted].map((r) => r.id) }, status: { $in: ['queued', 'scheduled'] } });
      }
      throw conflict('Another request with this idempotency key is in progress or has just completed. Retry it.', 'concurrent_idempotent_requests');
    }
    throw e;
  }
  const done = accepted.filter((r) => inserted.has(r));
  return {
    ids: done.map((r) => r.id),
    errors: errors.sort((a, b) => a.index - b.index),
    replayed: false,
    due: done.filter((r) => r.status === 'scheduled').map((r) => new Date(r.scheduled_at!)),
  };
}

/** The first email stored under one of these idempotency keys in the last 24 hours (with one of these request hashes), if any. */
async function findIdempotent(em: EntityManager, teamId: string, idempotencyKeys: string[], requestHashes?: string[]): Promise<Email | null> {
  return em.findOne(
    Email,
    {
      teamId,
      idempotencyKey: { $in: idempotencyKeys },
      createdAt: { $gte: new Date(Date.now() - IDEMPOTENCY_TTL_MS) },
      ...(requestHashes ? { requestHash: { $in: requestHashes } } : {}),
    },
    { orderBy: { idempotencyKey: 'asc' } },
  );
}

/** At most this much body text (html and text, as stored) for the emails of one request a list read without it. */
const PAGE_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The bodies (html, text) of emails a list read without them (lazy: up to 5,000,000 characters
 * each), in one statement — once their size is known to fit PAGE_BODY_BYTES: a page of 100 emails
 * of 10 MB would be a gigabyte in memory. Past it, BAD_USER_INPUT says how to ask.
 */
export async function loadEmailBodies(em: EntityManager, emails: readonly Email[]): Promise<void> {
  const ids = [...new Set(emails.map((e) => e.id))];
  if (ids.length === 0) return;
  const [{ bytes }] = await em
    .getConnection()
    .execute<{ bytes: string }[]>(
      'select coalesce(sum(coalesce(octet_length(html), 0) + coalesce(octet_length(text), 0)), 0)::bigint as bytes from email where id in (?)',
      [ids],
    );
  if (Number(bytes) > PAGE_BODY_BYTES) {
    const mb = (Number(bytes) / 1024 / 1024).toFixed(1);
    throw badInput('first', `The bodies of these emails are ${mb} MB, over 16 MB: ask for fewer emails (first), or for each with email(id).`);
  }
  // One find of both bodies, which the identity map merges into the listed rows.
  await em.find(Email, { id: { $in: ids } }, { fields: ['id', 'html', 'text'] });
}

export async function getEmail(em: EntityManager, teamId: string, id: string): Promise<Email> {
  const email = isUuid(id) ? await em.findOne(Email, { id, teamId }, { populate: ['html', 'text'] }) : null;
  if (!email) throw notFound('Email');
  return email;
}

/** An email's recipients (a JSON array of strings) as text, one a line, for a search. */
const RECIPIENTS_TEXT = (alias: string) => `array_to_string(array(select jsonb_array_elements_text(${alias}."to")), E'\\n')`;

export function emailWhere(teamId: string, filter: EmailFilter | null = {}): FilterQuery<Email> {
  filter ??= {}; // `filter: null` is as good as none
  const where: FilterQuery<Email> & Record<string, unknown> = { teamId };
  const status = filter.emailStatus ?? filter.status;
  if (status) {
    if (!(EMAIL_STATUSES as readonly string[]).includes(status))
      throw badInput('status', `Status must be ${EMAIL_STATUSES.slice(0, -1).join(', ')} or ${EMAIL_STATUSES.at(-1)}.`);
    // An email being delivered (`sending`) is shown as queued (emailJson): listed as queued too.
    where.status = status === 'queued' ? { $in: ['queued', 'sending'] } : status;
  }
  checkFilterId('apiKeyId', filter.apiKeyId);
  if (filter.apiKeyId) where.apiKeyId = filter.apiKeyId;
  // A letter outside ASCII in any case, which ILIKE does not fold in the C locale (see caseSearchRegex):
  // ÉLODIE found no email to élodie@ nor the subject 'Élodie'. And in either Unicode form, composed
  // or decomposed (as macOS pastes), as emails are stored as sent: `jose\u0301` found no 'José'. Either
  // is a filter on the rows of a window (listEmails), as no index serves a search: the plan stays the same.
  const search = searchPattern(filter.search) ? (filter.search as string).trim() : undefined;
  if (search) {
    const forms = [...new Set([search, search.normalize('NFC'), search.normalize('NFD')])].filter((f) => f.length <= SEARCH_MAX);
    where.$or = forms.flatMap((form) => {
      const regex = caseSearchRegex(form);
      const match = () => (regex ? { $re: regex } : { $ilike: `%${escapeLike(form)}%` });
      // The recipients are a JSON array: searched as the addresses it holds, one a line. Its JSON
      // text held what no recipient does (`[` or `", "` found every email) and escaped what one
      // did (`"Bob, Jr." <bob@x.com>` was `\"Bob, Jr.\"`, which a search for `"Bob` missed).
      return [{ subject: match() }, { from: match() }, { [raw((alias) => RECIPIENTS_TEXT(alias))]: match() }];
    });
  }
  const createdAt = dateRangeWhere(filter);
  if (createdAt) where.createdAt = createdAt;
  return where;
}

/** An email's place in the list's (createdAt, id) order, as a cursor holds it. */
export type EmailPosition = { createdAt: Date; id: string };

/**
 * The statuses email_team_status_time_index holds: the rare ones. The send path never writes it
 * (an email is inserted queued and updated to sent), which a full (team, status) index would on
 * both: 22 % more WAL per insert, 13 % more per delivery update (bench/statements.ts).
 */
export const INDEXED_STATUSES: readonly EmailStatus[] = ['failed', 'canceled', 'scheduled'];

/**
 * Whether one query serves the filter: the team's emails, one key's, one of INDEXED_STATUSES, or
 * queued ones (email_pending_index holds only the emails not yet delivered), within any dates; a
 * key and a status read no more than the team's emails of that status. A search, or sent (most
 * emails, but a team whose emails fail has few), is searched a window at a time (listEmails).
 */
export function servedByIndex(filter: EmailFilter | null | undefined): boolean {
  const status = filter?.emailStatus ?? filter?.status;
  return !searchPattern(filter?.search) && (!status || status === 'queued' || INDEXED_STATUSES.includes(status));
}

/**
 * The windows, in the team's emails, of a filtered list that no index serves (a search, or a
 * status like sent: a status matching nothing read all 400,000 of a team's emails, 290 ms, a
 * search 440 ms): 100,000 emails at most before it stops and says how far it got.
 */
export const EMAIL_SEARCH_WINDOWS = [10_000, 30_000, 60_000];

export type EmailPage = {
  /** In list order: newest first, or oldest first for direction 'newer'. */
  emails: Email[];
  /** More emails may follow `next` (a full page, or a search stopped by its budget). */
  hasMore: boolean;
  /** Where to continue: the last email of a full page, or where a stopped search got to. */
  next: EmailPosition | null;
  /** Set when the search stopped before the page was full: emails beyond this were not searched. */
  searchedUntil: Date | null;
};

const NIL = '00000000-0000-0000-0000-000000000000';
const MAX = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/**
 * A page of the team's emails matching a filter, newest first, keyset-paged after `after` (with
 * direction 'newer': the emails newer than `after`, oldest first, as REST's `before` reads them).
 * A filter an index serves (servedByIndex) is one query. Any other searches the team's emails
 * (those of the key and dates filtered by, which an index serves) in windows of about 10,000, then
 * 30,000, then 60,000 of them (EMAIL_SEARCH_WINDOWS), each found by walking the (team, created_at,
 * id) index; then it stops with `searchedUntil`, and the next page (after `next`) goes on from
 * there. With `resumeFromEmail` (REST, whose cursors are ids) a stopped search's `next` is an
 * email: the one just beyond the windows, searched too.
 */
export async function listEmails(
  em: EntityManager,
  teamId: string,
  filter: EmailFilter | null | undefined,
  opts: { limit: number; after: EmailPosition | null; direction?: 'older' | 'newer'; windows?: number[]; resumeFromEmail?: boolean },
): Promise<EmailPage> {
  emailWhere(teamId, filter ?? null); // validates once, whatever the path
  const want = opts.limit + 1;
  const newer = opts.direction === 'newer';
  const order = newer ? 'asc' : 'desc';
  const orderBy = { createdAt: order, id: order } as const;
  const past = (p: EmailPosition | null) => (p ? [beyond(p, newer ? '$gt' : '$lt')] : []);
  // The filter built anew for each query: its raw() search key is used up by the query it is in.
  const find = (conditions: FilterQuery<Email>[], limit: number) =>
    em.find(Email, { $and: [emailWhere(teamId, filter ?? null), ...conditions] }, { orderBy, limit });
  const page = (emails: Email[], stop: EmailPosition | null): EmailPage => {
    if (emails.length >= want) {
      const last = emails[opts.limit - 1];
      return { emails: emails.slice(0, opts.limit), hasMore: true, next: { createdAt: last.createdAt, id: last.id }, searchedUntil: null };
    }
    return { emails, hasMore: stop !== null, next: stop, searchedUntil: stop?.createdAt ?? null };
  };
  if (servedByIndex(filter)) return page(await find(past(opts.after), want), null);

  // The emails the windows are counted in: the filter but for its status and search.
  const scope = emailWhere(teamId, { ...filter, status: null, emailStatus: null, search: null });
  const emails: Email[] = [];
  let upper = opts.after;
  for (const size of opts.windows ?? EMAIL_SEARCH_WINDOWS) {
    // The size-th email left: an index-only walk (10 ms for 10,000 at 400,000 emails).
    const edge: { createdAt: Date } | null = await em
      .createQueryBuilder(Email)
      .select('createdAt')
      .where({ $and: [scope, ...past(upper)] })
      .orderBy(orderBy)
      .offset(size - 1)
      .limit(1)
      .execute('get');
    // To its millisecond whole (a Date holds no more), so nothing is skipped going on beyond it.
    const bound = edge ? new Date(edge.createdAt) : null;
    const within = bound ? [{ createdAt: { [newer ? '$lte' : '$gte']: bound } }] : [];
    emails.push(...(await find([...past(upper), ...within], want - emails.length)));
    if (emails.length >= want || !bound) return page(emails, null);
    upper = { createdAt: bound, id: newer ? MAX : NIL }; // everything up to `bound` is searched
  }
  if (!opts.resumeFromEmail) return page(emails, upper);
  // The next email beyond the windows, searched too: a cursor naming it skips nothing.
  const [next] = await em.find(Email, { $and: [scope, ...past(upper)] }, { orderBy, limit: 1 });
  if (!next) return page(emails, null);
  if ((await em.count(Email, { $and: [emailWhere(teamId, filter ?? null), { id: next.id }] })) > 0) emails.push(next);
  return page(emails, { createdAt: next.createdAt, id: next.id });
}

export function emailJson(e: Email, full = false) {
  return {
    object: 'email' as const,
    id: e.id,
    to: e.to,
    from: e.from,
    created_at: e.createdAt.toISOString(),
    subject: e.subject,
    ...(full ? { html: e.html ?? null, text: e.text ?? null, tags: e.tags ?? [] } : {}),
    bcc: e.bcc.length ? e.bcc : null,
    cc: e.cc.length ? e.cc : null,
    reply_to: e.replyTo.length ? e.replyTo : null,
    last_event: e.status === 'sending' ? 'queued' : e.status,
    scheduled_at: e.scheduledAt?.toISOString() ?? null,
    message_id: e.messageId ?? null,
  };
}

const notScheduled = (e: Email) =>
  badInput('id', `Only a scheduled email can be changed or canceled; this one is ${e.status === 'sending' ? 'queued' : e.status}.`);

/** A scheduled email, canceled before it is due (it is then never sent). */
export async function cancelEmail(em: EntityManager, teamId: string, id: string): Promise<Email> {
  const email = await getEmail(em, teamId, id);
  // Conditional, so a cancel racing the due-email job either wins or is refused: never both.
  const changed = await em.nativeUpdate(Email, { id: email.id, teamId, status: 'scheduled' }, { status: 'canceled' });
  await em.refresh(email);
  if (!changed) throw notScheduled(email);
  return email;
}

/** A scheduled email, moved to another time (`scheduled_at` as on send); due now means queued now. */
export async function rescheduleEmail(em: EntityManager, teamId: string, id: string, scheduledAt: string): Promise<Email> {
  const email = await getEmail(em, teamId, id);
  const at = parseScheduledAt(scheduledAt);
  const status = at.getTime() > Date.now() ? 'scheduled' : 'queued';
  const changed = await em.nativeUpdate(Email, { id: email.id, teamId, status: 'scheduled' }, { scheduledAt: at, status });
  await em.refresh(email);
  if (!changed) throw notScheduled(email);
  return email;
}
