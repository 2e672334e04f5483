import { createHash, randomUUID } from 'node:crypto';
import { raw, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { AppError, badInput, conflict, ErrorCode, notFound } from '../../errors.js';
import type { ApiKeyActor } from '../auth/actor.js';
import { type DateRange, dateRangeWhere } from '../../lib/date-range.js';
import { isUuid } from '../../lib/ids.js';
import { searchPattern } from '../../lib/sql.js';
import type { VerifiedKey } from '../api-key/api-key.verifier.js';
import { Domain } from '../domain/domain.entity.js';
import { Email, type EmailStatus } from './email.entity.js';
import { domainOf, parseAddress, parseSendEmail, type SendEmailRequest } from './email.validation.js';
import type { EmailRow, EmailWriter } from './email.writer.js';

export const BATCH_MAX = 100;
const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export type EmailFilter = DateRange & {
  status?: EmailStatus | null;
  apiKeyId?: string | null;
  /** Part of the subject, the sender or a recipient, any case */
  search?: string | null;
};


/** A key tied to a domain sends only from it. (That the team has the domain is checked by the insert.) */
function checkKeyDomain(key: VerifiedKey, domains: string[]): void {
  const other = key.domainName ? domains.find((d) => d !== key.domainName) : undefined;
  if (other !== undefined) {
    throw new AppError(ErrorCode.FORBIDDEN, `This API key can only send from the ${key.domainName} domain.`, 'from', undefined, 'invalid_from_address');
  }
}

async function missingDomainError(em: EntityManager, teamId: string, domains: string[]): Promise<AppError> {
  const known = await em.find(Domain, { team: teamId, name: { $in: domains } }, { fields: ['name'] });
  const missing = domains.find((d) => !known.some((k) => k.name === d)) ?? domains[0];
  return new AppError(ErrorCode.FORBIDDEN, `The ${missing} domain is not registered in your team. Add it on the Domains page first.`, 'from', undefined, 'invalid_from_address');
}

const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

function toRow(key: ApiKeyActor, e: SendEmailRequest, idempotencyKey: string | null, requestHash: string | null, createdAt: string): EmailRow {
  return {
    id: randomUUID(),
    team_id: key.teamId,
    api_key_id: key.apiKeyId,
    from: e.from,
    to: e.to,
    cc: e.cc,
    bcc: e.bcc,
    reply_to: e.reply_to,
    subject: e.subject,
    html: e.html ?? null,
    text: e.text ?? null,
    headers: e.headers ?? null,
    tags: e.tags ?? null,
    attachments: e.attachments ?? null,
    idempotency_key: idempotencyKey,
    request_hash: requestHash,
    created_at: createdAt,
  };
}

function checkIdempotencyKey(idempotencyKey: string | undefined): void {
  if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 256)) {
    throw badInput('Idempotency-Key', 'The Idempotency-Key header must be 1 to 256 characters.', 'invalid_idempotency_key');
  }
}

/**
 * Accepts emails and stores them as queued; delivery happens after the response. With an
 * Idempotency-Key, the same request within 24 hours answers the same emails, and a different
 * request with the same key is a conflict.
 */
export async function acceptEmails(
  /** `em` is read only when needed (idempotency, a refused domain): the plain send skips the ORM. */
  ctx: { readonly em: EntityManager; key: VerifiedKey; services: { emailWriter: EmailWriter } },
  inputs: unknown[],
  opts: { idempotencyKey?: string; batch: boolean },
): Promise<{ ids: string[]; replayed: boolean }> {
  const { key } = ctx;
  checkIdempotencyKey(opts.idempotencyKey);
  const parsed = inputs.map((input, i) => parseSendEmail(input, opts.batch ? `emails[${i}]` : undefined));
  const domains = [...new Set(parsed.map((e) => domainOf(parseAddress(e.from)!)))];
  checkKeyDomain(key, domains);
  const idempotent = opts.idempotencyKey !== undefined;
  const requestHash = idempotent ? hashOf(inputs) : null;
  const slot = (i: number) => (!idempotent ? null : opts.batch ? `${opts.idempotencyKey}#${i}` : opts.idempotencyKey!);

  if (idempotent) {
    const previous = await findIdempotent(ctx.em, key.teamId, slot(0)!);
    if (previous) {
      if (previous.requestHash !== requestHash) {
        throw conflict('This idempotency key has already been used on a request with a different payload.', 'invalid_idempotent_request');
      }
      if (!opts.batch) return { ids: [previous.id], replayed: true };
      const emails = await ctx.em.find(Email, { teamId: key.teamId, idempotencyKey: { $in: parsed.map((_, i) => slot(i)!) } }, { fields: ['id', 'idempotencyKey'] });
      const ids = parsed.map((_, i) => emails.find((e) => e.idempotencyKey === slot(i))?.id).filter((id): id is string => id !== undefined);
      return { ids, replayed: true };
    }
  }

  const createdAt = new Date().toISOString();
  const rows = parsed.map((p, i) => toRow(key, p, slot(i), requestHash, createdAt));
  try {
    if (idempotent) {
      // A key older than 24 hours may be used again: release it first.
      await ctx.em.nativeUpdate(
        Email,
        { teamId: key.teamId, idempotencyKey: { $in: rows.map((r) => r.idempotency_key!) }, createdAt: { $lt: new Date(Date.now() - IDEMPOTENCY_TTL_MS) } },
        { idempotencyKey: null },
      );
    }
    if (!(await ctx.services.emailWriter.insert(key.teamId, rows, domains))) throw await missingDomainError(ctx.em, key.teamId, domains);
  } catch (e) {
    // 23505: the unique (team, idempotency key) index, from node-postgres directly.
    if (e instanceof UniqueConstraintViolationException || (e as { code?: string }).code === '23505') {
      throw conflict('Another request with this idempotency key is in progress or has just completed. Retry it.', 'concurrent_idempotent_requests');
    }
    throw e;
  }
  return { ids: rows.map((r) => r.id), replayed: false };
}

async function findIdempotent(em: EntityManager, teamId: string, idempotencyKey: string): Promise<Email | null> {
  return em.findOne(Email, { teamId, idempotencyKey, createdAt: { $gte: new Date(Date.now() - IDEMPOTENCY_TTL_MS) } });
}

export async function getEmail(em: EntityManager, teamId: string, id: string): Promise<Email> {
  const email = isUuid(id) ? await em.findOne(Email, { id, teamId }, { populate: ['html', 'text'] }) : null;
  if (!email) throw notFound('Email');
  return email;
}

export function emailWhere(teamId: string, filter: EmailFilter | null = {}): FilterQuery<Email> {
  filter ??= {}; // `filter: null` is as good as none
  const where: FilterQuery<Email> & Record<string, unknown> = { teamId };
  if (filter.status) {
    if (!['queued', 'sent', 'failed'].includes(filter.status)) throw badInput('status', 'Status must be queued, sent or failed.');
    where.status = filter.status;
  }
  if (filter.apiKeyId) where.apiKeyId = isUuid(filter.apiKeyId) ? filter.apiKeyId : '00000000-0000-0000-0000-000000000000';
  const pattern = searchPattern(filter.search);
  if (pattern) {
    // The recipients are a JSON array: searched as its text.
    where.$or = [{ subject: { $ilike: pattern } }, { from: { $ilike: pattern } }, { [raw((alias) => `${alias}."to"::text`)]: { $ilike: pattern } }];
  }
  const createdAt = dateRangeWhere(filter);
  if (createdAt) where.createdAt = createdAt;
  return where;
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
    scheduled_at: null,
  };
}
