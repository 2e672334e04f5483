import { badInput } from '../../errors.js';
import { type Body, onlyFields, optionalString, requiredString } from '../../rest/body.js';
import { param, type RestRoute } from '../../rest/http.js';
import { bodyRoute, deleteRoute, listRoute } from '../../rest/resource.js';
import { ApiKey, Permission } from './api-key.entity.js';
import { apiKeyWhere, createApiKey, deleteApiKey, updateApiKey } from './api-key.service.js';

const PERMISSIONS: Record<string, Permission> = {
  full_access: Permission.FULL_ACCESS,
  sending_access: Permission.SENDING_ACCESS,
};

function permissionOf(body: Body): Permission | undefined {
  const raw = optionalString(body, 'permission');
  if (raw === undefined) return undefined;
  // Own names only: `constructor` or `toString` is Object.prototype's, which passed for a permission here.
  const permission = Object.hasOwn(PERMISSIONS, raw) ? PERMISSIONS[raw] : undefined;
  if (!permission) throw badInput('permission', '`permission` must be `full_access` or `sending_access`.', 'invalid_parameter');
  return permission;
}

const apiKeyJson = (key: ApiKey) => ({
  id: key.id,
  name: key.name,
  permission: key.permission === Permission.FULL_ACCESS ? 'full_access' : 'sending_access',
  domain_id: key.domain?.id ?? null,
  token_start: key.tokenStart,
  created_at: key.createdAt.toISOString(),
  last_used_at: key.lastUsedAt?.toISOString() ?? null,
});

const KEY_FIELDS = ['name', 'permission', 'domain_id'] as const;

export const apiKeyRoutes: RestRoute[] = [
  bodyRoute('post', '/api-keys', async (body, ctx) => {
    onlyFields(body, KEY_FIELDS);
    const name = requiredString(body, 'name');
    const permission = permissionOf(body) ?? Permission.FULL_ACCESS;
    const domainId = optionalString(body, 'domain_id');
    const { apiKey, token } = await createApiKey(ctx.em, ctx.key, { name, permission, domainId });
    return { id: apiKey.id, token };
  }),
  listRoute('/api-keys', ApiKey, (teamId) => apiKeyWhere(teamId), apiKeyJson, { scope: (team) => ({ team }), wholeByDefault: true }),
  bodyRoute('patch', '/api-keys/:id', async (body, ctx, req) => {
    onlyFields(body, KEY_FIELDS);
    const key = await updateApiKey(ctx.em, ctx.services.apiKeyVerifier, ctx.key, param(req, 'id'), {
      name: optionalString(body, 'name'),
      permission: permissionOf(body),
      domainId: optionalString(body, 'domain_id', { nullable: true }),
    });
    return { object: 'api_key', ...apiKeyJson(key) };
  }),
  deleteRoute('/api-keys/:id', 'api_key', (ctx, id) => deleteApiKey(ctx.em, ctx.services.apiKeyVerifier, ctx.key, id)),
];
