import fs from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import path from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import { GraphQLError } from 'graphql';
import helmet from 'helmet';
import type { Config } from './config.js';
import { isDatabaseUnavailable, timeoutsOf } from './db/connection.js';
import { DatabaseHealth } from './db/health.js';
import { Notifier } from './db/notifier.js';
import { createDownloadPool, createPool } from './db/pool.js';
import { ErrorCode, serviceUnavailable, UNAVAILABLE_RETRY_SECONDS } from './errors.js';
import type { Context } from './graphql/context.js';
import { costError } from './graphql/cost.js';
import { contextError, createFormatError, errorStatusPlugin, loggedStatusOf } from './graphql/errors.js';
import { explorer } from './graphql/explorer.js';
import { createLoaders } from './graphql/loaders.js';
import { noNulStrings } from './graphql/no-nul.js';
import { pubSub } from './graphql/pubsub.js';
import { republishFollowedExports } from './modules/export/export.resolver.js';
import { createSchema } from './graphql/schema.js';
import { noSubscriptions } from './graphql/subscriptions-only.js';
import { createSubscriptionServer } from './graphql/websocket.js';
import { startJobs } from './jobs.js';
import { expressServer } from './lib/http-server.js';
import { badTextMessage, findBadText } from './lib/nul.js';
import type { Logger } from './logger.js';
import { collectFrom, createMetrics, metricsRoute, requestMetrics } from './metrics.js';
import { ApiKeyVerifier } from './modules/api-key/api-key.verifier.js';
import { type Admission, clientIp, credentialsOf, RequestGate } from './modules/auth/gate.js';
import { startSessionJobs } from './modules/auth/session.jobs.js';
import { createSignInThrottle } from './modules/auth/sign-in-throttle.js';
import { createSignUpThrottle } from './modules/auth/sign-up-throttle.js';
import { startDomainJobs } from './modules/domain/domain.jobs.js';
import { EmailDelivery } from './modules/email/email.delivery.js';
import { startEmailJobs } from './modules/email/email.jobs.js';
import { EmailWriter } from './modules/email/email.writer.js';
import { createExportPools, endExportPools } from './modules/export/export.connections.js';
import { exportDownload } from './modules/export/export.download.js';
import { createExportQueues, startExportWorkers } from './modules/export/export.jobs.js';
import { EXPORT_QUEUE } from './modules/export/export.service.js';
import { createMailer } from './modules/mail/mailer.js';
import { createInvitationThrottle } from './modules/team/invitation-throttle.js';
import { redactGraphql } from './modules/usage-log/redact.js';
import { startUsageLogWorkers } from './modules/usage-log/usage-log.jobs.js';
import { maintainLogPartitions } from './modules/usage-log/usage-log.partitions.js';
import { UsageRecorder } from './modules/usage-log/usage-recorder.js';
import { requestReadError } from './rest/json-body.js';
import { createRestRouter } from './rest/router.js';
import { restRoutes } from './rest/routes.js';
import type { Services } from './services.js';
import { headerText } from './lib/header-text.js';

/** A GET request's `variables` parameter as Apollo will read it (JSON), or undefined when it has none or it is not JSON. */
function getVariables(req: Request): unknown {
  const text = req.method === 'GET' ? req.query.variables : undefined;
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What admitKeyed leaves for buildContext: the admission made before the body was read, or why it failed. */
type EarlyAdmission = { em?: ReturnType<MikroORM['em']['fork']>; admission?: Admission; admissionError?: unknown };

export type App = {
  httpServer: Server;
  services: Services;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
};

const JSON_LIMIT = '1mb';

export async function createApp(opts: { config: Config; orm: MikroORM; logger: Logger }): Promise<App> {
  const { config, orm, logger } = opts;
  const url = orm.config.getClientUrl();
  const timeouts = timeoutsOf(config);
  // Fails requests fast while PostgreSQL is unreachable and tells everything when it is back.
  const database = new DatabaseHealth(url, logger);
  const report = (err: unknown) => database.report(err);
  const notifier = new Notifier(url, orm, logger, { timeouts, health: database });
  await notifier.start();
  const pool = createPool(url, { timeouts, logger, onError: report });
  pool.on('release', (err) => err && report(err));
  const mailer = createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, pool, logger });
  const jobs = await startJobs({ url, logger, maintenanceSeconds: config.JOBS_MAINTENANCE_SECONDS, timeouts, onError: report });
  database.start();
  // Progress from any instance reaches this instance's subscribers.
  notifier.on('export_progress', (id) => pubSub.publish('EXPORT_PROGRESS', id, { id }));
  notifier.onRestored(() => republishFollowedExports());
  // A key changed (deleted, disabled, downgraded): its subscriptions check again at once whether
  // their caller would still be let in, rather than at their export's next progress.
  notifier.on('api_key_revoked', (payload) => republishFollowedExports(payload.split(' ')[0]));
  const metrics = createMetrics();
  const apiKeyVerifier = new ApiKeyVerifier(orm, notifier);
  const usageRecorder = new UsageRecorder(pool, logger, {
    maxEntries: config.USAGE_LOG_BUFFER_ENTRIES,
    maxBytes: Math.round(config.USAGE_LOG_BUFFER_MB * 1024 * 1024),
    health: database,
    onWrite: (ms) => metrics.usageLogWrite.observe(ms / 1000),
  });
  const gate = new RequestGate(
    { verifier: apiKeyVerifier, recorder: usageRecorder, knex: orm.em.getConnection().getKnex() },
    { teamPerSecond: config.RATE_LIMIT_PER_SECOND, sessionPerMinute: config.SESSION_RATE_LIMIT_PER_MINUTE },
  );
  const draining = new AbortController();
  const stopping = new AbortController();
  const services: Services = {
    config,
    logger,
    orm,
    notifier,
    mailer,
    emailDelivery: new EmailDelivery(pool, mailer, logger, {
      maxAttempts: config.MAIL_MAX_ATTEMPTS,
      retryBaseMs: config.MAIL_RETRY_SECONDS * 1000,
      leaseMs: config.MAIL_LEASE_SECONDS * 1000,
      onOutcome: (outcome) => metrics.emails.inc({ outcome }),
      health: database,
    }),
    emailWriter: new EmailWriter(pool, { maxInFlight: 2, maxRows: 500, requireVerified: config.REQUIRE_VERIFIED_DOMAINS }),
    jobs,
    pool,
    database,
    downloadPool: createDownloadPool(url, config.EXPORT_DOWNLOADS, config.EXPORT_DOWNLOAD_WAIT_SECONDS, { timeouts, logger, onError: report }),
    exportPools: createExportPools(url, config.EXPORT_CONCURRENCY, { timeouts, logger, onError: report }),
    draining: draining.signal,
    stopping: stopping.signal,
    signInThrottle: createSignInThrottle(orm),
    signUpThrottle: createSignUpThrottle(orm, config.SIGNUP_PER_ADDRESS_PER_HOUR),
    invitationThrottle: createInvitationThrottle(orm),
    apiKeyVerifier,
    usageRecorder,
    gate,
    metrics,
  };
  collectFrom(metrics, {
    health: database,
    pools: {
      main: pool,
      downloads: services.downloadPool,
      'export-copy': services.exportPools.background.copy,
      'export-write': services.exportPools.background.write,
      'export-inline-copy': services.exportPools.inline.copy,
      'export-inline-write': services.exportPools.inline.write,
    },
    orm,
    jobs,
    queues: [EXPORT_QUEUE],
    logger,
    recorder: services.usageRecorder,
  });
  // Every instance makes sure the log partitions are there before it logs anything (cheap when
  // they are); dropping old ones is the periodic job's. Should this fail, the default partition
  // takes the logs until the job has run.
  await maintainLogPartitions(pool, { retentionDays: config.LOG_RETENTION_DAYS, drop: false }).catch((err: unknown) =>
    logger.error({ err }, 'usage-log partitions could not be created; the periodic job tries again'),
  );
  if (config.WORKERS) {
    await startExportWorkers(services);
    await startUsageLogWorkers(services);
  } else await createExportQueues(services);
  await startEmailJobs(services, { work: config.WORKERS });
  if (config.WORKERS) await startDomainJobs(services);
  if (config.WORKERS) await startSessionJobs(services);
  void services.emailDelivery.resume().catch((err: unknown) => logger.error({ err }, 'could not resume queued emails'));
  const production = config.NODE_ENV === 'production';
  const schema = await createSchema();

  const app = express();
  app.disable('x-powered-by');
  // Every path the app serves is matched in its case only, as the REST API's are: `/API/HEALTH`,
  // `/api/Health` and `/api/exports/:id/Download` answered as if spelled right.
  app.set('case sensitive routing', true);
  app.set('trust proxy', 'loopback');
  const httpServer = expressServer(app, { requestTimeoutMs: config.REQUEST_TIMEOUT_SECONDS * 1000 });

  /** The context of a request the gate has admitted, over HTTP or the WebSocket. */
  const contextOf = (admission: Admission, ip: string, em = orm.em.fork()): Context => ({
    em,
    actor: admission.actor,
    admission,
    loaders: createLoaders(em),
    services,
    ip,
  });

  /**
   * A GraphQL request's context, once the gate has let it in (a key, a session or no one). A
   * request the gate refuses (an invalid key, a rate limit) is answered here, and logged when it
   * was made with a key.
   */
  const buildContext = async (req: IncomingMessage, extra: Partial<Context> = {}): Promise<Context> => {
    // Over HTTP, a request with a key was admitted before its body was read (admitKeyed).
    const early = extra.res?.locals as EarlyAdmission | undefined;
    const em = early?.em ?? orm.em.fork();
    const credentials = credentialsOf(req, { session: true });
    let admission: Admission | undefined;
    try {
      if (early?.admissionError) throw early.admissionError;
      admission = early?.admission ?? (await gate.admit(credentials, () => em));
      extra.res?.set(admission.headers);
      if (admission.refusal) throw admission.refusal;
      return { ...contextOf(admission, credentials.ip, em), ...extra };
    } catch (e) {
      const err = contextError(e);
      if (admission) {
        const body = (req as Request).body as { operationName?: unknown } | undefined;
        const operationName = typeof body?.operationName === 'string' ? body.operationName.slice(0, 100) : '';
        admission.finish({
          method: req.method ?? 'POST',
          endpoint: `/graphql${operationName ? ` ${operationName}` : ''}`,
          statusCode: err instanceof GraphQLError ? ((err.extensions.http as { status?: number } | undefined)?.status ?? 500) : 500,
          userAgent: headerText(req.headers['user-agent']) ?? null,
          requestBody: null,
          // Its code too, as the client was told it: the log's errorName (UNAUTHENTICATED, RATE_LIMITED…).
          responseBody: {
            errors: [{ message: (err as Error).message, ...(err instanceof GraphQLError ? { extensions: { code: err.extensions.code } } : {}) }],
          },
        });
      }
      throw err;
    }
  };

  const armor = new ApolloArmor({
    maxDepth: { n: 12 },
    maxAliases: { n: 20 },
    maxDirectives: { n: 20 },
    // Counted by graphql-js's parser instead (parseOptions below): armor's token check runs in a
    // plugin hook, where any syntax error it meets becomes an HTTP 500 instead of a 400.
    maxTokens: { enabled: false },
    // Counted by graphql/cost.ts instead, which multiplies a list's selection by its size.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  });
  const protection = armor.protect();
  // The same limits on both transports.
  const validationRules = [...protection.validationRules, noNulStrings];
  const parseOptions = { maxLexicalTokens: 3000 };

  const formatError = createFormatError(logger);
  const subscriptions = createSubscriptionServer({
    httpServer,
    schema,
    services,
    parseOptions,
    validationRules,
    formatError,
    contextFor: (request, admission) => contextOf(admission, clientIp(request)),
  });
  metrics.websockets.count = () => subscriptions.wsServer.clients.size;

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: !production,
    parseOptions,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    formatError,
    validationRules: [...validationRules, noSubscriptions],
    plugins: [
      errorStatusPlugin,
      {
        // The query cost limit (graphql/cost.ts), once the operation is known and before it runs.
        async requestDidStart() {
          return {
            async didResolveOperation({ document, request, operationName }) {
              const tooCostly = costError(schema, document, request.variables, operationName);
              if (tooCostly) throw tooCostly;
            },
          };
        },
      },
      // graphql-armor is typed against Apollo's CJS build; the plugin objects are the same at run time.
      ...(protection.plugins as unknown as ApolloServerPlugin<Context>[]),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      {
        // Every GraphQL request made with a key is a usage log too.
        async requestDidStart(rc) {
          return {
            async willSendResponse({ contextValue, request, response, operationName, document }) {
              if (!contextValue.admission?.key) return;
              const body = response.body.kind === 'single' ? response.body.singleResult : null;
              // Secrets out by name, by value, in the query text, and by the schema (aliased tokens).
              const { requestBody, responseBody } = redactGraphql({
                schema,
                document,
                operationName,
                query: request.query,
                variables: request.variables,
                response: body,
              });
              contextValue.admission.finish({
                method: rc.request.http?.method ?? 'POST',
                endpoint: `/graphql${operationName ? ` ${operationName}` : ''}`,
                // An answer with errors is logged with the status its first error stands for (HTTP stays 200).
                statusCode: loggedStatusOf(response.http.status, body?.errors),
                userAgent: headerText(rc.request.http?.headers.get('user-agent')) ?? null,
                requestBody,
                responseBody,
              });
            },
          };
        },
      },
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await subscriptions.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  // At shutdown, Apollo's drain ends every connection it counts no request on, which is one whose
  // request has begun to arrive but not all its headers yet. That request was still read and run
  // — an email accepted, stored and logged — while its answer could no longer be written: the
  // client saw the connection closed and would send it again. Such a request is not run: its
  // connection is closed unanswered, as if it had come a moment later.
  app.use((req, _res, next) => {
    if (req.socket.writableEnded || req.socket.destroyed) return void req.socket.destroy();
    next();
  });
  app.use(requestMetrics(metrics));
  app.get('/metrics', metricsRoute(metrics, config.METRICS_TOKEN));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'connect-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'style-src': ["'self'", "'unsafe-inline'"],
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );

  // Readiness: the database answers (fails at once while it is known to be down).
  app.get('/api/health', async (_req, res) => {
    try {
      await services.pool.query('select 1');
      res.json({ status: 'ok' });
    } catch (e) {
      logger.debug({ err: e }, 'health check: database unreachable');
      // Every REST failure's shape (PRODUCT.md: `{ statusCode, name, message }`), and `status` for probes.
      res
        .status(503)
        .set('retry-after', String(UNAVAILABLE_RETRY_SECONDS))
        .json({ status: 'unavailable', statusCode: 503, name: 'service_unavailable', message: serviceUnavailable().message });
    }
  });
  // Liveness: the process serves HTTP; no database involved, so an outage never gets it restarted.
  app.get('/api/health/live', (_req, res) => {
    res.json({ status: 'ok', database: database.up ? 'up' : 'down' });
  });

  const graphiql = production ? null : explorer(config.EXPLORER_DIST, logger);
  if (graphiql) app.use(graphiql);

  /**
   * A GraphQL request made with a key is admitted (verified, counted against the rate limit) before
   * its body is read, and logged once answered whatever answers it: one Apollo or the body parser
   * refuses before any context is built (not JSON, too large, text/plain against CSRF, a batch, PUT)
   * was neither logged nor counted, where REST logs and counts the same refusals. One that is run
   * is logged by the usage-log plugin first, with its bodies; this log is then a no-op.
   */
  const admitKeyed = (req: Request, res: Response, next: NextFunction) => {
    if (!req.headers.authorization) return next();
    const locals = res.locals as EarlyAdmission;
    locals.em = orm.em.fork();
    gate
      .admit(credentialsOf(req, { session: true }), () => locals.em!)
      .then(
        (admission) => {
          locals.admission = admission;
          res.once('close', () =>
            admission.finish({
              method: req.method,
              endpoint: '/graphql',
              statusCode: res.statusCode,
              userAgent: headerText(req.get('user-agent')) ?? null,
              requestBody: null,
              responseBody: null,
            }),
          );
          next();
        },
        (err: unknown) => {
          locals.admissionError = err;
          next();
        },
      );
  };

  app.use(
    '/graphql',
    admitKeyed,
    express.json({ limit: JSON_LIMIT }),
    (req: Request, res: Response, next: NextFunction) => {
      // Text PostgreSQL cannot store (lib/nul.ts): refused here with a clear error rather than a failed statement.
      // A GET's variables are JSON text in the query string, whose escapes (`\u0000`) are what
      // Apollo parses: checked as parsed. Left to Apollo, a NUL reached PostgreSQL and was answered
      // SERVICE_UNAVAILABLE ("its database cannot be reached"). Text that is not JSON is Apollo's 400.
      const bad = findBadText(req.body?.variables) ?? findBadText(getVariables(req)) ?? findBadText(req.body) ?? findBadText(req.query);
      if (!bad) return next();
      res.status(400).json({ errors: [{ message: badTextMessage(bad), extensions: { code: ErrorCode.BAD_USER_INPUT, field: bad.field } }] });
    },
    expressMiddleware(apollo, { context: ({ req, res }) => buildContext(req, { req, res }) }),
  );

  app.get('/api/exports/:id/download', exportDownload(services));
  // `/api` in any case: a path under `/API` is the REST API's 404 (rest/router.ts), not the dashboard's.
  app.use(/^\/api(?=\/|$)/i, createRestRouter(services, restRoutes));

  const indexHtml = path.join(config.CLIENT_DIST, 'index.html');
  if (fs.existsSync(indexHtml)) {
    app.use(express.static(config.CLIENT_DIST, { index: false, maxAge: '1h' }));
    // Client routes like /api-keys answer the app on reload.
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(indexHtml);
    });
  } else {
    logger.warn({ dir: config.CLIENT_DIST }, 'client build not found; run `pnpm build` to serve the dashboard');
  }

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const read = requestReadError(err);
    if (read) {
      const isGraphql = req.path.startsWith('/graphql') || req.baseUrl.startsWith('/graphql');
      if (isGraphql) res.status(read.status).json({ errors: [{ message: read.message, extensions: { code: read.graphqlCode } }] });
      else res.status(read.status).json({ statusCode: read.status, name: read.restName, message: read.message });
      return;
    }
    if (isDatabaseUnavailable(err)) {
      const e = serviceUnavailable();
      res.status(503).set('retry-after', String(UNAVAILABLE_RETRY_SECONDS)).json({ statusCode: 503, name: 'service_unavailable', message: e.message });
      return;
    }
    logger.error({ err }, 'unhandled request error');
    res.status(500).json({ statusCode: 500, name: 'internal_server_error', message: 'An unexpected error occurred.' });
  };
  app.use(onError);

  return {
    httpServer,
    services,
    listen(port, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const address = httpServer.address();
          const actual = typeof address === 'object' && address ? address.port : port;
          resolve(`http://127.0.0.1:${actual}`);
        });
      });
    },
    async close() {
      // Small exports written in their requests get a grace, then their statements are cancelled:
      // one stuck on a lock held the drain, and the pools after it, for ever.
      draining.abort();
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
      // Running exports stop at their next check and fail their attempt, so that their jobs are
      // retried (here after a restart, or by another instance) rather than finished by a process
      // whose mailer and pools are closing: the ready email was lost, and shutdown waited for them.
      stopping.abort();
      await jobs.stop({ graceful: true, timeout: 10_000, close: true, wait: true });
      await services.emailDelivery.close();
      gate.close();
      await services.usageRecorder.close();
      services.mailer.close();
      await notifier.close();
      await database.close();
      await services.pool.end();
      await services.downloadPool.end();
      await endExportPools(services.exportPools);
    },
  };
}
