// The API-key service on a real PostgreSQL, without a server: names, permissions and domain
// binding checked as written, the team's key limit, the list's filter and size, updates (and that
// only a change is audited and revoked), delete, roll with its grace period, ending a grace period
// early, and the health counts; an expiry at this very millisecond (Date faked) refused.
// Revocations are seen through a real verifier: a token it verified before the change is answered
// as the key is now. Fast enough for every mutant of api-key.service.ts to run it
// (pnpm test:mutation api-key-service).
import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Notifier } from '../src/db/notifier.js';
import { initOrm, migrate } from '../src/db/orm.js';
import { AppError } from '../src/errors.js';
import { createLogger } from '../src/logger.js';
import { Permission, UsageStatus } from '../src/modules/api-key/api-key.entity.js';
import {
  apiKeyHealth,
  createApiKey,
  deleteApiKey,
  expirePreviousToken,
  findApiKey,
  getApiKey,
  listApiKeys,
  rollApiKey,
  updateApiKey,
} from '../src/modules/api-key/api-key.service.js';
import { ApiKeyVerifier } from '../src/modules/api-key/api-key.verifier.js';
import type { Actor } from '../src/modules/auth/actor.js';
import { Role } from '../src/modules/team/team.entity.js';
import { createTestDatabase, sql, waitFor } from './harness.js';

const logger = createLogger('silent');
let url: string;
let orm: MikroORM;
let notifier: Notifier;
let verifier: ApiKeyVerifier;
const day = 86_400_000;

beforeAll(async () => {
  url = await createTestDatabase('key_service');
  orm = await initOrm(url, logger);
  await migrate(orm);
  notifier = new Notifier(url, orm, logger);
  await notifier.start();
  verifier = new ApiKeyVerifier(orm, notifier);
});
afterAll(async () => {
  await notifier?.close();
  await orm?.close();
});

const em = () => orm.em.fork() as EntityManager;

type Team = { teamId: string; admin: Actor; domainId: string };
async function team(): Promise<Team> {
  const teamId = randomUUID();
  const userId = randomUUID();
  const domainId = randomUUID();
  await sql(url, `insert into team (id, name, created_at) values ($1, 'Keys', now())`, [teamId]);
  await sql(url, `insert into app_user (id, email, password_hash, created_at) values ($1, $2, 'x', now())`, [userId, `${userId}@example.com`]);
  await sql(url, `insert into domain (id, team_id, name, region, created_at) values ($1, $2, 'send.example.com', 'us-east-1', now())`, [domainId, teamId]);
  return { teamId, domainId, admin: { kind: 'user', userId, teamId, role: Role.ADMIN, sessionId: randomUUID() } };
}

async function refusal(p: Promise<unknown>): Promise<{ field?: string; message: string; code: string } | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { field: e.field, message: e.message, code: e.code };
  }
}
async function audits(targetId: string) {
  return sql<{ action: string; metadata: Record<string, unknown>; actor_id: string | null; actor_api_key_id: string | null }>(
    url,
    'select action, metadata, actor_id, actor_api_key_id from audit_event where target_id = $1 order by created_at, action',
    [targetId],
  );
}
/** Verifies `token` with the shared verifier, counting the lookups it needed (cache misses). */
function watchedVerify(token: string) {
  let lookups = 0;
  return {
    verify: () =>
      verifier.verify(token, async () => {
        lookups++;
      }),
    lookups: () => lookups,
  };
}
const count = async (table: string, teamId: string) =>
  (await sql<{ n: number }>(url, `select count(*)::int as n from ${table} where team_id = $1`, [teamId]))[0].n;

describe('creating a key', () => {
  it('gives a token that works once, trimmed name, permission, created by its user, audited', async () => {
    const t = await team();
    const { apiKey, token } = await createApiKey(em(), t.admin, { name: '  Deploy  ', permission: Permission.FULL_ACCESS });
    expect(apiKey).toMatchObject({ name: 'Deploy', permission: Permission.FULL_ACCESS, tokenStart: token.slice(0, 8), expiresAt: null, domain: null });
    expect(await verifier.verify(token)).toMatchObject({ apiKeyId: apiKey.id, teamId: t.teamId, permission: 'FULL_ACCESS', validUntil: null });
    const [row] = await sql<{ created_by_id: string | null; token_start: string }>(url, 'select created_by_id, token_start from api_key where id = $1', [
      apiKey.id,
    ]);
    expect(row).toEqual({ created_by_id: (t.admin as { userId: string }).userId, token_start: token.slice(0, 8) });
    expect(await audits(apiKey.id)).toEqual([
      {
        action: 'api_key.created',
        metadata: { name: 'Deploy', permission: 'FULL_ACCESS', domainId: null, domain: null },
        actor_id: (t.admin as { userId: string }).userId,
        actor_api_key_id: null,
      },
    ]);
  });

  it('by a key: no creator user, the key as actor', async () => {
    const t = await team();
    const keyActor: Actor = { kind: 'apiKey', apiKeyId: randomUUID(), teamId: t.teamId, permission: Permission.FULL_ACCESS, domainId: null };
    const { apiKey } = await createApiKey(em(), keyActor, { name: 'by key', permission: Permission.SENDING_ACCESS, domainId: t.domainId });
    const [row] = await sql<{ created_by_id: string | null; domain_id: string }>(url, 'select created_by_id, domain_id from api_key where id = $1', [
      apiKey.id,
    ]);
    expect(row).toEqual({ created_by_id: null, domain_id: t.domainId });
    expect((await audits(apiKey.id))[0]).toMatchObject({
      metadata: { domainId: t.domainId, permission: 'SENDING_ACCESS' },
      actor_api_key_id: keyActor.kind === 'apiKey' ? keyActor.apiKeyId : '',
    });
  });

  it('names: required, at most 50 characters', async () => {
    const t = await team();
    for (const name of [undefined, null]) {
      expect(await refusal(createApiKey(em(), t.admin, { name: name as never, permission: Permission.FULL_ACCESS }))).toMatchObject({
        field: 'name',
        message: 'Name is required.',
      });
    }
    expect(await refusal(createApiKey(em(), t.admin, { name: '   ', permission: Permission.FULL_ACCESS }))).toEqual({
      field: 'name',
      message: 'Name is required.',
      code: 'BAD_USER_INPUT',
    });
    expect(await refusal(createApiKey(em(), t.admin, { name: 'x'.repeat(51), permission: Permission.FULL_ACCESS }))).toMatchObject({
      field: 'name',
      message: 'Name must be at most 50 characters.',
    });
    expect((await createApiKey(em(), t.admin, { name: 'x'.repeat(50), permission: Permission.FULL_ACCESS })).apiKey.name).toHaveLength(50);
    expect(await count('api_key', t.teamId)).toBe(1);
  });

  it('names: something visible, no control character, 50 characters as PostgreSQL counts them (code points)', async () => {
    const t = await team();
    for (const name of ['\u200b', ' \u200b\u2060\u00a0 ', '\ufeff']) {
      expect(await refusal(createApiKey(em(), t.admin, { name, permission: Permission.FULL_ACCESS })), JSON.stringify(name)).toMatchObject({
        field: 'name',
        message: 'Name is required.',
      });
    }
    expect(await refusal(createApiKey(em(), t.admin, { name: 'two\nlines', permission: Permission.FULL_ACCESS }))).toMatchObject({
      field: 'name',
      message: 'Name may not contain control characters such as line breaks.',
    });
    // A name shown as "Production" that is stored otherwise: refused; right-to-left text needs no override.
    for (const name of ['Prod\u202enoitcu', '\u2066Staging\u2069', 'CI \u202a']) {
      expect(await refusal(createApiKey(em(), t.admin, { name, permission: Permission.FULL_ACCESS })), JSON.stringify(name)).toMatchObject({
        field: 'name',
        message: expect.stringContaining('Name may not contain bidirectional override characters'),
      });
    }
    expect((await createApiKey(em(), t.admin, { name: 'מפתח ראשי', permission: Permission.FULL_ACCESS })).apiKey.name).toBe('מפתח ראשי');
    const emoji = '🔑'.repeat(50); // 100 UTF-16 units, 50 characters
    expect((await createApiKey(em(), t.admin, { name: emoji, permission: Permission.FULL_ACCESS })).apiKey.name).toBe(emoji);
    expect(await refusal(createApiKey(em(), t.admin, { name: `${emoji}x`, permission: Permission.FULL_ACCESS }))).toMatchObject({
      message: 'Name must be at most 50 characters.',
    });
    expect(await count('api_key', t.teamId)).toBe(2); // the right-to-left name and the 50 emoji
  });

  it('permission: one of the two', async () => {
    const t = await team();
    expect(await refusal(createApiKey(em(), t.admin, { name: 'p', permission: 'ADMIN' as Permission }))).toEqual({
      field: 'permission',
      message: 'Permission must be FULL_ACCESS or SENDING_ACCESS.',
      code: 'BAD_USER_INPUT',
    });
  });

  it('expiry: in the future only', async () => {
    const t = await team();
    for (const at of [new Date(Date.now() - 1000), new Date()]) {
      expect(await refusal(createApiKey(em(), t.admin, { name: 'e', permission: Permission.FULL_ACCESS, expiresAt: at }))).toEqual({
        field: 'expiresAt',
        message: 'Expiry must be in the future.',
        code: 'BAD_USER_INPUT',
      });
    }
    const at = new Date(Date.now() + day);
    const { apiKey, token } = await createApiKey(em(), t.admin, { name: 'e', permission: Permission.FULL_ACCESS, expiresAt: at });
    expect(apiKey.expiresAt).toEqual(at);
    expect((await verifier.verify(token))?.validUntil).toBe(at.getTime());
  });

  it("domain: only for a sending key, and only the team's own", async () => {
    const t = await team();
    const other = await team();
    expect(await refusal(createApiKey(em(), t.admin, { name: 'd', permission: Permission.FULL_ACCESS, domainId: t.domainId }))).toEqual({
      field: 'domainId',
      message: 'Only a sending-access key can be restricted to a domain.',
      code: 'BAD_USER_INPUT',
    });
    for (const domainId of [other.domainId, 'not-a-uuid', randomUUID()]) {
      expect(await refusal(createApiKey(em(), t.admin, { name: 'd', permission: Permission.SENDING_ACCESS, domainId }))).toEqual({
        field: 'domainId',
        message: 'Domain not found.',
        code: 'BAD_USER_INPUT',
      });
    }
    const { token } = await createApiKey(em(), t.admin, { name: 'd', permission: Permission.SENDING_ACCESS, domainId: t.domainId });
    expect(await verifier.verify(token)).toMatchObject({ domainId: t.domainId, domainName: 'send.example.com', permission: 'SENDING_ACCESS' });
    expect(await count('api_key', t.teamId)).toBe(1);
  });

  it('a team holds at most 500 keys', async () => {
    const t = await team();
    await sql(
      url,
      `insert into api_key (id, team_id, name, permission, token_start, token_hash, created_at, updated_at)
       select gen_random_uuid(), $1::uuid, 'k' || i, 'FULL_ACCESS', 're_xx', md5($1::text || i) || md5(i::text), now(), now() from generate_series(1, 499) i`,
      [t.teamId],
    );
    await createApiKey(em(), t.admin, { name: '500th', permission: Permission.FULL_ACCESS });
    expect(await refusal(createApiKey(em(), t.admin, { name: '501st', permission: Permission.FULL_ACCESS }))).toEqual({
      field: undefined,
      message: 'A team may hold at most 500 API keys: delete keys it no longer uses first.',
      code: 'BAD_USER_INPUT',
    });
    expect(await count('api_key', t.teamId)).toBe(500);
    expect(await listApiKeys(em(), t.teamId)).toHaveLength(500);
  });
});

describe('finding and listing keys', () => {
  it("only the team's own; a malformed id finds nothing; getApiKey says not found", async () => {
    const t = await team();
    const other = await team();
    const { apiKey } = await createApiKey(em(), t.admin, { name: 'mine', permission: Permission.FULL_ACCESS });
    expect((await findApiKey(em(), t.teamId, apiKey.id))?.id).toBe(apiKey.id);
    expect(await findApiKey(em(), other.teamId, apiKey.id)).toBeNull();
    expect(await findApiKey(em(), t.teamId, 'nope')).toBeNull();
    expect(await refusal(getApiKey(em(), other.teamId, apiKey.id))).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/API key/) });
  });

  it('newest first, at most `first` (1 to 500)', async () => {
    const t = await team();
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) ids.push((await createApiKey(em(), t.admin, { name, permission: Permission.FULL_ACCESS })).apiKey.id);
    expect((await listApiKeys(em(), t.teamId)).map((k) => k.name)).toEqual(['c', 'b', 'a']);
    expect((await listApiKeys(em(), t.teamId, {}, 2)).map((k) => k.name)).toEqual(['c', 'b']);
    expect((await listApiKeys(em(), t.teamId, {}, 1)).map((k) => k.name)).toEqual(['c']);
    expect(await listApiKeys(em(), t.teamId, {}, 500)).toHaveLength(3);
    expect(await listApiKeys(em(), t.teamId, {}, null)).toHaveLength(3);
    await sql(url, 'update api_key set created_at = $2 where team_id = $1', [t.teamId, new Date('2026-01-01T00:00:00Z')]);
    expect((await listApiKeys(em(), t.teamId)).map((k) => k.id)).toEqual([...ids].sort());
    for (const first of [0, 501, 1.5, -1]) {
      expect(await refusal(Promise.resolve().then(() => listApiKeys(em(), t.teamId, {}, first)))).toEqual({
        field: 'first',
        message: 'first must be between 1 and 500.',
        code: 'BAD_USER_INPUT',
      });
    }
  });

  it('filters: search (name, any case, any part; token start, from its beginning; % and _ literal), permission, usage, expiring soon, enabled, dates', async () => {
    const t = await team();
    const mk = async (name: string, permission = Permission.FULL_ACCESS, expiresAt?: Date) =>
      (await createApiKey(em(), t.admin, { name, permission, expiresAt })).apiKey;
    const deploy = await mk('Deploy bot');
    const pct = await mk('100% sure', Permission.SENDING_ACCESS);
    const soon = await mk('soon', Permission.FULL_ACCESS, new Date(Date.now() + 6 * day));
    const later = await mk('later', Permission.FULL_ACCESS, new Date(Date.now() + 8 * day));
    const names = async (filter: Parameters<typeof listApiKeys>[2]) => (await listApiKeys(em(), t.teamId, filter)).map((k) => k.name).sort();
    expect(await names({ search: '  ploy B ' })).toEqual(['Deploy bot']);
    expect(await names({ search: '%' })).toEqual(['100% sure']);
    expect(await names({ search: '_' })).toEqual([]);
    expect(await names({ search: '   ' })).toHaveLength(4);
    expect(await names({ search: deploy.tokenStart })).toEqual(['Deploy bot']);
    expect(await names({ search: deploy.tokenStart.slice(1) })).toEqual([]);
    expect(await names({ permission: Permission.SENDING_ACCESS })).toEqual(['100% sure']);
    expect(await refusal(Promise.resolve().then(() => listApiKeys(em(), t.teamId, { permission: 'OTHER' as Permission })))).toMatchObject({
      field: 'permission',
    });
    expect(await names({ expiringSoon: true })).toEqual(['soon']);
    expect(await names({ expiringSoon: false })).toEqual(['100% sure', 'Deploy bot', 'later']);
    await sql(url, `update api_key set last_used_at = now() - interval '29 days' where id = $1`, [deploy.id]);
    await sql(url, `update api_key set last_used_at = now() - interval '31 days' where id = $1`, [pct.id]);
    expect(await names({ usageStatus: UsageStatus.ACTIVE })).toEqual(['Deploy bot']);
    expect(await names({ usageStatus: UsageStatus.INACTIVE })).toEqual(['100% sure']);
    expect(await names({ usageStatus: UsageStatus.NEVER_USED })).toEqual(['later', 'soon']);
    await sql(url, 'update api_key set enabled = false where id = $1', [later.id]);
    expect(await names({ enabled: false })).toEqual(['later']);
    expect(await names({ enabled: true })).toEqual(['100% sure', 'Deploy bot', 'soon']);
    expect(await names({ enabled: null })).toHaveLength(4);
    await sql(url, 'update api_key set created_at = $2 where id = $1', [soon.id, new Date('2026-01-01T00:00:00Z')]);
    expect(await names({ to: new Date('2026-01-01T00:00:00Z') })).toEqual(['soon']);
    expect(await names({ from: new Date('2026-01-01T00:00:01Z') })).toHaveLength(3);
    expect(await names(null as never)).toHaveLength(4);
  });
});

describe('updating a key', () => {
  it('changes what is given, audits only the changes, and the verifier sees them at once', async () => {
    const t = await team();
    const { apiKey, token } = await createApiKey(em(), t.admin, { name: 'orig', permission: Permission.SENDING_ACCESS, domainId: t.domainId });
    expect(await verifier.verify(token)).toMatchObject({ permission: 'SENDING_ACCESS', domainId: t.domainId, enabled: true });
    const at = new Date(Date.now() + 3 * day);
    const updated = await updateApiKey(em(), verifier, t.admin, apiKey.id, { name: ' renamed ', expiresAt: at });
    expect(updated).toMatchObject({ name: 'renamed', permission: 'SENDING_ACCESS', expiresAt: at, enabled: true });
    expect(updated.domain?.id).toBe(t.domainId);
    expect((await verifier.verify(token))?.validUntil).toBe(at.getTime());
    const disabled = await updateApiKey(em(), verifier, t.admin, apiKey.id, { enabled: false, name: null, permission: null });
    expect(disabled).toMatchObject({ name: 'renamed', enabled: false, expiresAt: at });
    expect((await verifier.verify(token))?.enabled).toBe(false);
    const full = await updateApiKey(em(), verifier, t.admin, apiKey.id, { permission: Permission.FULL_ACCESS, expiresAt: null, enabled: true });
    expect(full).toMatchObject({ permission: 'FULL_ACCESS', domain: null, expiresAt: null, enabled: true });
    expect(await verifier.verify(token)).toMatchObject({ permission: 'FULL_ACCESS', domainId: null, validUntil: null, enabled: true });
    const acts = (await audits(apiKey.id)).map((a) => [a.action, a.metadata]);
    expect(acts).toHaveLength(5);
    expect(acts).toEqual(
      expect.arrayContaining([
        ['api_key.created', { name: 'orig', permission: 'SENDING_ACCESS', domainId: t.domainId, domain: 'send.example.com' }],
        ['api_key.updated', { name: { from: 'orig', to: 'renamed' }, expiresAt: { from: null, to: at.toISOString() } }],
        ['api_key.disabled', { name: 'renamed' }],
        ['api_key.enabled', { name: 'renamed' }],
        [
          'api_key.updated',
          {
            permission: { from: 'SENDING_ACCESS', to: 'FULL_ACCESS' },
            domainId: { from: t.domainId, to: null },
            domain: { from: 'send.example.com', to: null },
            expiresAt: { from: at.toISOString(), to: null },
          },
        ],
      ]),
    );
  });

  it('nothing changed: no audit, no write', async () => {
    const t = await team();
    const { apiKey } = await createApiKey(em(), t.admin, { name: 'same', permission: Permission.SENDING_ACCESS, domainId: t.domainId });
    const [before] = await sql<{ updated_at: Date }>(url, 'select updated_at from api_key where id = $1', [apiKey.id]);
    await updateApiKey(em(), verifier, t.admin, apiKey.id, { name: 'same', permission: Permission.SENDING_ACCESS, enabled: true, domainId: t.domainId });
    await updateApiKey(em(), verifier, t.admin, apiKey.id, {});
    expect((await audits(apiKey.id)).map((a) => a.action)).toEqual(['api_key.created']);
    const [after] = await sql<{ updated_at: Date }>(url, 'select updated_at from api_key where id = $1', [apiKey.id]);
    expect(after).toEqual(before);
  });

  it('nothing changed: the key stays cached everywhere (no revocation); enabled: null keeps it as it is', async () => {
    const t = await team();
    const { apiKey, token } = await createApiKey(em(), t.admin, { name: 'cached', permission: Permission.SENDING_ACCESS });
    const { verify, lookups } = watchedVerify(token);
    await verify();
    expect(lookups()).toBe(1);
    const same = await updateApiKey(em(), verifier, t.admin, apiKey.id, { name: 'cached', enabled: null });
    expect(same).toMatchObject({ enabled: true, domain: null, permission: 'SENDING_ACCESS' });
    await verify();
    expect(lookups()).toBe(1);
    await updateApiKey(em(), verifier, t.admin, apiKey.id, { enabled: false });
    expect(await verify()).toMatchObject({ enabled: false });
    expect(lookups()).toBe(2);
  });

  it('a sending key without a domain keeps none when renamed', async () => {
    const t = await team();
    const { apiKey } = await createApiKey(em(), t.admin, { name: 'free', permission: Permission.SENDING_ACCESS });
    expect(await updateApiKey(em(), verifier, t.admin, apiKey.id, { name: 'free 2' })).toMatchObject({ name: 'free 2', domain: null });
  });

  it('checks as creating does; a domain given with a sending key binds it; a bad value changes nothing', async () => {
    const t = await team();
    const { apiKey } = await createApiKey(em(), t.admin, { name: 'k', permission: Permission.FULL_ACCESS });
    const up = (input: Parameters<typeof updateApiKey>[4]) => refusal(updateApiKey(em(), verifier, t.admin, apiKey.id, input));
    expect(await up({ name: '' })).toMatchObject({ field: 'name', message: 'Name is required.' });
    expect(await up({ permission: 'X' as Permission })).toMatchObject({ field: 'permission' });
    expect(await up({ domainId: t.domainId })).toMatchObject({ field: 'domainId', message: 'Only a sending-access key can be restricted to a domain.' });
    expect(await up({ expiresAt: new Date() })).toMatchObject({ field: 'expiresAt', message: 'Expiry must be in the future.' });
    expect(await up({ enabled: 'yes' as never })).toEqual({ field: 'enabled', message: 'enabled must be true or false.', code: 'BAD_USER_INPUT' });
    expect(await refusal(updateApiKey(em(), verifier, t.admin, randomUUID(), { name: 'x' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await audits(apiKey.id)).map((a) => a.action)).toEqual(['api_key.created']);
    const bound = await updateApiKey(em(), verifier, t.admin, apiKey.id, { permission: Permission.SENDING_ACCESS, domainId: t.domainId });
    expect(bound.domain?.id).toBe(t.domainId);
    const kept = await updateApiKey(em(), verifier, t.admin, apiKey.id, { name: 'k2' });
    expect(kept.domain?.id).toBe(t.domainId);
    const unbound = await updateApiKey(em(), verifier, t.admin, apiKey.id, { domainId: null });
    expect(unbound.domain).toBeNull();
  });
});

describe('deleting, rolling, ending a grace period', () => {
  it('delete: gone, audited, refused at once', async () => {
    const t = await team();
    const { apiKey, token } = await createApiKey(em(), t.admin, { name: 'gone', permission: Permission.FULL_ACCESS });
    expect(await verifier.verify(token)).not.toBeNull();
    expect(await deleteApiKey(em(), verifier, t.admin, apiKey.id)).toBe(apiKey.id);
    expect(await verifier.verify(token)).toBeNull();
    expect(await count('api_key', t.teamId)).toBe(0);
    expect((await audits(apiKey.id)).map((a) => [a.action, a.metadata])).toContainEqual(['api_key.deleted', { name: 'gone' }]);
  });

  it('roll with a grace period: both tokens work, the old one until then; ending it refuses the old one', async () => {
    const t = await team();
    const { apiKey, token: old } = await createApiKey(em(), t.admin, { name: 'roll', permission: Permission.FULL_ACCESS });
    expect(await verifier.verify(old)).not.toBeNull();
    const before = Date.now();
    const { token, apiKey: rolled } = await rollApiKey(em(), verifier, t.admin, apiKey.id, 3600);
    expect(token).not.toBe(old);
    expect(rolled).toMatchObject({ tokenStart: token.slice(0, 8), previousTokenStart: old.slice(0, 8) });
    const until = (await verifier.verify(old))?.validUntil ?? 0;
    expect(until).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect((await verifier.verify(token))?.validUntil).toBeNull();
    const ended = await expirePreviousToken(em(), verifier, t.admin, apiKey.id);
    expect(ended).toMatchObject({ previousTokenHash: null, previousTokenExpiresAt: null, previousTokenStart: null });
    expect(await verifier.verify(old)).toBeNull();
    expect(await verifier.verify(token)).not.toBeNull();
    const acts = await audits(apiKey.id);
    expect(acts.find((a) => a.action === 'api_key.rolled')?.metadata).toEqual({ gracePeriodSeconds: 3600 });
    expect(acts.find((a) => a.action === 'api_key.previous_token_expired')?.metadata).toEqual({
      tokenStart: old.slice(0, 8),
      wasValidUntil: new Date(until).toISOString(),
    });
    await expirePreviousToken(em(), verifier, t.admin, apiKey.id);
    expect((await audits(apiKey.id)).filter((a) => a.action === 'api_key.previous_token_expired')).toHaveLength(1);
  });

  it('roll without a grace period: the old token is refused at once', async () => {
    const t = await team();
    const { apiKey, token: old } = await createApiKey(em(), t.admin, { name: 'roll0', permission: Permission.FULL_ACCESS });
    expect(await verifier.verify(old)).not.toBeNull();
    const { apiKey: rolled, token } = await rollApiKey(em(), verifier, t.admin, apiKey.id, 0);
    expect(rolled).toMatchObject({ previousTokenHash: null, previousTokenExpiresAt: null, previousTokenStart: null });
    expect(await verifier.verify(old)).toBeNull();
    expect(await verifier.verify(token)).toMatchObject({ apiKeyId: apiKey.id });
  });

  it('grace period: whole seconds from 0 to 7 days', async () => {
    const t = await team();
    const { apiKey } = await createApiKey(em(), t.admin, { name: 'g', permission: Permission.FULL_ACCESS });
    for (const s of [-1, 1.5, 604_801, Number.NaN]) {
      expect(await refusal(rollApiKey(em(), verifier, t.admin, apiKey.id, s))).toEqual({
        field: 'gracePeriodSeconds',
        message: 'Grace period must be between 0 and 604800 seconds.',
        code: 'BAD_USER_INPUT',
      });
    }
    const { apiKey: rolled } = await rollApiKey(em(), verifier, t.admin, apiKey.id, 604_800);
    expect(rolled.previousTokenExpiresAt?.getTime()).toBeGreaterThan(Date.now() + 604_799_000);
  });
});

describe('the search is bounded', () => {
  it('at most 100 characters (trimmed): 100 is searched, 101 refused on the search field', async () => {
    const t = await team();
    await createApiKey(em(), t.admin, { name: 'bounded', permission: Permission.FULL_ACCESS });
    expect(await listApiKeys(em(), t.teamId, { search: ` ${'x'.repeat(100)} ` })).toEqual([]);
    expect(await refusal((async () => listApiKeys(em(), t.teamId, { search: 'x'.repeat(101) }))())).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'search',
      message: 'Search must be at most 100 characters.',
    });
  });
});

/**
 * Another transaction holds the row (`lock`, e.g. a key's or the team's), then changes what it
 * likes and commits once `call` waits on that row: what `call` then finds is what that left.
 */
async function whileHeld<T>(lock: string, params: unknown[], call: () => Promise<T>, change: (c: pg.Client) => Promise<unknown>) {
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  try {
    await holder.query('begin');
    await holder.query(lock, params);
    const result = call().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await waitFor(
      async () =>
        (
          await sql(url, `select 1 from pg_stat_activity where wait_event_type = 'Lock' and pid <> $1`, [
            (holder as unknown as { processID: number }).processID,
          ])
        ).length
          ? true
          : undefined,
      5000,
      'the call to wait on the held row',
    );
    await change(holder);
    await holder.query('commit');
    const r = await result;
    if ('error' in r) throw r.error;
    return r.value;
  } finally {
    await holder.end();
  }
}
const holdKey = 'select 1 from api_key where id = $1 for update';

describe('changes that wait on a key, or on the team, act on what was committed meanwhile', () => {
  it('a key deleted while an update, a roll or an end of grace waited on it: not found, nothing written', async () => {
    const t = await team();
    const changes: ((id: string) => Promise<unknown>)[] = [
      (id: string) => updateApiKey(em(), verifier, t.admin, id, { name: 'renamed' }),
      (id: string) => rollApiKey(em(), verifier, t.admin, id, 60),
      (id: string) => expirePreviousToken(em(), verifier, t.admin, id),
    ];
    for (const change of changes) {
      const { apiKey } = await createApiKey(em(), t.admin, { name: 'doomed', permission: Permission.FULL_ACCESS });
      const refused = await refusal(
        whileHeld(
          holdKey,
          [apiKey.id],
          () => change(apiKey.id),
          (c) => c.query('delete from api_key where id = $1', [apiKey.id]),
        ),
      );
      expect(refused).toMatchObject({ code: 'NOT_FOUND', message: 'API key not found.' });
      expect((await audits(apiKey.id)).map((a) => a.action)).toEqual(['api_key.created']);
    }
  });

  it('a key renamed while an update waited on it: the audit says from the name it had then', async () => {
    const t = await team();
    const { apiKey } = await createApiKey(em(), t.admin, { name: 'first', permission: Permission.FULL_ACCESS });
    const manager = em();
    await getApiKey(manager, t.teamId, apiKey.id); // the key in this manager's identity map, named 'first'
    await whileHeld(
      holdKey,
      [apiKey.id],
      () => updateApiKey(manager, verifier, t.admin, apiKey.id, { name: 'third' }),
      (c) => c.query(`update api_key set name = 'second' where id = $1`, [apiKey.id]),
    );
    expect((await audits(apiKey.id)).at(-1)).toMatchObject({ action: 'api_key.updated', metadata: { name: { from: 'second', to: 'third' } } });
  });

  it('a domain deleted while a key tied to it waited on the team: refused, no key written', async () => {
    const t = await team();
    const manager = em();
    const refused = await refusal(
      whileHeld(
        'select 1 from team where id = $1 for no key update',
        [t.teamId],
        () => createApiKey(manager, t.admin, { name: 'tied', permission: Permission.SENDING_ACCESS, domainId: t.domainId }),
        (c) => c.query('delete from domain where id = $1', [t.domainId]),
      ),
    );
    expect(refused).toEqual({ code: 'BAD_USER_INPUT', field: 'domainId', message: 'Domain not found.' });
    expect(await count('api_key', t.teamId)).toBe(0);
  });

  it('a domain deleted while an update tying a key to it waited on the team: refused, the key unchanged', async () => {
    const t = await team();
    const { apiKey } = await createApiKey(em(), t.admin, { name: 'to tie', permission: Permission.SENDING_ACCESS });
    const refused = await refusal(
      whileHeld(
        'select 1 from team where id = $1 for no key update',
        [t.teamId],
        () => updateApiKey(em(), verifier, t.admin, apiKey.id, { domainId: t.domainId }),
        (c) => c.query('delete from domain where id = $1', [t.domainId]),
      ),
    );
    expect(refused).toEqual({ code: 'BAD_USER_INPUT', field: 'domainId', message: 'Domain not found.' });
    expect((await sql(url, 'select domain_id from api_key where id = $1', [apiKey.id]))[0]).toEqual({ domain_id: null });
  });

  it('ending a grace period when there is none: the key as it is, no audit, and it stays cached (no revocation)', async () => {
    const t = await team();
    const { apiKey, token } = await createApiKey(em(), t.admin, { name: 'no grace', permission: Permission.FULL_ACCESS });
    const { verify, lookups } = watchedVerify(token);
    await verify();
    const same = await expirePreviousToken(em(), verifier, t.admin, apiKey.id);
    expect(same).toMatchObject({ id: apiKey.id, name: 'no grace', previousTokenHash: null });
    expect(await verify()).toMatchObject({ apiKeyId: apiKey.id });
    expect(lookups()).toBe(1);
    expect((await audits(apiKey.id)).map((a) => a.action)).toEqual(['api_key.created']);
  });

  it('rolled again within the grace period: the audit names the old token it ended, and until when it would have worked', async () => {
    const t = await team();
    const { apiKey, token: first } = await createApiKey(em(), t.admin, { name: 'rolled twice', permission: Permission.FULL_ACCESS });
    const once = await rollApiKey(em(), verifier, t.admin, apiKey.id, 3600);
    const [{ previous_token_expires_at: until }] = await sql<{ previous_token_expires_at: Date }>(
      url,
      'select previous_token_expires_at from api_key where id = $1',
      [apiKey.id],
    );
    await rollApiKey(em(), verifier, t.admin, apiKey.id, 0);
    const rolls = (await audits(apiKey.id)).filter((a) => a.action === 'api_key.rolled').map((a) => a.metadata);
    expect(rolls).toEqual([
      { gracePeriodSeconds: 3600 },
      { gracePeriodSeconds: 0, previousTokenEnded: { tokenStart: first.slice(0, 8), wasValidUntil: until.toISOString() } },
    ]);
    expect(await verifier.verify(first)).toBeNull();
    expect(await verifier.verify(once.token)).toBeNull();
  });
});

describe('health', () => {
  it('counts the keys by what needs attention', async () => {
    const t = await team();
    const mk = async (name: string, permission = Permission.FULL_ACCESS, expiresAt?: Date) =>
      (await createApiKey(em(), t.admin, { name, permission, expiresAt })).apiKey;
    const a = await mk('a');
    const b = await mk('b', Permission.SENDING_ACCESS, new Date(Date.now() + 6 * day));
    await mk('c', Permission.SENDING_ACCESS, new Date(Date.now() + 8 * day));
    await sql(url, `update api_key set last_used_at = now() - interval '31 days' where id = $1`, [a.id]);
    await sql(url, `update api_key set last_used_at = now() - interval '29 days', enabled = false where id = $1`, [b.id]);
    expect(await apiKeyHealth(em(), t.teamId)).toEqual({ total: 3, neverUsed: 1, inactive: 1, fullAccess: 1, expiringSoon: 1, disabled: 1 });
  });
});

describe('the clock (faked: Date only): an expiry must be in the future, not now', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('creating: an expiry at this very millisecond is refused; one a millisecond later is taken', async () => {
    const t = await team();
    vi.useFakeTimers({ toFake: ['Date'] });
    const now = Date.now();
    expect(await refusal(createApiKey(em(), t.admin, { name: 'now', permission: Permission.FULL_ACCESS, expiresAt: new Date(now) }))).toEqual({
      field: 'expiresAt',
      message: 'Expiry must be in the future.',
      code: 'BAD_USER_INPUT',
    });
    expect(await count('api_key', t.teamId)).toBe(0);
    const { apiKey } = await createApiKey(em(), t.admin, { name: 'next', permission: Permission.FULL_ACCESS, expiresAt: new Date(now + 1) });
    expect(apiKey.expiresAt?.getTime()).toBe(now + 1);
  });

  it('updating: an expiry at this very millisecond is refused (the key unchanged); one a millisecond later is taken', async () => {
    const t = await team();
    const { apiKey } = await createApiKey(em(), t.admin, { name: 'k', permission: Permission.FULL_ACCESS });
    vi.useFakeTimers({ toFake: ['Date'] });
    const now = Date.now();
    expect(await refusal(updateApiKey(em(), verifier, t.admin, apiKey.id, { expiresAt: new Date(now) }))).toEqual({
      field: 'expiresAt',
      message: 'Expiry must be in the future.',
      code: 'BAD_USER_INPUT',
    });
    expect((await getApiKey(em(), t.teamId, apiKey.id)).expiresAt).toBeNull();
    const updated = await updateApiKey(em(), verifier, t.admin, apiKey.id, { expiresAt: new Date(now + 1) });
    expect(updated.expiresAt?.getTime()).toBe(now + 1);
  });
});
