import { objectBody, onlyFields, optionalString, requiredString } from '../../rest/body.js';
import { param, type RestRoute } from '../../rest/http.js';
import { getRoute, listRoute } from '../../rest/resource.js';
import { Domain } from './domain.entity.js';
import { createDomain, deleteDomain, getDomain } from './domain.service.js';

// DNS verification is out of scope: no records to publish yet, and every domain may only send.
const domainJson = (d: Domain) => ({
  id: d.id,
  name: d.name,
  status: d.status,
  created_at: d.createdAt.toISOString(),
  region: d.region,
  capabilities: { sending: 'enabled', receiving: 'disabled' },
});

const withRecords = (d: Domain) => ({ object: 'domain', ...domainJson(d), records: [] });

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
  {
    method: 'post',
    path: '/domains',
    access: 'full',
    async handle(req, ctx) {
      const body = objectBody(req);
      onlyFields(body, ['name', 'region'], DOMAIN_FIELDS_NOT_OFFERED);
      const domain = await createDomain(ctx.em, ctx.key, { name: requiredString(body, 'name'), region: optionalString(body, 'region') });
      return { body: withRecords(domain) };
    },
  },
  listRoute('/domains', Domain, (teamId) => ({ team: teamId }), domainJson),
  getRoute('/domains/:id', getDomain, withRecords),
  {
    method: 'delete',
    path: '/domains/:id',
    access: 'full',
    async handle(req, ctx) {
      const id = await deleteDomain(ctx.em, ctx.key, param(req, 'id'));
      return { body: { object: 'domain', id, deleted: true } };
    },
  },
];
