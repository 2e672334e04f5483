import { raw } from '@mikro-orm/postgresql';
import { copySql, iso, jsonFilter, type ResourceExport } from '../../lib/export-resource.js';
import { Domain } from './domain.entity.js';
import { DomainFilter } from './domain.filter.js';
import { DOMAIN_ORDER, domainWhere } from './domain.service.js';

/** DOMAINS: the Domains page's list (domainWhere). */
export const domainExport: ResourceExport<DomainFilter> = {
  json: jsonFilter('DOMAINS', DomainFilter),
  query: (em, teamId, f) =>
    copySql(
      em
        .createQueryBuilder(Domain, 'd')
        .select([raw(`d.id, d.name, d.region, d.status, ${iso('d.created_at')} as created_at`)])
        .where(domainWhere(teamId, f))
        .orderBy(DOMAIN_ORDER),
    ),
};
