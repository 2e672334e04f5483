import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Config } from './config.js';
import type { DatabaseHealth } from './db/health.js';
import type { Notifier } from './db/notifier.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { ApiKeyVerifier } from './modules/api-key/api-key.verifier.js';
import type { RequestGate } from './modules/auth/gate.js';
import type { SignInThrottle } from './modules/auth/sign-in-throttle.js';
import type { SignUpThrottle } from './modules/auth/sign-up-throttle.js';
import type { EmailDelivery } from './modules/email/email.delivery.js';
import type { EmailWriter } from './modules/email/email.writer.js';
import type { ExportPools } from './modules/export/export.connections.js';
import type { Mailer } from './modules/mail/mailer.js';
import type { InvitationThrottle } from './modules/team/invitation-throttle.js';
import type { UsageRecorder } from './modules/usage-log/usage-recorder.js';

/** Process-wide collaborators, built once in app.ts and handed to every request's context. */
export type Services = {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  mailer: Mailer;
  signInThrottle: SignInThrottle;
  signUpThrottle: SignUpThrottle;
  invitationThrottle: InvitationThrottle;
  notifier: Notifier;
  apiKeyVerifier: ApiKeyVerifier;
  /** The one door for every request: keys, sessions, rate limits, usage logs (modules/auth/gate.ts) */
  gate: RequestGate;
  usageRecorder: UsageRecorder;
  emailDelivery: EmailDelivery;
  emailWriter: EmailWriter;
  jobs: PgBoss;
  /** Prometheus metrics of this instance (see metrics.ts) */
  metrics: Metrics;
  /** Whether PostgreSQL answers; 'down' and 'up' events (see db/health.ts) */
  database: DatabaseHealth;
  /** node-postgres pool for hot-path SQL (see db/pool.ts) */
  pool: pg.Pool;
  /** Connections that stream export downloads (see db/pool.ts) */
  downloadPool: pg.Pool;
  /** Connections that write export files (see export.connections.ts) */
  exportPools: ExportPools;
  /**
   * Aborted when the instance stops taking requests, before those in flight are drained: a small
   * export written during its request is cancelled if still running INLINE_STOP_GRACE_MS later.
   */
  draining?: AbortSignal;
  /** Aborted once requests are drained: long work (an export) stops and is left to a retry. */
  stopping?: AbortSignal;
};
