import { raw } from '@mikro-orm/postgresql';
import { cell, copySql, iso, jsonFilter, type ResourceExport } from '../../lib/export-resource.js';
import { ApiKey, INACTIVE_AFTER_DAYS } from './api-key.entity.js';
import { ApiKeyFilter } from './api-key.filter.js';
import { API_KEY_ORDER, apiKeyWhere } from './api-key.service.js';

/** API_KEYS: the API Keys page's list (apiKeyWhere), with each key's domain by name. */
export const apiKeyExport: ResourceExport<ApiKeyFilter> = {
  json: jsonFilter('API_KEYS', ApiKeyFilter),
  query: (em, teamId, f) =>
    copySql(
      em
        .createQueryBuilder(ApiKey, 'k')
        .leftJoin('k.domain', 'd')
        .select([
          raw(`k.id, ${cell('k.name')} as name, lower(k.permission::text) as permission, k.domain_id, d.name as domain,
               ${iso('k.created_at')} as created_at, ${iso('k.last_used_at')} as last_used_at, k.request_count,
               ${iso('k.expires_at')} as expires_at, k.token_start,
               case when k.last_used_at is null then 'never_used'
                    when k.last_used_at < now() - ${INACTIVE_AFTER_DAYS} * interval '1 day' then 'inactive'
                    else 'active' end as usage_status,
               k.enabled::text as enabled`),
        ])
        .where(apiKeyWhere(teamId, f))
        .orderBy(API_KEY_ORDER),
    ),
};
