import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound } from '../../errors.js';
import type { Actor } from '../auth/actor.js';
import { isUuid } from '../../lib/ids.js';
import { ApiKey } from '../api-key/api-key.entity.js';
import { recordAudit } from '../audit/audit.service.js';
import { Team } from '../team/team.entity.js';
import { Domain, REGIONS, type Region } from './domain.entity.js';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TLD = /^[a-z]{2,63}$|^xn--[a-z0-9-]{1,59}$/;
const DUPLICATE = 'This domain already exists in your team.';

export function normaliseDomainName(raw: string): string {
  const name = raw.trim().toLowerCase().replace(/\.$/, '');
  if (!name) throw badInput('name', 'Domain name is required.');
  const labels = name.split('.');
  if (
    name.length > 253 ||
    labels.length < 2 ||
    !labels.every((l) => LABEL.test(l)) ||
    !TLD.test(labels[labels.length - 1])
  ) {
    throw badInput('name', 'Enter a valid domain name, like example.com or mail.example.com.');
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

export const listDomains = (em: EntityManager, teamId: string) =>
  em.find(Domain, { team: teamId }, { orderBy: { createdAt: 'desc', id: 'asc' } });

export const findDomain = (em: EntityManager, teamId: string, id: string) =>
  em.findOne(Domain, { id, team: teamId });

export async function getDomain(em: EntityManager, teamId: string, id: string): Promise<Domain> {
  const domain = isUuid(id) ? await findDomain(em, teamId, id) : null;
  if (!domain) throw notFound('Domain');
  return domain;
}

export async function createDomain(
  em: EntityManager,
  actor: Actor,
  input: { name: string; region?: string },
): Promise<Domain> {
  const name = normaliseDomainName(input.name);
  const region = checkRegion(input.region);
  if (await em.count(Domain, { team: actor.teamId, name })) throw badInput('name', DUPLICATE);
  try {
    return await em.transactional(async (tx) => {
      const domain = new Domain(tx.getReference(Team, actor.teamId), name, region);
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
    const domain = await getDomain(tx, actor.teamId, id);
    const restricted = await tx.count(ApiKey, { domain });
    if (restricted > 0) {
      throw badInput('id', `${restricted} API key${restricted === 1 ? ' is' : 's are'} restricted to this domain: edit or remove ${restricted === 1 ? 'it' : 'them'} first.`);
    }
    tx.remove(domain);
    recordAudit(tx, actor, 'domain.deleted', domain.id, { name: domain.name });
    return domain.id;
  });
}
