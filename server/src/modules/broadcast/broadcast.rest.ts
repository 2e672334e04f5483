import type { Request } from 'express';
import { badInput } from '../../errors.js';
import { type Body, onlyFields, optionalBoolean, optionalString, optionalStringList, requiredString, unsupported } from '../../rest/body.js';
import type { RestRoute } from '../../rest/http.js';
import { queryDateRange, queryString, withQueryNames } from '../../rest/query.js';
import { bodyRoute, deleteRoute, getRoute, listRoute } from '../../rest/resource.js';
import { Broadcast } from './broadcast.entity.js';
import { broadcastWhere, createBroadcast, deleteBroadcast, getBroadcast } from './broadcast.service.js';

const summaryJson = (b: Broadcast) => ({
  id: b.id,
  name: b.name,
  // Resend's deprecated name for a segment, answered alongside it.
  audience_id: b.segmentId ?? null,
  segment_id: b.segmentId ?? null,
  status: b.status,
  created_at: b.createdAt.toISOString(),
  scheduled_at: null,
  sent_at: b.sentAt?.toISOString() ?? null,
});

const broadcastJson = (b: Broadcast) => ({
  object: 'broadcast' as const,
  ...summaryJson(b),
  from: b.from,
  subject: b.subject,
  reply_to: b.replyTo ?? null,
  preview_text: b.previewText ?? null,
  topic_id: null,
  html: b.html ?? null,
  text: b.text ?? null,
});

/** The filters of the dashboard's Broadcasts page and of `broadcasts(filter:)`: `search`, `status`, `from`, `to`. */
function listWhere(teamId: string, req: Request) {
  const filter = { status: queryString(req, 'status'), search: queryString(req, 'search'), ...queryDateRange(req) };
  return withQueryNames({}, () => broadcastWhere(teamId, filter));
}

const SEND_UNSUPPORTED = (field: string) => `Keyring does not support \`${field}\`: sending broadcasts is not offered yet; create the broadcast as a draft.`;

/** `segment_id`, or `audience_id` (its deprecated name); both may be given only alike (a second one was silently dropped). */
function segmentOf(body: Body): string | null | undefined {
  const segment = optionalString(body, 'segment_id', { nullable: true });
  const audience = optionalString(body, 'audience_id', { nullable: true });
  // null is no segment, as absent: only two segments that differ conflict.
  if (segment != null && audience != null && segment !== audience) {
    throw badInput('audience_id', '`audience_id` is the old name of `segment_id`: give one, or both with the same value.');
  }
  return segment ?? audience;
}

export const broadcastRoutes: RestRoute[] = [
  bodyRoute('post', '/broadcasts', async (body, ctx) => {
    onlyFields(body, ['name', 'from', 'subject', 'html', 'text', 'reply_to', 'preview_text', 'segment_id', 'audience_id', 'send', 'scheduled_at'], {
      topic_id: 'topics are not offered.',
    });
    const input = {
      name: optionalString(body, 'name', { nullable: true }),
      from: requiredString(body, 'from'),
      subject: requiredString(body, 'subject'),
      html: optionalString(body, 'html', { nullable: true }),
      text: optionalString(body, 'text', { nullable: true }),
      replyTo: optionalStringList(body, 'reply_to'),
      previewText: optionalString(body, 'preview_text', { nullable: true }),
      segmentId: segmentOf(body),
    };
    if (optionalBoolean(body, 'send')) throw badInput('send', SEND_UNSUPPORTED('send'));
    unsupported(body, 'scheduled_at', SEND_UNSUPPORTED('scheduled_at'));
    const broadcast = await createBroadcast(ctx.em, ctx.key, input);
    return { object: 'broadcast', id: broadcast.id };
  }),
  listRoute('/broadcasts', Broadcast, listWhere, summaryJson, { scope: (team) => ({ team }), wholeByDefault: true }),
  getRoute('/broadcasts/:id', getBroadcast, broadcastJson),
  deleteRoute('/broadcasts/:id', 'broadcast', (ctx, id) => deleteBroadcast(ctx.em, ctx.key, id)),
];
