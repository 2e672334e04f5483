import { RestError } from './errors.js';
import type { RestRoute } from './http.js';

/**
 * Resend's REST routes (its OpenAPI spec, resend/resend-openapi `resend.yaml`, and the paths the
 * `resend` SDK 6.38.0 calls beyond it). A route here that Keyring does not serve answers 404 saying
 * so, with or without a key: the list is public, and a key adds nothing to the answer.
 */
const RESEND_ROUTES: [path: string, methods: string][] = [
  ['/emails', 'POST GET'],
  ['/emails/:email_id', 'GET PATCH'],
  ['/emails/:email_id/cancel', 'POST'],
  ['/emails/:email_id/share', 'POST'],
  ['/emails/batch', 'POST'],
  ['/emails/:email_id/attachments', 'GET'],
  ['/emails/:email_id/attachments/:attachment_id', 'GET'],
  ['/emails/receiving', 'GET'],
  ['/emails/receiving/:email_id', 'GET'],
  ['/emails/receiving/:email_id/attachments', 'GET'],
  ['/emails/receiving/:email_id/attachments/:attachment_id', 'GET'],
  ['/emails/receiving/:email_id/forward', 'POST'],
  ['/emails/metrics', 'GET'],
  ['/domains', 'POST GET'],
  ['/domains/:domain_id', 'GET PATCH DELETE'],
  ['/domains/:domain_id/verify', 'POST'],
  ['/domains/claim', 'POST'],
  ['/domains/:domain_id/claim', 'GET'],
  ['/domains/:domain_id/claim/verify', 'POST'],
  ['/api-keys', 'POST GET'],
  ['/api-keys/:api_key_id', 'PATCH DELETE'],
  ['/oauth/grants', 'GET'],
  ['/oauth/grants/:oauth_grant_id', 'DELETE'],
  ['/templates', 'POST GET'],
  ['/templates/:id', 'GET PATCH DELETE'],
  ['/templates/:id/publish', 'POST'],
  ['/templates/:id/duplicate', 'POST'],
  ['/audiences', 'POST GET'],
  ['/audiences/:id', 'DELETE GET'],
  ['/audiences/:id/contacts', 'POST GET'],
  ['/audiences/:id/contacts/:contact', 'GET PATCH DELETE'],
  ['/contacts', 'POST GET'],
  ['/contacts/imports', 'POST GET'],
  ['/contacts/imports/:id', 'GET'],
  ['/contacts/:id', 'GET PATCH DELETE'],
  ['/contacts/:contact_id/segments', 'GET'],
  ['/contacts/:contact_id/segments/:segment_id', 'POST DELETE'],
  ['/contacts/:contact_id/topics', 'GET PATCH'],
  ['/contact-properties', 'POST GET'],
  ['/contact-properties/:id', 'GET PATCH DELETE'],
  ['/broadcasts', 'POST GET'],
  ['/broadcasts/:id', 'DELETE GET PATCH'],
  ['/broadcasts/:id/send', 'POST'],
  ['/broadcasts/:id/cancel', 'POST'],
  ['/broadcasts/:id/duplicate', 'POST'],
  ['/broadcasts/:id/recipients', 'GET'],
  ['/broadcasts/:id/clicked-links', 'GET'],
  ['/webhooks', 'POST GET'],
  ['/webhooks/:webhook_id', 'GET PATCH DELETE'],
  ['/webhooks/:webhook_id/signing-secret/rotate', 'POST'],
  ['/webhooks/:webhook_id/events', 'GET'],
  ['/webhooks/:webhook_id/events/:event_id', 'GET'],
  ['/webhooks/:webhook_id/events/:event_id/replay', 'POST'],
  ['/webhooks/:webhook_id/events/:event_id/attempts', 'GET'],
  ['/segments', 'POST GET'],
  ['/segments/:id', 'GET PATCH DELETE'],
  ['/segments/:id/contacts', 'GET'],
  ['/topics', 'POST GET'],
  ['/topics/:id', 'GET PATCH DELETE'],
  ['/logs', 'GET'],
  ['/logs/:log_id', 'GET'],
  ['/automations', 'POST GET'],
  ['/automations/:automation_id', 'GET PATCH DELETE'],
  ['/automations/:automation_id/duplicate', 'POST'],
  ['/automations/:automation_id/stop', 'POST'],
  ['/automations/:automation_id/runs', 'GET'],
  ['/automations/:automation_id/runs/:run_id', 'GET'],
  ['/events', 'POST GET'],
  ['/events/send', 'POST'],
  ['/events/:identifier', 'GET PATCH DELETE'],
  ['/suppressions', 'POST GET'],
  ['/suppressions/batch/add', 'POST'],
  ['/suppressions/batch/remove', 'POST'],
  ['/suppressions/:suppression', 'GET DELETE'],
  ['/inboxes', 'POST GET'],
  ['/inboxes/:inbox', 'GET PATCH DELETE'],
  ['/inboxes/:inbox/agent', 'GET PATCH'],
  ['/inboxes/:inbox/drafts', 'POST GET'],
  ['/inboxes/:inbox/drafts/:draft', 'GET PATCH DELETE'],
  ['/inboxes/:inbox/drafts/:draft/send', 'POST'],
  ['/inboxes/:inbox/labels', 'POST GET'],
  ['/inboxes/:inbox/labels/:label', 'PATCH DELETE'],
  ['/inboxes/:inbox/threads', 'GET'],
  ['/inboxes/:inbox/threads/search', 'GET'],
  ['/inboxes/:inbox/threads/:thread', 'GET PATCH DELETE'],
  ['/inboxes/:inbox/threads/:thread/emails', 'GET'],
  ['/inboxes/:inbox/threads/:thread/emails/:email', 'GET'],
  ['/inboxes/:inbox/threads/:thread/emails/:email/reply', 'POST'],
  ['/inboxes/:inbox/threads/:thread/emails/:email/forward', 'POST'],
  ['/inboxes/:inbox/threads/:thread/labels', 'POST PUT'],
  ['/inboxes/:inbox/threads/:thread/labels/:label', 'DELETE'],
  ['/usage', 'GET'],
];

type Pattern = { path: string; segments: string[] };
const pattern = (path: string): Pattern => ({ path, segments: path.split('/').filter(Boolean) });

/** Literal segments match first, as Express matches `/emails/batch` before `/emails/:id`. */
function matches(p: Pattern, segments: string[]): boolean {
  return p.segments.length === segments.length && p.segments.every((s, i) => s.startsWith(':') || s === segments[i]);
}

/** Longer first, then literal segments before parameters: the first match is the most specific. */
const literalFirst = (a: Pattern, b: Pattern) => {
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  for (let i = 0; i < a.segments.length; i++) {
    const pa = a.segments[i].startsWith(':');
    const pb = b.segments[i].startsWith(':');
    if (pa !== pb) return pa ? 1 : -1;
  }
  return 0;
};

export const notFoundEndpoint = () => new RestError(404, 'not_found', 'The requested endpoint does not exist.');

/**
 * What Keyring answers for a method and path that no route of its own serves: Resend's routes
 * get a 404 naming the endpoint as not offered; other paths a plain 404. `served` is null when a
 * Keyring route serves the method and path, or when the path is Keyring's under another method
 * (a 405, answered by the router).
 */
export function routeTable(routes: RestRoute[]) {
  const ours = routes.map((r) => ({ method: r.method.toUpperCase(), ...pattern(r.path) })).sort(literalFirst);
  const resend = RESEND_ROUTES.map(([path, methods]) => ({ methods: methods.split(' '), ...pattern(path) })).sort(literalFirst);
  const all: Pattern[] = [...ours, ...resend];
  /**
   * `/Emails`, `/emails/Batch`: a route's path with a fixed segment in another case. Routes are
   * case-sensitive, as Resend's are, so this is no route; and `Batch` is no email id either (POST
   * `/emails/Batch` sent a batch, GET answered 405 and `/Emails` 404).
   */
  const caseVariant = (segments: string[]) =>
    all.some(
      (p) =>
        p.segments.length === segments.length &&
        p.segments.some((s, i) => !s.startsWith(':') && s !== segments[i]) &&
        p.segments.every((s, i) => s.startsWith(':') || s.toLowerCase() === segments[i].toLowerCase()),
    );
  /** What a method and path get: served (or 405), Resend's route not offered (its path), or not found. */
  const lookUp = (m: string, path: string): { served: true } | { offeredBy: string } | { notFound: true } => {
    const segments = path.split('/').filter(Boolean);
    if (caseVariant(segments)) return { notFound: true };
    const mine = ours.find((r) => r.method === m && matches(r, segments));
    const theirs = resend.find((r) => matches(r, segments));
    // `/emails/metrics` is Resend's own route, not an email id for Keyring's `/emails/:id`.
    if (mine && (!theirs || literalFirst(mine, theirs) <= 0)) return { served: true };
    if (theirs?.methods.includes(m)) return { offeredBy: theirs.path };
    return ours.some((r) => matches(r, segments)) ? { served: true } : { notFound: true };
  };
  // Every request asks (a scan of ~150 patterns, ~4 µs): the answers for recent paths are kept,
  // at most CACHED of them, all forgotten when full (ids make paths unbounded), and none for a path
  // longer than any route's with an id in it (a flood of long made-up paths holds no memory).
  const CACHED = 10_000;
  const CACHED_PATH = 200;
  const answers = new Map<string, ReturnType<typeof lookUp>>();
  return {
    /** A 404 for a method and path that Keyring does not serve; null when it does (or answers 405). */
    unserved(method: string, path: string): RestError | null {
      const m = method === 'HEAD' ? 'GET' : method;
      const key = `${m} ${path}`;
      let answer = answers.get(key);
      if (!answer) {
        answer = lookUp(m, path);
        if (path.length <= CACHED_PATH) {
          if (answers.size >= CACHED) answers.clear();
          answers.set(key, answer);
        }
      }
      if ('served' in answer) return null;
      return 'offeredBy' in answer ? notOffered(m, answer.offeredBy) : notFoundEndpoint();
    },
  };
}

export const notOffered = (method: string, path: string) =>
  new RestError(404, 'not_found', `Keyring does not offer ${method} ${path}: it implements part of Resend's API (see docs/resend-compatibility.md).`);
