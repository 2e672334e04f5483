import { IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { expressServer } from './http-server.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** An app that uses Express's request and response helpers, served by `make`; what the request and response looked like on arrival, before Express saw them. */
async function serve(make: (app: express.Express) => Server) {
  const app = express();
  app.get('/hello/:name', (req, res) =>
    res
      .status(201)
      .set('x-seen', req.get('x-ask') ?? '')
      .json({ hello: req.params.name, ip: req.ip }),
  );
  server = make(app);
  const arrived: { request: boolean; response: boolean }[] = [];
  server.prependListener('request', (req, res) => {
    arrived.push({ request: Object.getPrototypeOf(req) === app.request, response: Object.getPrototypeOf(res) === app.response });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hello/ada`, { headers: { 'x-ask': 'yes' } });
  return { status: res.status, seen: res.headers.get('x-seen'), body: await res.json(), arrived };
}

describe('expressServer', () => {
  it('hands Express requests and responses that already have its prototypes, and Express serves them as usual', async () => {
    const got = await serve((app) => expressServer(app));
    expect(got.arrived).toEqual([{ request: true, response: true }]);
    expect(got).toMatchObject({ status: 201, seen: 'yes', body: { hello: 'ada', ip: '127.0.0.1' } });
  });

  it('falls back to Node’s own server when its constructors are classes, which cannot be called on another object', async () => {
    class Request extends IncomingMessage {}
    class Response extends ServerResponse {}
    const got = await serve((app) => expressServer(app, {}, { IncomingMessage: Request, ServerResponse: Response as typeof ServerResponse }));
    expect(got.arrived).toEqual([{ request: false, response: false }]);
    expect(got).toMatchObject({ status: 201, seen: 'yes', body: { hello: 'ada', ip: '127.0.0.1' } });
  });
});
