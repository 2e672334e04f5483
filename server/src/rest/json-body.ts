import express, { type Request, type RequestHandler } from 'express';
import { badInput } from '../errors.js';
import { badTextMessage, findBadText, mayHoldBadText, mayNestDeeply } from '../lib/nul.js';
import { RestError } from './errors.js';

const PLAIN_JSON = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;
const JSON_START = /^[ \t\n\r]*[[{]/; // JSON whitespace, then an object or an array
/**
 * The media types a REST body is read from as JSON: `application/json` (what the `resend` SDK and
 * Resend's examples send), any `application/…+json`, and `text/plain` (what `fetch` sends for a
 * string body given no header: JSON.stringify'd, as a quick script does). A request with no
 * Content-Type at all is read as JSON too (curl without -d, hand-written clients). Any other type
 * with a body — a form (`application/x-www-form-urlencoded`, curl -d's default; `multipart/form-data`),
 * XML, … — says it is not JSON: it is refused with 415 rather than parsed as JSON anyway. The
 * REST API takes keys, never cookies, so this is about saying what is read, not about CSRF.
 */
const JSON_TYPE = /^[ \t]*(?:application\/(?:[\w!#$%&'*.^`|~-]+\+)?json|text\/plain)[ \t]*(?:;.*)?$/is;

/**
 * express.json() for the REST API, with a short path for the request every SDK sends: a plain
 * `application/json` UTF-8 body of known length under the limit is read and parsed directly,
 * without body-parser's stream, charset and inflate machinery (about a tenth of a send's CPU,
 * measured with bench/cost.ts). Anything else — compressed, chunked, another charset, empty,
 * too large — goes to express.json() itself, so the answers (413, 415, 400) stay exactly its own.
 */
/**
 * Fields (object keys) one JSON body may hold, in all its objects: a batch of 100 emails holds
 * about 1,500. A sending key's 12 MB body of a million unknown fields held the server's one
 * thread for ~3 s before its 422 — parsed, its keys listed by the field check and by the usage
 * log's redaction — and ten a second would have stopped the instance: such a body is refused
 * before it is parsed.
 */
export const MAX_BODY_FIELDS = 10_000;

/**
 * Whether JSON text holds more than `max` object keys, counted without parsing: a key is a string
 * followed by `:` (whitespace allowed), and inside a string a quote is always escaped (`\"`), so a
 * colon after an unescaped quote ends a key (`"a\\":` is one too). Text too short to hold that many
 * is not scanned.
 */
export function holdsMoreFields(json: string, max = MAX_BODY_FIELDS): boolean {
  if (json.length < 4 * max) return false; // `"":0,` is the shortest field
  let count = 0;
  for (let i = json.indexOf(':'); i !== -1; i = json.indexOf(':', i + 1)) {
    let j = i - 1;
    while (j >= 0 && (json[j] === ' ' || json[j] === '\n' || json[j] === '\r' || json[j] === '\t')) j--;
    if (json[j] !== '"') continue;
    // Escaped by an odd run of backslashes before it (`\"`), not by an even one (`\\"` ends the string).
    let k = j - 1;
    while (k >= 0 && json[k] === '\\') k--;
    if ((j - 1 - k) % 2 === 0 && ++count > max) return true;
  }
  return false;
}

const tooManyFields = () => badInput('body', `The body holds more than ${MAX_BODY_FIELDS.toLocaleString('en-US')} fields: no request needs that many.`);

export function jsonBody(limitBytes: number): RequestHandler {
  const full = express.json({
    limit: limitBytes,
    type: () => true,
    // body-parser's own reading (a chunked or compressed body): refused as the fast path below refuses it.
    verify: (_req, _res, buf) => {
      if (buf.length >= 4 * MAX_BODY_FIELDS && holdsMoreFields(buf.toString('utf8'))) throw tooManyFields();
    },
  });
  return (req, res, next) => {
    const { headers } = req;
    const type = headers['content-type'];
    if (type !== undefined && !JSON_TYPE.test(type) && hasBody(req)) return next(unsupportedType(type));
    // The client hung up while its key was checked: the body is gone, and 'aborted' will not come
    // again for the listeners below (the request waited for ever, unanswered and unlogged).
    if (req.readableAborted && hasBody(req)) return next(aborted());
    const length = Number(headers['content-length']);
    const usual =
      headers['content-encoding'] === undefined &&
      headers['transfer-encoding'] === undefined &&
      length > 0 &&
      length <= limitBytes &&
      (headers['content-type'] === undefined || PLAIN_JSON.test(headers['content-type']));
    if (!usual) return full(req, res, (err?: unknown) => next(err ?? badTextRefusal(req.body)));

    const chunks: Buffer[] = [];
    let received = 0;
    const done = (err?: unknown) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', done);
      req.off('aborted', onAborted);
      next(err);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    };
    const onAborted = () => done(aborted());
    // A throw in a stream's 'end' listener would escape Express and end the process: whatever
    // the reading below could throw goes to the error handler instead.
    const onEnd = () => {
      let err: unknown;
      try {
        err = read();
      } catch (e) {
        err = e;
      }
      done(err);
    };
    /** Parses the body into req.body; the error to answer with, if any. */
    const read = (): unknown => {
      if (received !== length) return Object.assign(new Error('request size did not match content length'), { status: 400 });
      let text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received)).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark, as body-parser's decoder drops it
      // As body-parser's strict mode: only an object or an array is a JSON body.
      if (!JSON_START.test(text)) return Object.assign(new SyntaxError('JSON body must be an object or an array'), { status: 400 });
      if (holdsMoreFields(text)) return tooManyFields();
      try {
        req.body = JSON.parse(text);
      } catch (e) {
        return Object.assign(e as Error, { status: 400 });
      }
      // JSON can only carry a NUL or a lone surrogate escaped, and nest deeply with many brackets:
      // look for either before walking the body.
      return mayHoldBadText(text) || mayNestDeeply(text) ? badTextRefusal(req.body) : undefined;
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', done);
    req.on('aborted', onAborted);
  };
}

/** As body-parser's error for a request whose client hung up before its body was read. */
const aborted = () => Object.assign(new Error('request aborted'), { status: 400, type: 'request.aborted' });

/** As body-parser (type-is): a body is announced by its length (not 0) or by a transfer encoding. */
const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';

function unsupportedType(type: string): RestError {
  const media = type.split(';', 1)[0].trim().toLowerCase().slice(0, 100);
  const curl = media === 'application/x-www-form-urlencoded' ? " (curl's -d sends that unless told otherwise: add -H 'Content-Type: application/json')" : '';
  return new RestError(
    415,
    'validation_error',
    `Unsupported Content-Type ${JSON.stringify(media)}${curl}: the body must be JSON, sent as \`Content-Type: application/json\`.`,
  );
}

/** A NUL or a lone surrogate anywhere in the body, or nesting too deep: 422 naming the field (lib/nul.ts). */
function badTextRefusal(body: unknown) {
  const bad = findBadText(body);
  return bad ? badInput(bad.field, badTextMessage(bad)) : undefined;
}

/** '40mb' → bytes, for the route limits written as body-parser writes them. */
export function bytes(limit: string): number {
  const m = /^(\d+)(kb|mb)$/i.exec(limit);
  if (!m) throw new Error(`Unsupported body limit: ${limit}`);
  return Number(m[1]) * (m[2].toLowerCase() === 'kb' ? 1024 : 1024 * 1024);
}

/**
 * What to answer for an error raised while reading a request rather than handling it (the body
 * parser, or a path that does not decode), on REST and GraphQL alike; undefined for anything else.
 */
export function requestReadError(e: unknown): { status: number; restName: string; graphqlCode: string; message: string } | undefined {
  if (e instanceof URIError) {
    return { status: 400, restName: 'validation_error', graphqlCode: 'BAD_REQUEST', message: 'The URL is not valid: a %-escape in its path does not decode.' };
  }
  const status = (e as { status?: unknown } | null)?.status;
  if (status === 413) return { status, restName: 'payload_too_large', graphqlCode: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large.' };
  if (status === 400) return { status, restName: 'validation_error', graphqlCode: 'BAD_REQUEST', message: 'Request body is not valid JSON.' };
  if (status === 415) {
    // body-parser: a charset other than UTF-8, or a content encoding it cannot inflate.
    const encoding = (e as { type?: string }).type === 'encoding.unsupported';
    const message = encoding ? 'Unsupported Content-Encoding: send gzip, deflate, br or none.' : 'Unsupported charset: send JSON as UTF-8.';
    return { status, restName: 'validation_error', graphqlCode: 'BAD_REQUEST', message };
  }
  return undefined;
}
