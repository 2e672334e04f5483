import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { AppError, badInput, conflict, ErrorCode, notFound } from '../../errors.js';
import type { ApiKeyActor } from '../../graphql/context.js';
import { isUuid } from '../../lib/ids.js';
import type { VerifiedKey } from '../api-key/api-key.verifier.js';
import { Domain } from '../domain/domain.entity.js';
import { Email, type EmailStatus } from './email.entity.js';
import { domainOf, parseAddress, parseSendEmail, type SendEmailRequest } from './email.validation.js';

export const BATCH_MAX = 100;
const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export type EmailFilter = { status?: EmailStatus | null; from?: Date | null; to?: Date | null; apiKeyId?: string | null };

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

/**
 * One statement: inserts the emails only if every sending domain belongs to the team, so the
 * hot path costs one round trip and a domain deleted meanwhile cannot slip through.
 */
async function insertEmails(pool: pg.Pool, teamId: string, emails: Email[], domains: string[]): Promise<boolean> {
  const rows = emails.map((e) => ({
    id: e.id,
    team_id: e.teamId,
    api_key_id: e.apiKeyId,
    from: e.from,
    to: e.to,
    cc: e.cc,
    bcc: e.bcc,
    reply_to: e.replyTo,
    subject: e.subject,
    html: e.html,
    text: e.text,
    headers: e.headers,
    tags: e.tags,
    attachments: e.attachments,
    idempotency_key: e.idempotencyKey,
    request_hash: e.requestHash,
    created_at: e.createdAt.toISOString(),
  }));
  const inserted = await pool.query<{ id: string }>(
    `insert into email (id, team_id, api_key_id, "from", "to", cc, bcc, reply_to, subject, html, text, headers, tags, attachments, idempotency_key, request_hash, created_at)
     select v.id, v.team_id, v.api_key_id, v."from", v."to", v.cc, v.bcc, v.reply_to, v.subject, v.html, v.text, v.headers, v.tags, v.attachments, v.idempotency_key, v.request_hash, v.created_at
       from jsonb_to_recordset($1::jsonb) as v(id uuid, team_id uuid, api_key_id uuid, "from" text, "to" jsonb, cc jsonb, bcc jsonb, reply_to jsonb,
            subject text, html text, text text, headers jsonb, tags jsonb, attachments jsonb, idempotency_key text, request_hash text, created_at timestamptz)
      where (select count(*) from domain d where d.team_id = $2 and d.name in (select jsonb_array_elements_text($3::jsonb))) = $4
     returning id`,
    [JSON.stringify(rows), teamId, JSON.stringify(domains), domains.length],
  );
  return inserted.rowCount === emails.length;
}

const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

function toEntity(key: ApiKeyActor, e: SendEmailRequest): Email {
  const email = new Email();
  email.teamId = key.teamId;
  email.apiKeyId = key.apiKeyId;
  email.from = e.from;
  email.to = e.to;
  email.cc = e.cc;
  email.bcc = e.bcc;
  email.replyTo = e.reply_to;
  email.subject = e.subject;
  email.html = e.html ?? null;
  email.text = e.text ?? null;
  email.headers = e.headers ?? null;
  email.tags = e.tags ?? null;
  email.attachments = e.attachments ?? null;
  return email;
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
  em: EntityManager,
  pool: pg.Pool,
  key: VerifiedKey,
  inputs: unknown[],
  opts: { idempotencyKey?: string; batch: boolean },
): Promise<{ emails: Email[]; replayed: boolean }> {
  checkIdempotencyKey(opts.idempotencyKey);
  const parsed = inputs.map((input, i) => parseSendEmail(input, opts.batch ? `emails[${i}]` : undefined));
  const domains = [...new Set(parsed.map((e) => domainOf(parseAddress(e.from)!)))];
  checkKeyDomain(key, domains);
  const requestHash = hashOf(inputs);
  const slot = (i: number) => (opts.idempotencyKey === undefined ? null : opts.batch ? `${opts.idempotencyKey}#${i}` : opts.idempotencyKey);

  if (opts.idempotencyKey !== undefined) {
    const previous = await findIdempotent(em, key.teamId, slot(0)!);
    if (previous) {
      if (previous.requestHash !== requestHash) {
        throw conflict('This idempotency key has already been used on a request with a different payload.', 'invalid_idempotent_request');
      }
      const emails = opts.batch
        ? await em.find(Email, { teamId: key.teamId, idempotencyKey: { $in: parsed.map((_, i) => slot(i)!) } }, { orderBy: { idempotencyKey: 'asc' } })
        : [previous];
      return { emails: opts.batch ? parsed.map((_, i) => emails.find((e) => e.idempotencyKey === slot(i))!).filter(Boolean) : emails, replayed: true };
    }
  }

  const emails = parsed.map((p, i) => {
    const email = toEntity(key, p);
    email.idempotencyKey = slot(i);
    email.requestHash = opts.idempotencyKey === undefined ? null : requestHash;
    return email;
  });
  try {
    if (opts.idempotencyKey !== undefined) {
      // A key older than 24 hours may be used again: release it first.
      await em.nativeUpdate(
        Email,
        { teamId: key.teamId, idempotencyKey: { $in: emails.map((e) => e.idempotencyKey!) }, createdAt: { $lt: new Date(Date.now() - IDEMPOTENCY_TTL_MS) } },
        { idempotencyKey: null },
      );
    }
    if (!(await insertEmails(pool, key.teamId, emails, domains))) throw await missingDomainError(em, key.teamId, domains);
  } catch (e) {
    // 23505: the unique (team, idempotency key) index, from node-postgres directly.
    if (e instanceof UniqueConstraintViolationException || (e as { code?: string }).code === '23505') {
      throw conflict('Another request with this idempotency key is in progress or has just completed. Retry it.', 'concurrent_idempotent_requests');
    }
    throw e;
  }
  return { emails, replayed: false };
}

async function findIdempotent(em: EntityManager, teamId: string, idempotencyKey: string): Promise<Email | null> {
  return em.findOne(Email, { teamId, idempotencyKey, createdAt: { $gte: new Date(Date.now() - IDEMPOTENCY_TTL_MS) } });
}

export async function getEmail(em: EntityManager, teamId: string, id: string): Promise<Email> {
  const email = isUuid(id) ? await em.findOne(Email, { id, teamId }, { populate: ['html', 'text'] }) : null;
  if (!email) throw notFound('Email');
  return email;
}

export function emailWhere(teamId: string, filter: EmailFilter = {}): FilterQuery<Email> {
  const where: FilterQuery<Email> & Record<string, unknown> = { teamId };
  if (filter.status) {
    if (!['queued', 'sent', 'failed'].includes(filter.status)) throw badInput('status', 'Status must be queued, sent or failed.');
    where.status = filter.status;
  }
  if (filter.apiKeyId) where.apiKeyId = isUuid(filter.apiKeyId) ? filter.apiKeyId : '00000000-0000-0000-0000-000000000000';
  if (filter.from && filter.to && filter.from > filter.to) throw badInput('from', '`from` must be before `to`.');
  if (filter.from || filter.to) {
    where.createdAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lte: filter.to } : {}) };
  }
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
