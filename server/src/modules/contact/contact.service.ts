import { domainToASCII, domainToUnicode } from 'node:url';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { AppError, badInput, notFound } from '../../errors.js';
import { dateRangeWhere } from '../../lib/date-range.js';
import { isUuid } from '../../lib/ids.js';
import { deleteRow, searchPattern } from '../../lib/sql.js';
import type { Actor } from '../auth/actor.js';
import { checkText, normaliseEmail } from '../auth/validation.js';
import { parseAddress } from '../email/email.validation.js';
import { Team } from '../team/team.entity.js';
import { caseSearchRegex } from '../../lib/case-search.js';
import { Contact } from './contact.entity.js';
import type { ContactFilter } from './contact.filter.js';

export type { ContactFilter };

export const PERSON_NAME_MAX = 100;
const DUPLICATE = 'A contact with this email already exists.';

export type CreateContactInput = {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  unsubscribed?: boolean;
};

/** Omitted fields are kept; null clears a name. */
export type UpdateContactInput = {
  firstName?: string | null;
  lastName?: string | null;
  unsubscribed?: boolean;
};

/**
 * Trimmed; empty means none. No control character (a line break in a name, as in a key's) or
 * bidirectional override (a name that reads in another order than it is stored, on the Contacts
 * page and in exports), and at most PERSON_NAME_MAX characters counted as the column counts them,
 * in code points: 60 emoji fit a varchar(100), which a count of UTF-16 units (120) refused.
 */
function checkPersonName(raw: string | null | undefined, field: string, label: string): string | null {
  // In Unicode NFC, as the address is kept: `José` pasted decomposed (e + U+0301) was found by no search typed `josé`.
  const name = raw?.normalize('NFC').trim() ?? '';
  return name ? checkText(name, field, label, PERSON_NAME_MAX) : null;
}

/** The team's contacts matching a filter (the Contacts page's, which its export takes too). */
export function contactWhere(teamId: string, filter?: ContactFilter | null): FilterQuery<Contact> {
  filter ??= {}; // `filter: null` is as good as none
  const where: FilterQuery<Contact> & Record<string, unknown> = { team: teamId };
  if (typeof filter.unsubscribed === 'boolean') where.unsubscribed = filter.unsubscribed;
  // NFC, as names and addresses are kept.
  const search = filter.search?.normalize('NFC');
  const regex = caseSearchRegex(search);
  const pattern = searchPattern(search);
  if (regex) {
    where.$or = [{ email: { $re: regex } }, { firstName: { $re: regex } }, { lastName: { $re: regex } }];
  } else if (pattern) {
    where.$or = [{ email: { $ilike: pattern } }, { firstName: { $ilike: pattern } }, { lastName: { $ilike: pattern } }];
  }
  const createdAt = dateRangeWhere(filter);
  if (createdAt) where.createdAt = createdAt;
  return where;
}

/** The address normalised, in a list of one; none when it is not an address. */
function validEmail(raw: string): string[] {
  try {
    return [normaliseEmail(raw)];
  } catch (e) {
    if (e instanceof AppError) return [];
    throw e;
  }
}

/**
 * An address in both spellings of an internationalised domain, unicode and punycode
 * (`ann@bücher.example`, `ann@xn--bcher-kva.example`): one mailbox, which mail is sent to in its
 * punycode. Either spelling was a contact of its own, and neither was found by the other.
 */
function spellings(email: string): string[] {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (/^[\x20-\x7e]*$/.test(domain) && !/(^|\.)xn--/.test(domain)) return [email];
  const forms = [domain, domainToASCII(domain), domainToUnicode(domainToASCII(domain)).normalize('NFC')];
  return [...new Set(forms.filter((d) => d).map((d) => `${local}@${d}`))];
}

/** By id or by email address; anything else (or another team's contact) is simply not found. */
export async function findContact(em: EntityManager, teamId: string, idOrEmail: string): Promise<Contact | null> {
  if (isUuid(idOrEmail)) return em.findOne(Contact, { id: idOrEmail, team: teamId });
  // The NFC form contacts are kept in, and the address as given (one stored before they were),
  // each in either spelling of its domain.
  const emails = [...new Set([idOrEmail.normalize('NFC'), idOrEmail].flatMap(validEmail).flatMap(spellings))];
  if (emails.length === 0) return null;
  return em.findOne(Contact, { email: { $in: emails }, team: teamId }, { orderBy: { createdAt: 'asc' } });
}

export async function getContact(em: EntityManager, teamId: string, idOrEmail: string): Promise<Contact> {
  const contact = await findContact(em, teamId, idOrEmail);
  if (!contact) throw notFound('Contact');
  return contact;
}

/**
 * A contact's address: one that POST /emails takes as a recipient, bare (no display name). The
 * looser sign-up rule took `x\u0001@a.com`, `<x>@a.com` and `a,b@a.com`, which no send accepts.
 * Kept (and looked up) in Unicode NFC: `josé@` typed with a combining accent was a second
 * contact for the same address.
 */
function contactEmail(raw: string): string {
  const email = normaliseEmail(raw.normalize('NFC'));
  if (parseAddress(email) !== email) throw badInput('email', 'Enter a valid email address.');
  return email;
}

export async function createContact(em: EntityManager, actor: Actor, input: CreateContactInput): Promise<Contact> {
  const email = contactEmail(input.email ?? '');
  const firstName = checkPersonName(input.firstName, 'firstName', 'First name');
  const lastName = checkPersonName(input.lastName, 'lastName', 'Last name');
  const forms = spellings(email);
  const contact = new Contact({
    team: em.getReference(Team, actor.teamId),
    email,
    firstName,
    lastName,
    unsubscribed: input.unsubscribed ?? false,
  });
  try {
    await em.transactional(async (tx) => {
      // One creation at a time per address, whichever spelling of its domain: the unique index
      // sees `a@café.example` and `a@xn--caf-dma.example` as two, and both were created at once.
      if (forms.length > 1) await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`contact:${actor.teamId}:${forms.sort()[0]}`]);
      if (await tx.count(Contact, { team: actor.teamId, email: { $in: forms } })) throw badInput('email', DUPLICATE);
      tx.persist(contact);
    });
  } catch (e) {
    // Two creations of the same address raced past the check above.
    if (e instanceof UniqueConstraintViolationException) throw badInput('email', DUPLICATE);
    throw e;
  }
  return contact;
}

/**
 * One UPDATE of the fields given, where the contact still is: a contact deleted while this ran
 * (found, then gone before the write) is not found, as Resend answers, where the flush of the
 * loaded entity wrote nothing and answered 200. Fields not given are left to concurrent updates.
 * Answers the contact's id.
 */
export async function updateContact(em: EntityManager, actor: Actor, idOrEmail: string, input: UpdateContactInput): Promise<string> {
  const contact = await getContact(em, actor.teamId, idOrEmail);
  const changes: { firstName?: string | null; lastName?: string | null; unsubscribed?: boolean; updatedAt: Date } = { updatedAt: new Date() };
  if (input.firstName !== undefined) changes.firstName = checkPersonName(input.firstName, 'firstName', 'First name');
  if (input.lastName !== undefined) changes.lastName = checkPersonName(input.lastName, 'lastName', 'Last name');
  if (input.unsubscribed !== undefined) changes.unsubscribed = input.unsubscribed;
  if (!(await em.nativeUpdate(Contact, { id: contact.id, team: actor.teamId }, changes))) throw notFound('Contact');
  return contact.id;
}

export async function deleteContact(em: EntityManager, actor: Actor, idOrEmail: string): Promise<string> {
  const contact = await getContact(em, actor.teamId, idOrEmail);
  // Gone since it was found (deleted at the same time): not found, as Resend answers.
  if (!(await deleteRow(em, Contact, { id: contact.id, team: actor.teamId }))) throw notFound('Contact');
  return contact.id;
}
