import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { isConnectionError } from '../../db/connection.js';
import type { Notifier } from '../../db/notifier.js';
import type { ApiKeyActor } from '../auth/actor.js';
import type { Permission } from './api-key.entity.js';
import { isWellFormedToken, TOKEN_PATTERN, tokenHash } from './token.js';

export type VerifiedKey = ApiKeyActor & {
  domainName: string | null;
  /** Epoch ms from which this token stops working (key expiry or the end of a roll's grace period). */
  validUntil: number | null;
  /** false: the key is disabled, and refused with its own message (authenticate.ts). */
  enabled: boolean;
  /** The hash of the token presented: the key's current one, or its previous one in a roll's grace period. */
  tokenHash: string;
};

type Entry = { key: VerifiedKey; cachedAt: number };

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

export type VerifierOptions = {
  /** How long a verified key is trusted without asking the database again (changes are pushed at once by NOTIFY). */
  ttlMs: number;
  /** How long an unknown token is refused without asking the database again. */
  missTtlMs: number;
  /** Verified keys kept. */
  maxEntries: number;
  /** Unknown tokens remembered: kept apart, so a flood of them never pushes real keys out. */
  maxMisses: number;
  /** How long a change waits for the other instances to say they have forgotten the key. */
  ackTimeoutMs: number;
};

/** Unknown tokens are remembered for a minute: a flood of made-up tokens costs one query per distinct token a minute. */
/** How long an instance that did not acknowledge a change in time is not waited for. */
const UNRESPONSIVE_SKIP_MS = 30_000;

export const VERIFIER_DEFAULTS: VerifierOptions = { ttlMs: 60_000, missTtlMs: 60_000, maxEntries: 20_000, maxMisses: 10_000, ackTimeoutMs: 2000 };

/**
 * Verifies tokens without a database round trip on the hot path: malformed tokens are refused
 * by their checksum, verified hashes are cached, and so are unknown ones (apart, for a minute).
 * Every change to a key (update, delete, roll) is broadcast with NOTIFY so each instance drops its
 * copy at once; the TTL bounds staleness should a notification ever be missed.
 *
 * A revocation wins over any lookup that started before it: each one bumps `epoch`, and a lookup
 * whose key was revoked while it ran (or that ran through a reset) is done again instead of cached:
 * it may have read the key as it was before the change. Revocations of other keys do not concern
 * it. Should its own key keep being revoked under it, it is refused rather than answered from a
 * read that may predate the last revocation. Concurrent lookups of one token share one query.
 */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, Entry>();
  private readonly misses = new Map<string, number>();
  private readonly hashesByKey = new Map<string, Set<string>>();
  private readonly inFlight = new Map<string, Promise<VerifiedKey | null>>();
  /** Instances that let a change's acknowledgement time out, and until when they are not waited for. */
  private readonly unresponsive = new Map<string, number>();
  private epoch = 0;
  /** The epoch of the last change that may concern every key (a reset, or more revocations than `revokedAt` keeps). */
  private everyKeyAt = 0;
  /** The epoch of each key's last revocation, kept while a lookup runs (what it is checked against). */
  private readonly revokedAt = new Map<string, number>();
  private loading = 0;
  private readonly opts: VerifierOptions;

  constructor(
    private readonly orm: MikroORM,
    private readonly notifier: Notifier,
    opts: Partial<VerifierOptions> = {},
  ) {
    this.opts = { ...VERIFIER_DEFAULTS, ...opts };
    notifier.on('api_key_revoked', (payload) => {
      // "<key id> <change id>": the key is forgotten here, then the change acknowledged, so that
      // the instance that made it answers only once no instance would still accept the old key.
      const [keyId, changeId] = payload.split(' ');
      this.forget(keyId);
      if (changeId) notifier.notify('api_key_ack', `${changeId} ${notifier.instanceId}`).catch(() => undefined);
    });
    // Revocations may have been missed: every entry is checked again before its next use.
    notifier.onReset(() => this.unconfirm());
  }

  /**
   * The key behind a token, or null when it is malformed, unknown, expired or revoked.
   * `beforeLookup` runs when the answer needs the database (neither cached key nor cached miss),
   * and may throw to refuse the request before it costs a query (a throttled address).
   */
  async verify(token: string, beforeLookup?: () => Promise<void>): Promise<VerifiedKey | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const hash = tokenHash(token);
    const now = Date.now();
    const entry = this.cache.get(hash);
    let key: VerifiedKey | null;
    if (entry && now - entry.cachedAt < this.opts.ttlMs) key = entry.key;
    else if (!entry && (this.misses.get(hash) ?? 0) > now) return null;
    else {
      // Only a token seen for the first time needs its checksum: a cached hash was well formed.
      if (!entry && !isWellFormedToken(token)) return null;
      await beforeLookup?.();
      try {
        key = await this.lookup(hash);
      } catch (e) {
        // The database is unreachable: a key known before stays known, so that the request is
        // answered (a 503, as anything it does needs the database) and its usage log kept.
        if (!entry || !isConnectionError(e)) throw e;
        key = entry.key;
      }
    }
    if (!key || (key.validUntil !== null && key.validUntil <= Date.now())) return null;
    return key;
  }

  /**
   * Tells every instance (this one included) that a key changed, and returns once each instance
   * listening on the database has forgotten it (or after `ackTimeoutMs`: an instance that cannot
   * answer has lost LISTEN, and checks every key against the database again before its next use).
   */
  async revoke(keyId: string): Promise<void> {
    this.forget(keyId);
    const changeId = randomUUID();
    const now = Date.now();
    const listening: string[] = await this.notifier.listeningInstances().catch(() => []);
    // An instance that let a change time out (stopped, or hung) is not waited for again for a while:
    // it checks every key again once LISTEN is back, or answers its NOTIFYs in order when it resumes.
    const waiting = new Set(listening.filter((id) => id !== this.notifier.instanceId && (this.unresponsive.get(id) ?? 0) <= now));
    for (const [id, until] of this.unresponsive) if (until <= now || !listening.includes(id)) this.unresponsive.delete(id);
    let off: () => unknown = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    const acknowledged = new Promise<void>((resolve) => {
      if (waiting.size === 0) return resolve();
      off = this.notifier.on('api_key_ack', (payload) => {
        const [change, instance] = payload.split(' ');
        if (change === changeId && waiting.delete(instance) && waiting.size === 0) resolve();
      });
      timer = setTimeout(() => {
        for (const id of waiting) this.unresponsive.set(id, Date.now() + UNRESPONSIVE_SKIP_MS);
        resolve();
      }, this.opts.ackTimeoutMs);
    });
    try {
      await this.notifier.notify('api_key_revoked', `${keyId} ${changeId}`);
      await acknowledged;
    } finally {
      off();
      clearTimeout(timer);
    }
  }

  forget(keyId: string): void {
    this.epoch++;
    if (this.loading > 0) {
      if (this.revokedAt.size >= this.opts.maxEntries) {
        this.revokedAt.clear();
        this.everyKeyAt = this.epoch;
      } else this.revokedAt.set(keyId, this.epoch);
    }
    for (const hash of this.hashesByKey.get(keyId) ?? []) this.cache.delete(hash);
    this.hashesByKey.delete(keyId);
  }

  /** Keeps the entries but makes each one be loaded again before it is trusted. */
  unconfirm(): void {
    this.everyKeyAt = ++this.epoch;
    for (const entry of this.cache.values()) entry.cachedAt = Number.NEGATIVE_INFINITY;
    this.misses.clear();
  }

  clear(): void {
    this.everyKeyAt = ++this.epoch;
    this.cache.clear();
    this.misses.clear();
    this.hashesByKey.clear();
  }

  /** One query per token at a time; redone while revocations of its key land during it (at most a few times). */
  private lookup(hash: string): Promise<VerifiedKey | null> {
    let pending = this.inFlight.get(hash);
    if (!pending) {
      pending = (async () => {
        for (let attempt = 0; ; attempt++) {
          const epoch = this.epoch;
          this.loading++;
          let key: VerifiedKey | null;
          try {
            key = await this.load(hash);
          } finally {
            this.loading--;
          }
          const revoked = key !== null && (this.everyKeyAt > epoch || (this.revokedAt.get(key.apiKeyId) ?? 0) > epoch);
          // Revocations are tracked per key only while a lookup needs them.
          if (this.loading === 0) this.revokedAt.clear();
          if (!key) {
            // Unknown: only cached when nothing changed meanwhile; after a few reads, refused uncached.
            if (epoch === this.epoch) this.remember(hash, null);
            if (epoch === this.epoch || attempt === 3) return null;
            continue;
          }
          if (!revoked) {
            this.remember(hash, key);
            return key;
          }
          // This key was revoked (or every key reset) while it was read: read again. Should that
          // keep happening, refuse: the last read may predate the last revocation.
          if (attempt === 3) return null;
        }
      })().finally(() => this.inFlight.delete(hash));
      this.inFlight.set(hash, pending);
    }
    return pending;
  }

  private remember(hash: string, key: VerifiedKey | null): void {
    const now = Date.now();
    if (!key) {
      this.cache.delete(hash);
      bounded(this.misses, this.opts.maxMisses);
      this.misses.delete(hash);
      this.misses.set(hash, now + this.opts.missTtlMs);
      return;
    }
    this.misses.delete(hash);
    bounded(this.cache, this.opts.maxEntries);
    this.cache.delete(hash);
    this.cache.set(hash, { key, cachedAt: now });
    const set = this.hashesByKey.get(key.apiKeyId) ?? new Set<string>();
    this.hashesByKey.set(key.apiKeyId, set);
    set.add(hash);
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
      tokenHash: hash,
    };
  }
}

/** Makes room for one more entry: the oldest inserted goes. */
function bounded<V>(map: Map<string, V>, max: number): void {
  if (map.size < max) return;
  const oldest = map.keys().next().value;
  if (oldest !== undefined) map.delete(oldest);
}
