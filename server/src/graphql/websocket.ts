import type { IncomingMessage, Server } from 'node:http';
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  type ValidationRule,
  validate,
} from 'graphql';
import type { OperationResult, SubscribePayload, Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { type ServerOptions, WebSocket, WebSocketServer } from 'ws';
import { isDatabaseUnavailable } from '../db/connection.js';
import { ErrorCode } from '../errors.js';
import { headerText } from '../lib/header-text.js';
import { badTextMessage, findBadText } from '../lib/nul.js';
import { type Admission, type Credentials, clientIp, credentialsOf } from '../modules/auth/gate.js';
import { addressKey } from '../modules/auth/sign-in-throttle.js';
import { redactGraphql } from '../modules/usage-log/redact.js';
import type { Services } from '../services.js';
import { type Context, isAppError } from './context.js';
import { costError } from './cost.js';
import { loggedStatusOf } from './errors.js';
import { subscriptionsOnly } from './subscriptions-only.js';

/** Open sockets per session or key, on one instance. */
export const MAX_SOCKETS_PER_CALLER = 10;
/** Open sockets per user, all their sessions together, on one instance. */
export const MAX_SOCKETS_PER_USER = 30;
/** Open sockets per team, all its API keys together, on one instance. */
export const MAX_KEY_SOCKETS_PER_TEAM = 100;
/**
 * Sockets from one address (an IPv6 address by its /64) not let in yet, on one instance: opened
 * and no connection_init, or its gate still running. Each caller's sockets were capped once let
 * in, but anyone could open thousands that never sent connection_init, each held for the init
 * timeout and 30 s more when it did not answer the close. Past this, the upgrade answers 429.
 */
export const MAX_WAITING_SOCKETS_PER_ADDRESS = 20;
/** How long a socket may stay open without connection_init (closed 4408): graphql-ws's default, said here. */
export const CONNECTION_INIT_TIMEOUT_MS = 3_000;
/** How long a socket being closed waits for its peer's close frame before it is dropped (ws: 30 s). */
const CLOSE_TIMEOUT_MS = 2_000;
/** Subscriptions running at once on one socket. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 10;
/**
 * What may wait in this process for a socket's peer to read it. A client that sends and never
 * reads (a 1 MB ping is answered with a 1 MB pong, whatever state the socket is in) had every
 * answer kept in memory until the keep-alive gave up on it: 40 pings held 36 MB, and nothing
 * bounded the sockets or the rate. Past this, the socket is dropped: its peer is not reading, so
 * a close frame would only wait behind the rest.
 */
export const MAX_UNREAD_BYTES = 4 * 1024 * 1024;

/** What a socket was let in with. */
type Caller = {
  credentials: Credentials;
  /** What the socket is counted against: its session and that session's user, or its key and that key's team. */
  counted: string[];
};
/** A subscription's usage log, written once its first answer (an event, an error, the end) says how it went. */
type PendingLog = (statusCode: number, errors?: readonly GraphQLFormattedError[]) => void;
type Extra = {
  socket: WebSocket;
  request: IncomingMessage;
  keyring?: Caller;
  pendingLogs?: Map<string, PendingLog>;
  /** Subscriptions being let in (onSubscribe until onOperation). */
  settingUp?: number;
  /** Subscriptions running, whatever graphql-ws still holds of them (see `tracked`). */
  running?: Set<AsyncIterator<unknown>>;
};

/**
 * The close code of a socket that could not be let in because the database cannot be reached:
 * 1013 "Try Again Later", which graphql-ws clients retry (as they do 1001, 1006, 1012, 1014 and
 * 4403, but not 1011, 4400, 4401 or 4500), so the dashboard reconnects once it is back. A real
 * refusal (no credentials, a bad key or session, another origin, too many sockets) stays 4403.
 */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** graphql-ws's close code for a server fault (CloseCode.InternalServerError). */
export const CLOSE_INTERNAL_ERROR = 4500;

/**
 * In production, a validation error names no field the schema has ("Did you mean …?"), as
 * graphql-armor's blockFieldSuggestion does over HTTP (with its mask): over the socket, a
 * misspelt field was answered with the right one.
 */
const hideSuggestions = (message: string) => message.replace(/Did you mean ".+"\?/g, '[Suggestion hidden]').trim();

/** Whether the gate failed because the database cannot be reached (not because it refused). */
const unavailable = (e: unknown) => isAppError(e, ErrorCode.SERVICE_UNAVAILABLE) || isDatabaseUnavailable(e);

/** The error with the code Apollo gives it on the HTTP path, which formatError lets through. */
export const withCode = (e: GraphQLError, code: string, message = (m: string) => m) =>
  new GraphQLError(message(e.message), {
    nodes: e.nodes,
    source: e.source,
    positions: e.positions,
    originalError: e.originalError,
    extensions: { ...e.extensions, code },
  });

/**
 * Whether a browser page may open a socket with the session cookie: only the dashboard's own
 * origin (PUBLIC_URL's, or the host the request was made to). A page elsewhere would otherwise
 * ride the user's cookie (cross-site WebSocket hijacking). Clients that are not browsers send no
 * Origin and cannot be made to carry someone's cookie.
 */
export function originAllowed(request: IncomingMessage, publicUrl: string): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const host = request.headers.host;
  return origin === new URL(publicUrl).origin || (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`));
}

/**
 * GraphQL subscriptions over graphql-ws. A socket is let in at `connection_init` by the request
 * gate (a key in connectionParams.authorization, else the session cookie) or closed (4403): no
 * anonymous sockets; while the database cannot be reached, closed 1013 (try again later). Each subscription goes through the gate again — the key verified (a revoked
 * key's next subscription is refused), the rate limit counted, a key's usage log written — and
 * sockets per caller and subscriptions per socket are capped. Only subscriptions: queries and
 * mutations go over HTTP.
 */
export function createSubscriptionServer(opts: {
  httpServer: Server;
  schema: GraphQLSchema;
  services: Services;
  parseOptions: { maxLexicalTokens: number };
  validationRules: ValidationRule[];
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** The context of one subscription, once admitted. */
  contextFor: (request: IncomingMessage, admission: Admission) => Context;
}) {
  const { schema, services, parseOptions, validationRules, formatError } = opts;
  const { gate, config } = services;
  const production = config.NODE_ENV === 'production';
  const socketsByCaller = socketCounts();
  const waiting = waitingSockets();
  // A subscription message is small: anything over the HTTP body limit closes the socket (1009)
  // instead of being buffered (ws would take up to 100 MiB).
  // closeTimeout: ws 8.23 takes it; @types/ws 8.18 does not know it yet.
  const options: ServerOptions & { closeTimeout: number } = {
    server: opts.httpServer,
    path: '/graphql',
    maxPayload: 1024 * 1024,
    closeTimeout: CLOSE_TIMEOUT_MS,
    verifyClient: ({ req }, answer) =>
      waiting.full(req)
        ? answer(false, 429, 'Too many WebSocket connections waiting for connection_init from this address.', { 'Retry-After': '5' })
        : answer(true),
  };
  const wsServer = new WebSocketServer(options);
  wsServer.on('connection', dropWhenUnread);
  wsServer.on('connection', (socket, request) => waiting.add(socket, request));
  const admissions = new WeakMap<object, Admission>();
  /** A subscription let in by the gate, parsed, validated and costed: its execution arguments, or why not. */
  const setUp = async (
    ctx: WsContext<Record<string, unknown> | undefined, Extra>,
    id: string,
    payload: SubscribePayload,
    caller: Caller,
  ): Promise<readonly GraphQLError[] | ExecutionArgs> => {
    let admission: Admission;
    try {
      admission = await gate.admit(caller.credentials, () => services.orm.em.fork());
    } catch (e) {
      // The key was revoked since the socket opened, say; or the database is away. Coded by
      // formatError (onError below), as over HTTP: anything else is a fault, logged and masked
      // as INTERNAL_SERVER_ERROR. It was sent as UNAUTHENTICATED with its own message: a failed
      // statement's SQL, with the session's token hash in it.
      return [new GraphQLError(e instanceof Error ? e.message : String(e), { originalError: e instanceof Error ? e : undefined })];
    }
    // Text PostgreSQL cannot store, or nesting too deep to walk (lib/nul.ts): refused as over
    // HTTP, and logged without the variables.
    const badVariables = findBadText(payload.variables ?? null);
    const log = (statusCode: number, document?: DocumentNode, errors?: readonly GraphQLFormattedError[]) => {
      const { requestBody, responseBody } = redactGraphql({
        schema,
        document,
        operationName: payload.operationName,
        query: payload.query,
        variables: badVariables ? undefined : (payload.variables ?? undefined),
        // The first error's code and message are the log's error name and message.
        response: errors ? { errors: errors.map((e) => ({ message: e.message, extensions: { code: e.extensions?.code } })) } : null,
      });
      const name = payload.operationName ?? (document ? getOperationAST(document)?.name?.value : undefined);
      admission.finish({
        method: 'WS',
        endpoint: `/graphql${name ? ` ${name.slice(0, 100)}` : ''}`,
        statusCode,
        userAgent: headerText(ctx.extra.request.headers['user-agent']) ?? null,
        requestBody,
        responseBody,
      });
    };
    if (admission.refusal) {
      const { code, retryAfterSeconds } = admission.refusal;
      const errors = [new GraphQLError(admission.refusal.message, { extensions: { code, ...(retryAfterSeconds ? { retryAfter: retryAfterSeconds } : {}) } })];
      log(loggedStatusOf(undefined, errors), undefined, errors);
      return errors;
    }
    if (badVariables) {
      const errors = [new GraphQLError(badTextMessage(badVariables), { extensions: { code: ErrorCode.BAD_USER_INPUT, field: badVariables.field } })];
      log(400, undefined, errors);
      return errors;
    }
    let document: DocumentNode;
    try {
      document = parse(payload.query, parseOptions);
    } catch (e) {
      if (!(e instanceof GraphQLError)) throw e;
      const errors = [withCode(e, 'GRAPHQL_PARSE_FAILED')];
      log(400, undefined, errors);
      return errors;
    }
    const invalid = validate(schema, document, [...specifiedRules, ...validationRules, subscriptionsOnly]);
    const unrunnable = invalid.length ? null : unresolved(schema, document, payload.operationName, payload.variables);
    const tooCostly = invalid.length || unrunnable ? null : costError(schema, document, payload.variables, payload.operationName);
    const errors = invalid.length
      ? invalid.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED', production ? hideSuggestions : undefined))
      : (unrunnable ?? (tooCostly ? [tooCostly] : null));
    if (errors) {
      log(400, document, errors);
      return errors;
    }
    // Logged when its first answer comes: an error then (an export not found, say) is logged
    // with the status it stands for, as over HTTP (loggedStatusOf).
    ctx.extra.pendingLogs ??= new Map();
    ctx.extra.pendingLogs.set(id, (statusCode, errs) => log(statusCode, document, errs));
    const args = { schema, document, operationName: payload.operationName, variableValues: payload.variables };
    admissions.set(args, admission);
    return args;
  };
  const cleanup = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
      onConnect: async (ctx) => {
        const request = ctx.extra.request;
        const params = ctx.connectionParams ?? {};
        const fromParams = params.authorization ?? params.Authorization;
        const authorization = typeof fromParams === 'string' ? fromParams : undefined;
        if (authorization === undefined && !originAllowed(request, config.PUBLIC_URL)) return false;
        const credentials = credentialsOf(request, { authorization, session: authorization === undefined });
        let admission: Admission;
        try {
          admission = await gate.admit(credentials, () => services.orm.em.fork());
        } catch (e) {
          // graphql-ws then closes with 4403, which a closing socket ignores.
          if (unavailable(e)) ctx.extra.socket.close(CLOSE_TRY_AGAIN_LATER, 'The database cannot be reached. Try again later.');
          else if (!isAppError(e)) {
            // A fault, not a refusal: logged, and closed as one (it was a silent 4403 Forbidden).
            services.logger.error({ err: e }, 'WebSocket connection_init failed');
            ctx.extra.socket.close(CLOSE_INTERNAL_ERROR, 'Internal server error');
          }
          return false;
        }
        const actor = admission.actor;
        if (!actor) return false;
        // Closed while the gate was looking the caller up (a reload, a dropped network): onClose
        // has run already and found no caller to count down, so counting it up now would hold one
        // of the caller's sockets for ever, and ten of them lock the caller out of this instance.
        if (ctx.extra.socket.readyState !== WebSocket.OPEN) return false;
        const id = actor.kind === 'apiKey' ? `key:${actor.apiKeyId}` : `session:${actor.sessionId}`;
        // A user's sessions together too (each sign-in is a session: signing in again gave ten
        // more), and a team's keys (a full-access key can make 500 keys of ten sockets each).
        const counted: [string, number][] = [
          [id, MAX_SOCKETS_PER_CALLER],
          actor.kind === 'user' ? [`user:${actor.userId}`, MAX_SOCKETS_PER_USER] : [`team-keys:${actor.teamId}`, MAX_KEY_SOCKETS_PER_TEAM],
        ];
        if (counted.some(([key, max]) => socketsByCaller.of(key) >= max)) return false;
        for (const [key] of counted) socketsByCaller.add(key);
        waiting.letIn(ctx.extra.socket);
        ctx.extra.keyring = { credentials, counted: counted.map(([key]) => key) };
        return true;
      },
      onClose: async (ctx) => {
        // What graphql-ws has lost track of (see `tracked`) ends with the socket too.
        await Promise.all([...(ctx.extra.running ?? [])].map((it) => it.return?.()));
        // Subscriptions that never answered: admitted, so logged as such.
        for (const pending of ctx.extra.pendingLogs?.values() ?? []) pending(200);
        ctx.extra.pendingLogs?.clear();
        for (const key of ctx.extra.keyring?.counted ?? []) socketsByCaller.remove(key);
      },
      // Parsed and validated here, once, as HTTP requests are. A syntax error is answered
      // (graphql-ws's own parse would treat it as its failure and drop the socket).
      onSubscribe: async (ctx, id, payload) => {
        const extra = ctx.extra;
        if (!extra.keyring) return [new GraphQLError('Not signed in.', { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
        // Counted by what runs and what is being let in, not by graphql-ws's subscriptions by id:
        // an id completed while its subscribe was being let in, and subscribed again, left the
        // first one running where graphql-ws no longer saw it (nor counted, nor ended it).
        if ((extra.settingUp ?? 0) + (extra.running?.size ?? 0) >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
          return [
            new GraphQLError(`At most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions run at once on one connection.`, {
              extensions: { code: ErrorCode.RATE_LIMITED },
            }),
          ];
        }
        extra.settingUp = (extra.settingUp ?? 0) + 1;
        let handedOn = false;
        try {
          const result = await setUp(ctx, id, payload, extra.keyring);
          handedOn = !Array.isArray(result);
          return result;
        } finally {
          if (!handedOn) extra.settingUp -= 1;
        }
      },
      // Let in: from now on it counts as running until it ends, and is ended with its socket.
      onOperation: (ctx, _id, _payload, _args, result) => {
        ctx.extra.settingUp = Math.max(0, (ctx.extra.settingUp ?? 1) - 1);
        return isAsyncIterator(result) ? (tracked(ctx.extra, result) as OperationResult) : undefined;
      },
      context: (ctx, _id, _payload, args) => {
        const admission = admissions.get(args);
        if (!admission) throw new Error('subscription without an admission');
        return opts.contextFor(ctx.extra.request, admission);
      },
      // The same error mapping as HTTP: codes for domain errors, masked internals.
      onNext: (ctx, id, _payload, _args, result) => {
        const errors = result.errors?.map((e) => formatError(e.toJSON(), e));
        settle(ctx.extra, id, loggedStatusOf(undefined, errors), errors);
        return errors ? { ...result, errors } : result;
      },
      onError: (ctx, id, _payload, errors) => {
        const formatted = errors.map((e) => formatError(e.toJSON(), e));
        settle(ctx.extra, id, loggedStatusOf(undefined, formatted), formatted);
        return formatted;
      },
      onComplete: (ctx, id) => settle(ctx.extra, id, 200),
    },
    wsServer,
  );
  // A frame the WebSocket protocol refuses (text that is not UTF-8, no mask, reserved bits) is the
  // client's fault: ws closes the socket with its code (1007, 1002, 1009), and it is logged as that.
  // graphql-ws took it for its own failure and wrote it to stderr with a stack trace, "Please check
  // your implementation", once for every such frame anyone sent. Registered after graphql-ws's
  // listener, which it replaces.
  wsServer.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (err: Error & { code?: unknown }) => {
      const refused = typeof err.code === 'string' && err.code.startsWith('WS_ERR_');
      if (refused) services.logger.debug({ code: err.code, message: err.message }, 'WebSocket frame refused');
      else services.logger.error({ err }, 'WebSocket error');
    });
  });
  return { wsServer, dispose: () => cleanup.dispose() };
}

/** Open sockets counted by a key (a caller, a user, an address); a key whose count falls to 0 is forgotten. */
function socketCounts() {
  const counts = new Map<string, number>();
  return {
    of: (key: string) => counts.get(key) ?? 0,
    add: (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1),
    remove(key: string) {
      const left = (counts.get(key) ?? 1) - 1;
      if (left > 0) counts.set(key, left);
      else counts.delete(key);
    },
  };
}

/** Sockets not let in yet, counted by the address they came from until they are let in or closed. */
function waitingSockets() {
  const byAddress = socketCounts();
  const addressOf = new WeakMap<WebSocket, string>();
  const release = (socket: WebSocket) => {
    const address = addressOf.get(socket);
    if (address === undefined) return;
    addressOf.delete(socket);
    byAddress.remove(address);
  };
  return {
    full: (request: IncomingMessage) => byAddress.of(peerAddress(request)) >= MAX_WAITING_SOCKETS_PER_ADDRESS,
    add(socket: WebSocket, request: IncomingMessage) {
      const address = peerAddress(request);
      addressOf.set(socket, address);
      byAddress.add(address);
      socket.once('close', () => release(socket));
    },
    letIn: release,
  };
}

/**
 * Who opened a socket: its address as Express's req.ip gives it (X-Forwarded-For trusted from
 * loopback, as for every request: the server's requests are born Express's), counted as the
 * sign-in throttle counts one (an IPv6 address by its /64, which one host commonly holds whole).
 */
export const peerAddress = (request: IncomingMessage): string => addressKey(clientIp(request));

/**
 * The operation to run and its variables, checked as Apollo checks them over HTTP: an unknown
 * operationName (OPERATION_RESOLUTION_FAILURE), a variable missing or of the wrong type
 * (BAD_USER_INPUT, naming it). Left to graphql-ws, they failed as INTERNAL_SERVER_ERROR.
 */
function unresolved(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): GraphQLError[] | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    const message = operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.';
    return [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 50 });
  return coerced.errors ? coerced.errors.map((e) => withCode(e, ErrorCode.BAD_USER_INPUT)) : null;
}

/**
 * Drops the socket instead of sending on it once MAX_UNREAD_BYTES wait for its peer. A send that
 * fails because the socket is gone (dropped here, or reset by its peer) is not graphql-ws's
 * failure: its callback is called without the error, which graphql-ws would log with a stack
 * trace as an "internal error", once for every message still queued.
 */
function dropWhenUnread(socket: WebSocket): void {
  const send = socket.send.bind(socket) as (...args: unknown[]) => void;
  socket.send = ((...args: unknown[]) => {
    const at = args.findIndex((a) => typeof a === 'function');
    const done = at >= 0 ? (args[at] as (err?: Error) => void) : undefined;
    if (socket.bufferedAmount > MAX_UNREAD_BYTES) {
      socket.terminate();
      return done?.();
    }
    if (done) {
      args[at] = (err?: Error) => {
        if (err) socket.terminate();
        done();
      };
    }
    return send(...args);
  }) as WebSocket['send'];
}

const isAsyncIterator = (value: unknown): value is AsyncIterator<unknown> & AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value && typeof (value as { next?: unknown }).next === 'function';

/**
 * A running subscription, counted in `extra.running` until it ends (its last event, an error, or
 * its return when its client completes it or its socket closes), whatever graphql-ws still holds
 * of it: graphql-ws tracks subscriptions by id, so one whose id was completed and subscribed again
 * while it was being let in ran on with nothing to end it, even once its socket was closed.
 */
function tracked(extra: Extra, it: AsyncIterator<unknown> & AsyncIterable<unknown>): AsyncGenerator<unknown> {
  extra.running ??= new Set();
  const running = extra.running;
  running.add(it);
  const end = () => running.delete(it);
  const wrapper = {
    async next() {
      try {
        const step = await it.next();
        if (step.done) end();
        return step;
      } catch (e) {
        end();
        throw e;
      }
    },
    async return(value?: unknown) {
      end();
      return it.return ? it.return(value) : { done: true, value };
    },
    async throw(e?: unknown) {
      end();
      if (it.throw) return it.throw(e);
      throw e;
    },
    [Symbol.asyncIterator]() {
      return wrapper;
    },
  } as AsyncGenerator<unknown>;
  return wrapper;
}

/** Writes a subscription's pending usage log, once. */
function settle(extra: Extra, id: string, statusCode: number, errors?: readonly GraphQLFormattedError[]): void {
  const pending = extra.pendingLogs?.get(id);
  if (!pending) return;
  extra.pendingLogs?.delete(id);
  pending(statusCode, errors);
}
