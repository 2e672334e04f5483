import type { Config } from '../../config.js';
import { onlyFields, optionalString, requiredString } from '../../rest/body.js';
import { param, type RestRoute } from '../../rest/http.js';
import { actionRoute, bodyRoute, deleteRoute, listRoute } from '../../rest/resource.js';
import { Domain } from './domain.entity.js';
import { domainRecords } from './domain.records.js';
import { createDomain, deleteDomain, domainWhere, getDomain, verifyDomain } from './domain.service.js';

const domainJson = (d: Domain) => ({
  id: d.id,
  name: d.name,
  status: d.status,
  created_at: d.createdAt.toISOString(),
  region: d.region,
  capabilities: { sending: 'enabled', receiving: 'disabled' },
});

/** Resend's record shape: relative names, `ttl: 'Auto'`, each with what the last check found. */
const withRecords = (d: Domain, config: Config) => ({
  object: 'domain',
  ...domainJson(d),
  records: domainRecords(d, config).map((r) => ({
    record: r.record,
    name: r.name,
    type: r.type,
    ttl: 'Auto',
    status: r.status,
    value: r.value,
    ...(r.priority !== undefined ? { priority: r.priority } : {}),
  })),
});

const TRACKING = 'open and click tracking are not offered.';
/** Resend's domain options that Keyring does not implement. */
export const DOMAIN_FIELDS_NOT_OFFERED: Readonly<Record<string, string>> = {
  custom_return_path: 'the return path is always `send.<domain>`.',
  open_tracking: TRACKING,
  click_tracking: TRACKING,
  tracking_subdomain: TRACKING,
  tls: 'TLS is whatever the SMTP relay negotiates.',
  capabilities: 'domains only send (receiving is not offered).',
};

export const domainRoutes: RestRoute[] = [
  bodyRoute('post', '/domains', async (body, ctx) => {
    onlyFields(body, ['name', 'region'], DOMAIN_FIELDS_NOT_OFFERED);
    const domain = await createDomain(ctx.em, ctx.key, { name: requiredString(body, 'name'), region: optionalString(body, 'region') });
    return withRecords(domain, ctx.services.config);
  }),
  listRoute('/domains', Domain, (teamId) => domainWhere(teamId), domainJson, { scope: (team) => ({ team }), wholeByDefault: true }),
  {
    method: 'get',
    path: '/domains/:id',
    access: 'full',
    handle: async (req, ctx) => ({ body: withRecords(await getDomain(ctx.em, ctx.key.teamId, param(req, 'id')), ctx.services.config) }),
  },
  actionRoute('post', '/domains/:id/verify', async (ctx, id) => {
    const domain = await verifyDomain(ctx.em, ctx.services.config, ctx.key, id);
    return { object: 'domain', id: domain.id };
  }),
  deleteRoute('/domains/:id', 'domain', (ctx, id) => deleteDomain(ctx.em, ctx.key, id)),
];
