import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { badInput, notFound } from '../../errors.js';
import { dateRangeWhere } from '../../lib/date-range.js';
import { isUuid } from '../../lib/ids.js';
import { deleteRow, searchPattern } from '../../lib/sql.js';
import type { Actor } from '../auth/actor.js';
import { checkName } from '../auth/validation.js';
import { MAX_HEADER_VALUE, parseAddress } from '../email/email.validation.js';
import { caseSearchRegex } from '../../lib/case-search.js';
import { Team } from '../team/team.entity.js';
import { Broadcast, BroadcastStatus } from './broadcast.entity.js';
import type { BroadcastFilter } from './broadcast.filter.js';

export type { BroadcastFilter };

export const BROADCAST_NAME_MAX = 255;
/** A subject's longest form, as POST /emails takes it: a header line's limit less a folded line's space (998 went out as 999). */
export const SUBJECT_MAX = MAX_HEADER_VALUE;
export const BODY_MAX = 1_000_000;
export const PREVIEW_MAX = 500;
export const REPLY_TO_MAX = 50;
const SEGMENT_ID_MAX = 100;
const UNTITLED = 'Untitled';

export type CreateBroadcastInput = {
  name?: string | null;
  from: string;
  subject: string;
  html?: string | null;
  text?: string | null;
  replyTo?: string[] | null;
  previewText?: string | null;
  segmentId?: string | null;
};

const addressError = (field: string) =>
  badInput(field, `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`);

function checkAddress(raw: string, field: string): string {
  const value = raw.trim();
  // 320 characters as the column counts them (code points), as POST /emails takes `from`.
  if ((value.length > 320 && countCodePoints(value) > 320) || parseAddress(value) === null) throw addressError(field);
  return value;
}

/**
 * At most `max` characters counted as PostgreSQL counts them, in code points: 500 emoji fit the
 * varchar(500) of `preview_text`, which a count of UTF-16 units (1,000) refused at 251.
 */
function checkLength(value: string | null | undefined, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (value.length > max && countCodePoints(value) > max) throw badInput(field, `\`${field}\` must be at most ${max} characters.`);
  return value;
}

function countCodePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const BROADCAST_STATUSES: readonly string[] = Object.values(BroadcastStatus);
const isBroadcastStatus = (s: string): s is BroadcastStatus => BROADCAST_STATUSES.includes(s);

/** The team's broadcasts matching a filter (the Broadcasts page's, which its export takes too). */
export function broadcastWhere(teamId: string, filter?: BroadcastFilter | null): FilterQuery<Broadcast> {
  filter ??= {}; // `filter: null` is as good as none
  const where: FilterQuery<Broadcast> & Record<string, unknown> = { team: teamId };
  const status = filter.broadcastStatus ?? filter.status;
  if (status) {
    if (!isBroadcastStatus(status)) throw badInput('status', `Status must be ${BROADCAST_STATUSES.join(' or ')}.`);
    where.status = status;
  }
  // A letter outside ASCII in any case, which ILIKE does not fold in the C locale (see caseSearchRegex).
  const regex = caseSearchRegex(filter.search);
  const pattern = searchPattern(filter.search);
  if (regex) where.$or = [{ name: { $re: regex } }, { subject: { $re: regex } }];
  else if (pattern) where.$or = [{ name: { $ilike: pattern } }, { subject: { $ilike: pattern } }];
  const createdAt = dateRangeWhere(filter);
  if (createdAt) where.createdAt = createdAt;
  return where;
}

export async function getBroadcast(em: EntityManager, teamId: string, id: string): Promise<Broadcast> {
  const broadcast = isUuid(id) ? await em.findOne(Broadcast, { id, team: teamId }, { populate: ['html', 'text'] }) : null;
  if (!broadcast) throw notFound('Broadcast');
  return broadcast;
}

/**
 * The bodies (html, text) of broadcasts listed without them, in one statement: a list reads none
 * (up to BODY_MAX characters each, which the Broadcasts page never shows), a page asked for them
 * gets them all at once.
 */
export async function loadBroadcastBodies(em: EntityManager, broadcasts: readonly Broadcast[]): Promise<void> {
  // One find of both bodies, which the identity map merges into the listed rows (em.populate reads each lazy property apart).
  if (broadcasts.length) await em.find(Broadcast, { id: { $in: broadcasts.map((b) => b.id) } }, { fields: ['id', 'html', 'text'] });
}

/** Validates everything before writing anything; a broadcast starts as a draft. */
export async function createBroadcast(em: EntityManager, actor: Actor, input: CreateBroadcastInput): Promise<Broadcast> {
  const name = input.name?.trim() ? checkName(input.name, 'name', 'Name', BROADCAST_NAME_MAX) : UNTITLED;
  const from = checkAddress(input.from ?? '', 'from');
  // On one line, each line break a space, as POST /emails keeps a subject (a header is one line):
  // stored raw, GET /broadcasts/:id answered a subject of several lines that no recipient would see.
  const subject = (input.subject ?? '').replace(/\r\n|\r|\n/g, ' ').trim();
  if (!subject) throw badInput('subject', '`subject` must not be empty.');
  if (subject.length > SUBJECT_MAX) throw badInput('subject', `\`subject\` must be at most ${SUBJECT_MAX} characters.`);
  const html = checkLength(input.html, 'html', BODY_MAX);
  const text = checkLength(input.text, 'text', BODY_MAX);
  if (!html && !text) throw badInput('html', 'Missing `html` or `text` field.', 'missing_required_field');
  const replyTo = input.replyTo?.length ? input.replyTo.map((a) => checkAddress(a, 'reply_to')) : null;
  if (replyTo && replyTo.length > REPLY_TO_MAX) throw badInput('reply_to', `\`reply_to\` accepts at most ${REPLY_TO_MAX} addresses.`);
  const previewText = checkLength(input.previewText, 'preview_text', PREVIEW_MAX);
  const segmentId = checkLength(input.segmentId?.trim() || null, 'segment_id', SEGMENT_ID_MAX);
  const broadcast = new Broadcast({
    team: em.getReference(Team, actor.teamId),
    name,
    from,
    subject,
    html,
    text,
    replyTo,
    previewText,
    segmentId,
  });
  await em.persist(broadcast).flush();
  return broadcast;
}

/** Only a draft may be deleted: a sent broadcast is part of the team's history. */
export async function deleteBroadcast(em: EntityManager, actor: Actor, id: string): Promise<string> {
  // The id as stored (lower case), as GET answers it: not as the path spelled it (`/broadcasts/ABC…`).
  if (isUuid(id) && (await deleteRow(em, Broadcast, { id, team: actor.teamId, status: BroadcastStatus.DRAFT }))) return id.toLowerCase();
  // Nothing deleted: no such broadcast (or gone, deleted at the same time), or a sent one.
  await getBroadcast(em, actor.teamId, id);
  throw badInput('id', 'Only a draft broadcast can be deleted; this one has been sent.');
}
