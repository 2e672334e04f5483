import type { Request } from 'express';
import { badInput } from '../../errors.js';
import { onlyFields, requiredString } from '../../rest/body.js';
import { param, type RestContext, type RestRoute } from '../../rest/http.js';
import { queryDateRange, queryString, withQueryNames } from '../../rest/query.js';
import { findCursor, listParams, searchedListBody } from '../../rest/pagination.js';
import { actionRoute, bodyRoute } from '../../rest/resource.js';
import { Email, type EmailStatus } from './email.entity.js';
import { scheduleDue } from './email.jobs.js';
import type { EmailFilter } from './email.filter.js';
import { acceptEmails, BATCH_MAX, cancelEmail, emailJson, emailWhere, getEmail, listEmails, rescheduleEmail } from './email.service.js';

const ATTACHMENTS_LIMIT = '40mb';

async function send(req: Request, ctx: RestContext, batch: boolean) {
  const body: unknown = req.body;
  let inputs: unknown[];
  if (batch) {
    if (!Array.isArray(body)) throw badInput('body', 'The request body must be an array of emails.');
    if (body.length < 1 || body.length > BATCH_MAX) throw badInput('body', `A batch holds 1 to ${BATCH_MAX} emails.`);
    inputs = body;
  } else {
    inputs = [body ?? {}];
  }
  const idempotencyKey = req.get('idempotency-key');
  const permissive = batch && batchValidation(req) === 'permissive';
  const { ids: accepted, errors, replayed, due } = await acceptEmails(ctx, inputs, { idempotencyKey, batch, permissive });
  if (!replayed) {
    if (due.length < accepted.length) ctx.services.emailDelivery.kick(true); // new emails: a claim from the floor finds them
    if (due.length > 0) await scheduleDue(ctx.services.jobs, due, ctx.services.logger);
  }
  const ids = accepted.map((id) => ({ id }));
  return { body: !batch ? ids[0] : permissive ? { data: ids, errors } : { data: ids } };
}

/** The SDK's `batchValidation` option: `strict` (all or nothing, the default) or `permissive`. */
function batchValidation(req: Request): 'strict' | 'permissive' {
  const value = req.get('x-batch-validation') ?? 'strict';
  if (value !== 'strict' && value !== 'permissive') {
    throw badInput('x-batch-validation', 'The `x-batch-validation` header must be `strict` or `permissive`.');
  }
  return value;
}

/** The filters of the dashboard's Emails page and of `emails(filter:)`: `search`, `status`, `api_key_id`, `from`, `to`. */
function listFilter(teamId: string, req: Request): EmailFilter {
  const apiKeyId = queryString(req, 'api_key_id');
  const filter = { status: queryString(req, 'status') as EmailStatus | undefined, apiKeyId, search: queryString(req, 'search'), ...queryDateRange(req) };
  // emailWhere checks the status, as it does for GraphQL.
  withQueryNames({ apiKeyId: 'api_key_id' }, () => emailWhere(teamId, filter));
  return filter;
}

/**
 * `GET /emails`: newest first, `after` / `before` any of the team's emails. A filter no index
 * serves (a search, a status like sent) is searched as on the Emails page, 100,000 emails at most
 * (a search matching nothing read all 400,000 of a team's, 470–570 ms; now 245–315 ms): it may answer fewer than
 * `limit`, or none, with has_more and next_cursor to go on (searchedListBody).
 */
async function listEmailsRoute(req: Request, ctx: RestContext) {
  const params = listParams(req);
  const teamId = ctx.key.teamId;
  const filter = listFilter(teamId, req);
  const after = await findCursor(ctx.em, Email, { teamId }, params);
  const page = await listEmails(ctx.em, teamId, filter, { limit: params.limit, after, direction: params.before ? 'newer' : 'older', resumeFromEmail: true });
  // `before` reads oldest first from its cursor; a page is newest first either way.
  const emails = params.before ? [...page.emails].reverse() : page.emails;
  return {
    body: searchedListBody(
      emails.map((e) => emailJson(e)),
      { hasMore: page.hasMore, next: page.next?.id ?? null, searchedUntil: page.searchedUntil?.toISOString() ?? null },
    ),
  };
}

export const emailRoutes: RestRoute[] = [
  { method: 'post', path: '/emails', access: 'sending', bodyLimit: ATTACHMENTS_LIMIT, handle: (req, ctx) => send(req, ctx, false) },
  { method: 'post', path: '/emails/batch', access: 'sending', bodyLimit: ATTACHMENTS_LIMIT, handle: (req, ctx) => send(req, ctx, true) },
  { method: 'get', path: '/emails', access: 'full', handle: listEmailsRoute },
  bodyRoute('patch', '/emails/:id', async (body, ctx, req) => {
    onlyFields(body, ['scheduled_at']);
    const email = await rescheduleEmail(ctx.em, ctx.key.teamId, param(req, 'id'), requiredString(body, 'scheduled_at'));
    if (email.status === 'scheduled') await scheduleDue(ctx.services.jobs, [email.scheduledAt!], ctx.services.logger);
    else ctx.services.emailDelivery.kick();
    return { object: 'email', id: email.id };
  }),
  actionRoute('post', '/emails/:id/cancel', async (ctx, id) => {
    const email = await cancelEmail(ctx.em, ctx.key.teamId, id);
    return { object: 'email', id: email.id };
  }),
  {
    method: 'get',
    path: '/emails/:id',
    access: 'full',
    handle: async (req, ctx) => ({ body: emailJson(await getEmail(ctx.em, ctx.key.teamId, param(req, 'id')), true) }),
  },
];
