import { domainToASCII, domainToUnicode } from 'node:url';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Config } from '../../config.js';
import { AppError, badInput, ErrorCode, notFound } from '../../errors.js';
import { dateRangeWhere } from '../../lib/date-range.js';
import { isAsciiHostName } from '../../lib/host-name.js';
import { isUuid } from '../../lib/ids.js';
import { escapeLike } from '../../lib/sql.js';
import { WHOLE_LIST_LIMIT } from '../../rest/pagination.js';
import { ApiKey } from '../api-key/api-key.entity.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { Email } from '../email/email.entity.js';
import { domainOf, parseAddress } from '../email/email.validation.js';
import { Team } from '../team/team.entity.js';
import { lockTeam } from '../team/team.lock.js';
import { dkimKeyPair } from './domain.dkim.js';
import { Domain, DomainStatus, REGIONS, type Region } from './domain.entity.js';
import type { DomainFilter } from './domain.filter.js';
import { checkDomainRecords, createResolver, DKIM_SELECTOR, expectedRecords, mailHost } from './domain.records.js';

export type { DomainFilter };

const DUPLICATE = 'This domain already exists in your team.';

/**
 * Domains a team may hold: what `GET /domains` answers whole without a `limit` (WHOLE_LIST_LIMIT),
 * and a bound on the RSA key pairs one team can have made. There was none: a full-access key could
 * add domains without end, past what that list answers.
 */
export const MAX_DOMAINS_PER_TEAM = WHOLE_LIST_LIMIT;
const TOO_MANY = `A team may hold at most ${MAX_DOMAINS_PER_TEAM.toLocaleString('en-US')} domains: delete domains it no longer uses first.`;

/**
 * The longest name whose records can be published: its DKIM record, `keyring._domainkey.<name>`,
 * must fit DNS's 253 characters. A name of 235–253 was accepted and could never be verified.
 */
export const DOMAIN_NAME_MAX = 253 - `${DKIM_SELECTOR}._domainkey.`.length;

export function normaliseDomainName(raw: string): string {
  const name = raw.trim().toLowerCase().replace(/\.$/, '');
  if (!name) throw badInput('name', 'Domain name is required.');
  if (!isAsciiHostName(name)) {
    // An internationalised name is taken in its ASCII (punycode) form, which its records use: say which.
    const ascii = domainToASCII(name);
    // Only a name that has one (xn--): never a look-alike mapped onto plain ASCII (ｅxample.com, a zero-width space).
    if (ascii !== name && ascii.includes('xn--') && /^[a-z0-9.-]+$/.test(ascii)) {
      throw badInput('name', `Enter an internationalised domain name in its ASCII form: ${ascii} for ${name}.`);
    }
    throw badInput('name', 'Enter a valid domain name, like example.com or mail.example.com.');
  }
  if (name.length > DOMAIN_NAME_MAX) {
    throw badInput(
      'name',
      `A domain name may have at most ${DOMAIN_NAME_MAX} characters: its DKIM record, ${DKIM_SELECTOR}._domainkey.<name>, must fit in DNS's 253.`,
    );
  }
  return name;
}

export function checkRegion(region: string | undefined): Region {
  const r = region ?? 'us-east-1';
  if (!(REGIONS as readonly string[]).includes(r)) {
    throw badInput('region', `Region must be one of ${REGIONS.join(', ')}.`, 'invalid_region');
  }
  return r as Region;
}

/** The team's domains matching a filter: the Domains page's (all of them), which its export takes too. */
export function domainWhere(teamId: string, filter: DomainFilter | null = {}): FilterQuery<Domain> {
  const createdAt = dateRangeWhere(filter ?? {});
  return createdAt ? { team: teamId, createdAt } : { team: teamId };
}

/** The Domains page's order, which its export keeps: newest first, then by id (domains added in one instant). */
export const DOMAIN_ORDER = { createdAt: 'desc', id: 'desc' } as const;

export const listDomains = (em: EntityManager, teamId: string, filter?: DomainFilter | null) =>
  em.find(Domain, domainWhere(teamId, filter), { orderBy: DOMAIN_ORDER });

export const findDomain = (em: EntityManager, teamId: string, id: string) => em.findOne(Domain, { id, team: teamId });

export async function getDomain(em: EntityManager, teamId: string, id: string): Promise<Domain> {
  const domain = isUuid(id) ? await findDomain(em, teamId, id) : null;
  if (!domain) throw notFound('Domain');
  return domain;
}

export async function createDomain(em: EntityManager, actor: Actor, input: { name: string; region?: string }): Promise<Domain> {
  const name = normaliseDomainName(input.name);
  const region = checkRegion(input.region);
  if (await em.count(Domain, { team: actor.teamId, name })) throw badInput('name', DUPLICATE);
  // Before a key pair is made for nothing; counted again under the team's lock below.
  if ((await em.count(Domain, { team: actor.teamId })) >= MAX_DOMAINS_PER_TEAM) throw new AppError(ErrorCode.BAD_USER_INPUT, TOO_MANY);
  // Its own DKIM key, made before the transaction (~40 ms on the libuv pool).
  const keys = await dkimKeyPair();
  try {
    return await em.transactional(async (tx) => {
      // The team's row lock makes the count exact under concurrent adds (as a key's create does).
      await lockTeam(tx, actor.teamId);
      if ((await tx.count(Domain, { team: actor.teamId })) >= MAX_DOMAINS_PER_TEAM) throw new AppError(ErrorCode.BAD_USER_INPUT, TOO_MANY);
      const domain = new Domain(tx.getReference(Team, actor.teamId), name, region);
      domain.dkimPrivateKey = keys.privateKey;
      domain.dkimPublicKey = keys.publicKey;
      tx.persist(domain);
      recordAudit(tx, actor, 'domain.created', domain.id, { name, region });
      return domain;
    });
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException) throw badInput('name', DUPLICATE);
    throw e;
  }
}

export async function deleteDomain(em: EntityManager, actor: Actor, id: string): Promise<string> {
  return em.transactional(async (tx) => {
    // The team's row first, as creating a key, or tying one to a domain, takes it: a key tied to
    // this domain is written before (and counted below) or after (and finds the domain gone).
    // Without it the two deadlocked (the key's insert held the team's row and waited on the
    // domain's, the delete held the domain's and waited on the team's for its audit row) or the
    // foreign key refused the later one: 500s. Deletes of one domain queue too.
    await lockTeam(tx, actor.teamId);
    const domain = await getDomain(tx, actor.teamId, id);
    const restricted = await tx.count(ApiKey, { domain });
    if (restricted > 0) {
      throw badInput(
        'id',
        `${restricted} API key${restricted === 1 ? ' is' : 's are'} restricted to this domain: edit or remove ${restricted === 1 ? 'it' : 'them'} first.`,
      );
    }
    tx.remove(domain);
    await tx.flush();
    await stopPendingFrom(tx, actor.teamId, domain.name);
    recordAudit(tx, actor, 'domain.deleted', domain.id, { name: domain.name });
    return domain.id;
  });
}

export const DOMAIN_DELETED_ERROR = 'Its domain was deleted before it could be sent.';

/**
 * The team's emails from a domain it deletes that have not gone out: a scheduled one is canceled,
 * a queued one (a relay's temporary refusal can hold it for hours) fails, saying why. Left as
 * they were, they went out when due from a domain the team no longer has, or that another team
 * had verified since. One being sent at this moment is not seen here: if the relay has it already,
 * it goes; if not (or if the relay asks for a retry), delivery finds the domain gone and fails it
 * (email.delivery.ts). A send still being stored holds the domain's row, so this delete waits for
 * it and finds its email (email.writer.ts). The sender's domain is
 * read as every send reads it (parseAddress), among the rows a LIKE narrows down.
 */
async function stopPendingFrom(em: EntityManager, teamId: string, name: string): Promise<void> {
  // An internationalised name may have been written in its Unicode spelling (domainOf reads both).
  const spellings = [...new Set([name, domainToUnicode(name) || name])].map((n) => ({ from: { $ilike: `%@${escapeLike(n)}%` } }));
  // Each status on its own, as the partial indexes of scheduled and of queued emails are written: `status in (…)` matched
  // neither, and the team's emails were read whole (every team's, in a sequential scan of email) to find a handful.
  const pending = await em.find(
    Email,
    { teamId, $and: [{ $or: [{ status: 'scheduled' }, { status: 'queued' }] }, { $or: spellings }] },
    { fields: ['id', 'from', 'status'] },
  );
  const from = pending.filter((e) => domainOf(parseAddress(e.from) ?? e.from) === name);
  const ids = (status: string) => from.filter((e) => e.status === status).map((e) => e.id);
  const scheduled = ids('scheduled');
  const queued = ids('queued');
  // Conditional on the status, as a cancel: an email that went out meanwhile is left as it is.
  if (scheduled.length > 0) await em.nativeUpdate(Email, { id: { $in: scheduled }, status: 'scheduled' }, { status: 'canceled' });
  if (queued.length > 0) await em.nativeUpdate(Email, { id: { $in: queued }, status: 'queued' }, { status: 'failed', error: DOMAIN_DELETED_ERROR });
}

const takenMessage = (name: string) => `${name} is verified by another team: a domain can be verified by one team only.`;

/** Another team has verified a domain of this name: this one may never be verified (nor send). */
const takenByAnotherTeam = async (em: EntityManager, domain: Domain) =>
  (await em.count(Domain, { name: domain.name, status: DomainStatus.VERIFIED, team: { $ne: domain.team } })) > 0;

/**
 * Checks the domain's records with real DNS queries (DNS_SERVERS) and moves its status:
 * not_started → pending → verified, or failed (a wrong record, or none within 72 hours).
 * Refused when another team has verified the same name.
 */
export async function checkDomain(
  em: EntityManager,
  config: Pick<Config, 'DNS_SERVERS' | 'SMTP_URL' | 'PUBLIC_URL'>,
  domain: Domain,
  /** The periodic recheck marks such a domain failed rather than refusing. */
  opts: { whenTaken: 'refuse' | 'fail' } = { whenTaken: 'refuse' },
): Promise<Domain> {
  if (await takenByAnotherTeam(em, domain)) {
    if (opts.whenTaken === 'refuse') throw badInput('id', takenMessage(domain.name));
    domain.status = DomainStatus.FAILED;
    domain.pendingSince = null;
    await em.flush();
    return domain;
  }
  const now = new Date();
  const pendingSince = domain.pendingSince ?? now;
  const { checks, status } = await checkDomainRecords(
    createResolver(config.DNS_SERVERS),
    expectedRecords(domain, mailHost(config)),
    pendingSince,
    now,
    domain.status,
  );
  domain.dnsChecks = checks;
  domain.checkedAt = now;
  domain.status = status;
  domain.pendingSince = status === DomainStatus.PENDING ? pendingSince : null;
  try {
    await em.flush();
  } catch (e) {
    // The unique index on verified names: another team verified it meanwhile.
    if (e instanceof UniqueConstraintViolationException) throw badInput('id', takenMessage(domain.name));
    throw e;
  }
  return domain;
}

export async function verifyDomain(em: EntityManager, config: Config, actor: Actor, id: string): Promise<Domain> {
  const domain = await getDomain(em, actor.teamId, id);
  const before = domain.status;
  const checked = await checkDomain(em, config, domain);
  await em.transactional(async (tx) => {
    // Deleted while its records were looked up (seconds, against a slow DNS server): its update
    // found no row, and the check answered as if the domain were there, auditing a status change
    // after its delete. The row is held (KEY SHARE) until the audit is written: a delete now waits.
    const [row] = await tx.execute('select 1 from domain where id = ? for key share', [domain.id]);
    if (!row) throw notFound('Domain');
    if (checked.status !== before) recordAudit(tx, actor, `domain.${checked.status}`, domain.id, { name: domain.name });
  });
  return checked;
}

/** The periodic recheck: pending and failed domains every run, verified ones once a day. */
export async function recheckDomains(em: EntityManager, config: Config, logger: { warn: (o: object, m: string) => void }): Promise<number> {
  const dayAgo = new Date(Date.now() - 24 * 3600_000);
  const due = await em.find(
    Domain,
    { $or: [{ status: { $in: [DomainStatus.PENDING, DomainStatus.FAILED] } }, { status: DomainStatus.VERIFIED, checkedAt: { $lt: dayAgo } }] },
    { orderBy: { checkedAt: 'asc' }, limit: 200 },
  );
  for (const domain of due) {
    try {
      await checkDomain(em, config, domain, { whenTaken: 'fail' });
    } catch (err) {
      logger.warn({ err, domainId: domain.id }, 'domain recheck failed');
      em.clear();
    }
  }
  return due.length;
}

/** Whether unverified domains may send (REQUIRE_VERIFIED_DOMAINS), and what the records point at. */
export const sendingPolicy = (config: Config) => ({
  requireVerifiedDomains: config.REQUIRE_VERIFIED_DOMAINS,
  mailHost: mailHost(config),
  mailRelay: Boolean(config.SMTP_URL),
});
