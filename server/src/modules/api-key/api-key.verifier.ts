import type { MikroORM } from '@mikro-orm/postgresql';
import { isConnectionError } from '../../db/connection.js';
import type { Notifier } from '../../db/notifier.js';
import type { ApiKeyActor } from '../auth/actor.js';
import type { Permission } from './api-key.entity.js';
import { isWellFormedToken, TOKEN_PATTERN, tokenHash } from './token.js';

export type VerifiedKey = ApiKeyActor & {
  domainName: string | null;
  /** Epoch ms after which this token stops working (key expiry or a roll's grace period). */
  validUntil: number | null;
  /** false: the key is disabled, and refused with its own message (authenticate.ts). */
  enabled: boolean;
};

type Entry = { key: VerifiedKey | null; cachedAt: number };

type Row = {
  id: string;
  team_id: string;
  permission: Permission;
  domain_id: string | null;
  domain_name: string | null;
  expires_at: Date | null;
  is_current: boolean;
  previous_token_expires_at: Date | null;
  enabled: boolean;
};

/**
 * Verifies tokens without a database round trip on the hot path: malformed tokens are refused
 * by their checksum, and verified hashes are cached. Every change to a key (update, delete,
 * roll) is broadcast with NOTIFY so each instance drops its copy at once; the TTL bounds
 * staleness should a notification ever be missed.
 */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, Entry>();
  private readonly hashesByKey = new Map<string, Set<string>>();

  constructor(
    private readonly orm: MikroORM,
    private readonly notifier: Notifier,
    private readonly opts: { ttlMs: number; negativeTtlMs: number; maxEntries: number } = {
      ttlMs: 60_000,
      negativeTtlMs: 5_000,
      maxEntries: 20_000,
    },
  ) {
    notifier.on('api_key_revoked', (keyId) => this.forget(keyId));
    // Revocations may have been missed: every entry is checked again before its next use.
    notifier.onReset(() => this.unconfirm());
  }

  /** The key behind a token, or null when it is malformed, unknown, expired or revoked. */
  async verify(token: string): Promise<VerifiedKey | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const hash = tokenHash(token);
    const now = Date.now();
    let entry = this.cache.get(hash);
    const ttl = entry?.key ? this.opts.ttlMs : this.opts.negativeTtlMs;
    if (!entry || now - entry.cachedAt > ttl) {
      // Only a token seen for the first time needs its checksum: a cached hash was well formed.
      if (!entry && !isWellFormedToken(token)) return null;
      try {
        entry = { key: await this.load(hash), cachedAt: now };
        this.remember(hash, entry);
      } catch (e) {
        // The database is unreachable: a key known before stays known, so that the request is
        // answered (a 503, as anything it does needs the database) and its usage log kept.
        if (!entry?.key || !isConnectionError(e)) throw e;
      }
    }
    const key = entry.key;
    if (!key || (key.validUntil !== null && key.validUntil <= now)) return null;
    return key;
  }

  /** Tells every instance (this one included) that a key changed. */
  async revoke(keyId: string): Promise<void> {
    this.forget(keyId);
    await this.notifier.notify('api_key_revoked', keyId);
  }

  forget(keyId: string): void {
    for (const hash of this.hashesByKey.get(keyId) ?? []) this.cache.delete(hash);
    this.hashesByKey.delete(keyId);
  }

  /** Keeps the entries but makes each one be loaded again before it is trusted. */
  unconfirm(): void {
    for (const entry of this.cache.values()) entry.cachedAt = Number.NEGATIVE_INFINITY;
  }

  clear(): void {
    this.cache.clear();
    this.hashesByKey.clear();
  }

  private remember(hash: string, entry: Entry): void {
    if (this.cache.size >= this.opts.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.delete(hash);
    this.cache.set(hash, entry);
    if (entry.key) {
      const set = this.hashesByKey.get(entry.key.apiKeyId) ?? new Set<string>();
      this.hashesByKey.set(entry.key.apiKeyId, set);
      set.add(hash);
    }
  }

  private async load(hash: string): Promise<VerifiedKey | null> {
    const rows: Row[] = await this.orm.em.getConnection().execute(
      `select k.id, k.team_id, k.permission, k.domain_id, d.name as domain_name, k.expires_at,
              k.token_hash = ? as is_current, k.previous_token_expires_at, k.enabled
         from api_key k left join domain d on d.id = k.domain_id
        where k.token_hash = ? or k.previous_token_hash = ?
        limit 1`,
      [hash, hash, hash],
    );
    const row = rows[0];
    if (!row) return null;
    const limits = [row.expires_at, row.is_current ? null : row.previous_token_expires_at]
      .filter((d): d is Date => d !== null)
      .map((d) => new Date(d).getTime());
    if (!row.is_current && row.previous_token_expires_at === null) return null;
    return {
      kind: 'apiKey',
      apiKeyId: row.id,
      teamId: row.team_id,
      permission: row.permission,
      domainId: row.domain_id,
      domainName: row.domain_name,
      validUntil: limits.length ? Math.min(...limits) : null,
      enabled: row.enabled,
    };
  }
}
