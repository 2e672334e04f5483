import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
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
export function expressServer(app: Express, node: Shapes = NODE): Server {
  if (isClass(node.IncomingMessage) || isClass(node.ServerResponse)) return createServer(app);
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
      IncomingMessage: ExpressRequest as unknown as typeof IncomingMessage,
      ServerResponse: ExpressResponse as unknown as typeof ServerResponse,
    },
    app,
  );
}
