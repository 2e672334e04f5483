import { caseSearchRegex } from '../../lib/case-search.js';
import { type EntityManager, type FilterQuery, LockMode } from '@mikro-orm/postgresql';
import { AppError, badInput, ErrorCode, notFound } from '../../errors.js';
import { dateRangeWhere } from '../../lib/date-range.js';
import { isUuid } from '../../lib/ids.js';
import { escapeLike, SEARCH_MAX } from '../../lib/sql.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { checkName } from '../auth/validation.js';
import { Domain } from '../domain/domain.entity.js';
import { Team, User } from '../team/team.entity.js';
import { lockTeam } from '../team/team.lock.js';
import {
  ApiKey,
  EXPIRING_SOON_DAYS,
  EXPIRING_SOON_MS,
  INACTIVE_AFTER_DAYS,
  INACTIVE_AFTER_MS,
  livePreviousToken,
  Permission,
  UsageStatus,
} from './api-key.entity.js';
import type { ApiKeyFilter } from './api-key.filter.js';
import type { ApiKeyVerifier } from './api-key.verifier.js';
import { generateToken, TOKEN_PREFIX, TOKEN_START_LENGTH, tokenHash, tokenStart } from './token.js';

export type { ApiKeyFilter };

export const NAME_MAX = 50;
export const MAX_GRACE_SECONDS = 7 * 86_400;
/**
 * Keys a team may hold: also what `apiKeys` returns at most, so a list of keys has a known
 * size for the query cost limit (graphql/cost.ts).
 */
export const MAX_API_KEYS_PER_TEAM = 500;

export type CreateApiKeyInput = {
  name: string;
  permission: Permission;
  domainId?: string | null;
  expiresAt?: Date | null;
};

export type UpdateApiKeyInput = {
  name?: string | null;
  permission?: Permission | null;
  domainId?: string | null;
  enabled?: boolean | null;
  expiresAt?: Date | null;
};

export type CreatedApiKey = { apiKey: ApiKey; token: string };

const checkKeyName = (name: string) => checkName(name ?? '', 'name', 'Name', NAME_MAX);

function checkPermission(permission: unknown): Permission {
  if (!Object.values(Permission).includes(permission as Permission)) {
    throw badInput('permission', 'Permission must be FULL_ACCESS or SENDING_ACCESS.');
  }
  return permission as Permission;
}

/** A domain may restrict only a sending-access key, and must belong to the team. */
async function resolveDomain(em: EntityManager, teamId: string, permission: Permission, domainId: string | null | undefined): Promise<Domain | null> {
  // Not an id: '' was read as "no domain", so an edit sending it (an unset variable, an empty form
  // value) lifted a key's restriction, and a create made a key that sends from any domain.
  if (domainId === '') throw badInput('domainId', 'The domain id is empty: give the id of one of the team’s domains, or null for no domain.');
  if (!domainId) return null;
  if (permission !== Permission.SENDING_ACCESS) {
    throw badInput('domainId', 'Only a sending-access key can be restricted to a domain.');
  }
  const domain = isUuid(domainId) ? await em.findOne(Domain, { id: domainId, team: teamId }, { refresh: true }) : null;
  if (!domain) throw badInput('domainId', 'Domain not found.');
  return domain;
}

/** The key list's order, newest first: the page's and its export's (keys created in one instant came out reversed in the CSV). */
export const API_KEY_ORDER = { createdAt: 'desc', id: 'asc' } as const;

export function listApiKeys(em: EntityManager, teamId: string, filter: ApiKeyFilter = {}, first?: number | null): Promise<ApiKey[]> {
  if (first !== undefined && first !== null && (!Number.isInteger(first) || first < 1 || first > MAX_API_KEYS_PER_TEAM)) {
    throw badInput('first', `first must be between 1 and ${MAX_API_KEYS_PER_TEAM}.`);
  }
  return em.find(ApiKey, apiKeyWhere(teamId, filter), { orderBy: API_KEY_ORDER, limit: first ?? MAX_API_KEYS_PER_TEAM });
}

/** The team's keys matching a filter: the API Keys page's, which its export takes too. */
export function apiKeyWhere(teamId: string, filter: ApiKeyFilter | null = {}): FilterQuery<ApiKey> {
  filter ??= {}; // `filter: null` is as good as none
  const where: FilterQuery<ApiKey> & Record<string, unknown> = { team: teamId };
  const and: FilterQuery<ApiKey>[] = [];
  const search = filter.search?.trim();
  if (search) {
    // As every list's search (lib/sql.ts searchPattern); a key's name is at most 50 characters.
    if (search.length > SEARCH_MAX) throw badInput('search', `Search must be at most ${SEARCH_MAX} characters.`);
    const literal = escapeLike(search);
    const byToken: FilterQuery<ApiKey>[] = [{ tokenStart: { $like: `${literal}%` } }];
    // The whole token pasted (or more of it than its start): it found nothing, as no start is that long.
    if (search.startsWith(TOKEN_PREFIX) && search.length > TOKEN_START_LENGTH) byToken.push({ tokenStart: tokenStart(search) });
    // A letter outside ASCII in any case, which ILIKE does not fold in the C locale (see caseSearchRegex);
    // and in either Unicode form, as names are kept as typed: `José` found no `Jose\u0301` pasted from macOS.
    const forms = [...new Set([search, search.normalize('NFC'), search.normalize('NFD')])].filter((f) => f.length <= SEARCH_MAX);
    const byName = forms.map((form): FilterQuery<ApiKey> => {
      const regex = caseSearchRegex(form);
      return regex ? { name: { $re: regex } } : { name: { $ilike: `%${escapeLike(form)}%` } };
    });
    and.push({ $or: [...byName, ...byToken] });
  }
  if (filter.permission) where.permission = checkPermission(filter.permission);
  const inactiveBefore = new Date(Date.now() - INACTIVE_AFTER_MS);
  if (filter.usageStatus === UsageStatus.NEVER_USED) where.lastUsedAt = null;
  if (filter.usageStatus === UsageStatus.ACTIVE) where.lastUsedAt = { $gte: inactiveBefore };
  if (filter.usageStatus === UsageStatus.INACTIVE) where.lastUsedAt = { $lt: inactiveBefore };
  const soon = { $gt: new Date(), $lte: new Date(Date.now() + EXPIRING_SOON_MS) };
  if (filter.expiringSoon === true) where.expiresAt = soon;
  // Every other key, as `enabled: false` is: none, a later expiry, or expired. It listed every key.
  if (filter.expiringSoon === false) and.push({ $or: [{ expiresAt: null }, { expiresAt: { $lte: soon.$gt } }, { expiresAt: { $gt: soon.$lte } }] });
  if (filter.enabled === true || filter.enabled === false) where.enabled = filter.enabled;
  const createdAt = dateRangeWhere(filter);
  if (createdAt) where.createdAt = createdAt;
  if (and.length) where.$and = and;
  return where;
}

export async function findApiKey(em: EntityManager, teamId: string, id: string): Promise<ApiKey | null> {
  return isUuid(id) ? em.findOne(ApiKey, { id, team: teamId }) : null;
}

export async function getApiKey(em: EntityManager, teamId: string, id: string): Promise<ApiKey> {
  const key = await findApiKey(em, teamId, id);
  if (!key) throw notFound('API key');
  return key;
}

export async function createApiKey(em: EntityManager, actor: Actor, input: CreateApiKeyInput): Promise<CreatedApiKey> {
  const name = checkKeyName(input.name);
  const permission = checkPermission(input.permission);
  if (input.expiresAt && !(input.expiresAt.getTime() > Date.now())) {
    throw badInput('expiresAt', 'Expiry must be in the future.');
  }
  const domain = await resolveDomain(em, actor.teamId, permission, input.domainId);
  const token = generateToken();
  const apiKey = new ApiKey({
    team: em.getReference(Team, actor.teamId),
    name,
    permission,
    domain,
    tokenStart: tokenStart(token),
    tokenHash: tokenHash(token),
    createdBy: actor.kind === 'user' ? em.getReference(User, actor.userId) : null,
    expiresAt: input.expiresAt ?? null,
  });
  await em.transactional(async (tx) => {
    // The team's row lock makes the count exact under concurrent creates.
    await lockTeam(tx, actor.teamId);
    if ((await tx.count(ApiKey, { team: actor.teamId })) >= MAX_API_KEYS_PER_TEAM) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `A team may hold at most ${MAX_API_KEYS_PER_TEAM} API keys: delete keys it no longer uses first.`);
    }
    // Found again under the team's lock, which a domain's delete takes first too: it may be gone
    // since (422 rather than the foreign key's 500), and it stays until this key is written.
    if (domain) await resolveDomain(tx, actor.teamId, permission, domain.id);
    tx.persist(apiKey);
    recordAudit(tx, actor, 'api_key.created', apiKey.id, { name, permission, domainId: domain?.id ?? null, domain: domain?.name ?? null });
  });
  return { apiKey, token };
}

/**
 * The key, locked for the rest of the transaction and read again: changes to one key made at
 * once run one after another, each on what the one before left; one that comes after a delete
 * finds nothing (NOT_FOUND) rather than succeeding, and auditing, on a key that is gone.
 */
async function lockedKey(tx: EntityManager, teamId: string, id: string): Promise<ApiKey> {
  const key = await tx.findOne(ApiKey, { id, team: teamId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!key) throw notFound('API key');
  return key;
}

export async function updateApiKey(em: EntityManager, verifier: ApiKeyVerifier, actor: Actor, id: string, input: UpdateApiKeyInput): Promise<ApiKey> {
  await getApiKey(em, actor.teamId, id);
  const newName = input.name === undefined || input.name === null ? undefined : checkKeyName(input.name);
  const newPermission = input.permission ? checkPermission(input.permission) : undefined;
  if (input.expiresAt !== undefined && input.expiresAt !== null && !(input.expiresAt.getTime() > Date.now())) {
    throw badInput('expiresAt', 'Expiry must be in the future.');
  }
  const { key, changed } = await em.transactional(async (tx) => {
    // Tying the key to a domain: the team's row first, as a domain's delete takes it, so the two
    // run one after the other (the delete then finds the key tied, or this finds no domain) rather
    // than deadlocking or breaking the foreign key. NO KEY UPDATE: it lets the audit rows of
    // other keys' changes (a key share on the team) through, so a delete holding a key's lock
    // and waiting for that never waits for this.
    if (input.domainId) await lockTeam(tx, actor.teamId);
    const key = await lockedKey(tx, actor.teamId, id);
    const name = newName ?? key.name;
    const permission = newPermission ?? key.permission;
    // Switching to full access clears the domain; otherwise an omitted domainId keeps the current one.
    const domainId = input.domainId !== undefined ? input.domainId : permission === Permission.FULL_ACCESS ? null : (key.domain?.id ?? null);
    const domain = await resolveDomain(tx, actor.teamId, permission, domainId);
    const changes: Record<string, unknown> = {};
    if (name !== key.name) changes.name = { from: key.name, to: name };
    if (permission !== key.permission) changes.permission = { from: key.permission, to: permission };
    if ((domain?.id ?? null) !== (key.domain?.id ?? null)) {
      changes.domainId = { from: key.domain?.id ?? null, to: domain?.id ?? null };
      // Its names too: the audit trail should read without looking ids up (the domain may be gone by then).
      const before = key.domain ? await tx.findOne(Domain, key.domain.id, { fields: ['name'] }) : null;
      changes.domain = { from: before?.name ?? null, to: domain?.name ?? null };
    }
    const expiresAt = input.expiresAt === undefined ? (key.expiresAt ?? null) : input.expiresAt;
    if ((expiresAt?.getTime() ?? null) !== (key.expiresAt?.getTime() ?? null)) {
      changes.expiresAt = { from: key.expiresAt?.toISOString() ?? null, to: expiresAt?.toISOString() ?? null };
    }
    const enabled = input.enabled === undefined || input.enabled === null ? key.enabled : input.enabled;
    if (typeof enabled !== 'boolean') throw badInput('enabled', 'enabled must be true or false.');
    const toggled = enabled !== key.enabled;
    if (Object.keys(changes).length === 0 && !toggled) return { key, changed: false };
    key.name = name;
    key.permission = permission;
    key.domain = domain;
    key.enabled = enabled;
    key.expiresAt = expiresAt;
    if (Object.keys(changes).length > 0) recordAudit(tx, actor, 'api_key.updated', key.id, changes);
    if (toggled) recordAudit(tx, actor, enabled ? 'api_key.enabled' : 'api_key.disabled', key.id, { name: key.name });
    return { key, changed: true };
  });
  if (changed) await verifier.revoke(key.id);
  return key;
}

export async function deleteApiKey(em: EntityManager, verifier: ApiKeyVerifier, actor: Actor, id: string): Promise<string> {
  await getApiKey(em, actor.teamId, id);
  await em.transactional(async (tx) => {
    const key = await lockedKey(tx, actor.teamId, id);
    tx.remove(key);
    recordAudit(tx, actor, 'api_key.deleted', key.id, { name: key.name });
  });
  await verifier.revoke(id);
  return id;
}

/** A new token for the same key; the old one keeps working for the grace period. */
export async function rollApiKey(em: EntityManager, verifier: ApiKeyVerifier, actor: Actor, id: string, gracePeriodSeconds: number): Promise<CreatedApiKey> {
  if (!Number.isInteger(gracePeriodSeconds) || gracePeriodSeconds < 0 || gracePeriodSeconds > MAX_GRACE_SECONDS) {
    throw badInput('gracePeriodSeconds', `Grace period must be between 0 and ${MAX_GRACE_SECONDS} seconds.`);
  }
  await getApiKey(em, actor.teamId, id);
  const token = generateToken();
  const key = await em.transactional(async (tx) => {
    const key = await lockedKey(tx, actor.teamId, id);
    // A key keeps one previous token: rolled again while one is in its grace period, that one
    // stops now (the audit event says which, and until when it would have worked).
    const cutShort = livePreviousToken(key);
    key.previousTokenHash = gracePeriodSeconds > 0 ? key.tokenHash : null;
    key.previousTokenExpiresAt = gracePeriodSeconds > 0 ? new Date(Date.now() + gracePeriodSeconds * 1000) : null;
    key.previousTokenStart = gracePeriodSeconds > 0 ? key.tokenStart : null;
    key.tokenHash = tokenHash(token);
    key.tokenStart = tokenStart(token);
    recordAudit(tx, actor, 'api_key.rolled', key.id, {
      gracePeriodSeconds,
      ...(cutShort ? { previousTokenEnded: { tokenStart: cutShort.tokenStart, wasValidUntil: cutShort.expiresAt.toISOString() } } : {}),
    });
    return key;
  });
  await verifier.revoke(key.id);
  return { apiKey: key, token };
}

/** Ends a roll's grace period now: the old token stops working on every instance. Without a live old token, nothing changes. */
export async function expirePreviousToken(em: EntityManager, verifier: ApiKeyVerifier, actor: Actor, id: string): Promise<ApiKey> {
  await getApiKey(em, actor.teamId, id);
  const { key, changed } = await em.transactional(async (tx) => {
    const key = await lockedKey(tx, actor.teamId, id);
    const previous = livePreviousToken(key);
    if (!previous) return { key, changed: false };
    key.previousTokenHash = null;
    key.previousTokenExpiresAt = null;
    key.previousTokenStart = null;
    recordAudit(tx, actor, 'api_key.previous_token_expired', key.id, { tokenStart: previous.tokenStart, wasValidUntil: previous.expiresAt.toISOString() });
    return { key, changed: true };
  });
  if (changed) await verifier.revoke(key.id);
  return key;
}

export type ApiKeyHealth = { total: number; neverUsed: number; inactive: number; fullAccess: number; expiringSoon: number; disabled: number };

export async function apiKeyHealth(em: EntityManager, teamId: string): Promise<ApiKeyHealth> {
  const [row] = await em.getConnection().execute<{ [k in keyof ApiKeyHealth]: string }[]>(
    `select count(*) as total,
            count(*) filter (where last_used_at is null) as "neverUsed",
            count(*) filter (where last_used_at < now() - ? * interval '1 day') as inactive,
            count(*) filter (where permission = 'FULL_ACCESS') as "fullAccess",
            count(*) filter (where expires_at > now() and expires_at <= now() + ? * interval '1 day') as "expiringSoon",
            count(*) filter (where not enabled) as disabled
       from api_key where team_id = ?`,
    [INACTIVE_AFTER_DAYS, EXPIRING_SOON_DAYS, teamId],
  );
  return {
    total: Number(row.total),
    neverUsed: Number(row.neverUsed),
    inactive: Number(row.inactive),
    fullAccess: Number(row.fullAccess),
    expiringSoon: Number(row.expiringSoon),
    disabled: Number(row.disabled),
  };
}
