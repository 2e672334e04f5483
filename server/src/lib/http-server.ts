import { createServer, IncomingMessage, type Server, type ServerOptions, ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';

type Shapes = { IncomingMessage: typeof IncomingMessage; ServerResponse: typeof ServerResponse };

/** Node's own constructors, which a subclass can call on `this` only while they are plain functions (Node 20–24). */
const NODE: Shapes = { IncomingMessage, ServerResponse };

const isClass = (f: unknown) => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));

/**
 * The HTTP server of an Express app whose requests and responses are born Express's.
 *
 * Express gives every request its own prototypes (`Object.setPrototypeOf(req, app.request)` and
 * the same for the response, in `app.handle`). V8 rebuilds the object's shape each time, and the
 * objects so changed outlive the young generation: a third of what the server allocated survived
 * each scavenge and was promoted, and the main thread spent more than half its time on the live
 * route in that and the collections it caused (README, Benchmarks). Here Node constructs requests
 * and responses with Express's prototypes from the start, so Express's `setPrototypeOf` finds the
 * prototype it sets already there, which V8 treats as nothing to do.
 *
 * Should Node's constructors ever become classes (which cannot be called on `this`), the server
 * is Node's plain one and Express does as it always did.
 */
export function expressServer(app: Express, limits: RequestLimits = {}, node: Shapes = NODE): Server {
  return answerClientErrors(createExpressServer(app, serverOptions(limits), node));
}

/** How long a request may take to arrive: its headers and all of it (Node's defaults: 60 s and 300 s). */
export type RequestLimits = { requestTimeoutMs?: number };

function serverOptions({ requestTimeoutMs }: RequestLimits): ServerOptions {
  if (requestTimeoutMs === undefined) return {};
  return {
    requestTimeout: requestTimeoutMs,
    // Node refuses a headersTimeout above requestTimeout.
    headersTimeout: Math.min(60_000, requestTimeoutMs),
    // Node looks for late requests this often (30 s by default): a short limit is kept to within half of it.
    connectionsCheckingInterval: Math.min(30_000, Math.max(250, requestTimeoutMs / 2)),
  };
}

/** What a request Node's parser refused is answered, by its error code (as Node's own answers). */
const CLIENT_ERRORS: Record<string, { status: number; name: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    name: 'request_header_fields_too_large',
    message: 'The request line and headers are too large (at most 16 KB): send long filters in fewer, shorter query parameters.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, name: 'request_timeout', message: 'The request took too long to arrive.' },
};
const BAD_REQUEST = { status: 400, name: 'validation_error', message: 'The request is not valid HTTP/1.1.' };

/**
 * A request Node refuses before any route sees it (a URL or headers over 16 KB, a method or line
 * that is not HTTP) was answered by Node with a status and an empty body: answered here with the
 * REST API's error body, `{ statusCode, name, message }`, as every other refusal; then the
 * connection is closed.
 */
export function answerClientErrors(server: Server): Server {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's own handler: answer only when no response on this connection (a keep-alive one
    // may have served others) has begun to be written; otherwise the answer would corrupt it.
    const inFlight = (socket as Duplex & { _httpMessage?: { _headerSent?: boolean } | null })._httpMessage;
    if (!socket.writable || inFlight?._headerSent || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const { status, name, message } = (err.code !== undefined && CLIENT_ERRORS[err.code]) || BAD_REQUEST;
    const body = JSON.stringify({ statusCode: status, name, message });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}

function createExpressServer(app: Express, options: ServerOptions, node: Shapes): Server {
  if (isClass(node.IncomingMessage) || isClass(node.ServerResponse)) return createServer(options, app);
  // Function constructors on purpose: a class's `prototype` cannot be replaced, and
  // Reflect.construct with another new.target made every request slower than Express alone.
  function ExpressRequest(this: IncomingMessage, socket: Socket) {
    (node.IncomingMessage as unknown as (this: IncomingMessage, socket: Socket) => void).call(this, socket);
  }
  ExpressRequest.prototype = app.request;
  function ExpressResponse(this: ServerResponse, req: IncomingMessage, options?: unknown) {
    (node.ServerResponse as unknown as (this: ServerResponse, req: IncomingMessage, options?: unknown) => void).call(this, req, options);
  }
  ExpressResponse.prototype = app.response;
  return createServer(
    {
      ...options,
      IncomingMessage: ExpressRequest as unknown as typeof IncomingMessage,
      ServerResponse: ExpressResponse as unknown as typeof ServerResponse,
    },
    app,
  );
}
