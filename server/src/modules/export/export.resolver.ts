import type { FilterQuery } from '@mikro-orm/postgresql';
import { GRAPHQL_MAX_INT, type GraphQLResolveInfo } from 'graphql';
import { JSONResolver } from 'graphql-scalars';
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  Info,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  type SubscribeResolverData,
  Subscription,
} from 'type-graphql';
import { notFound, unauthenticated } from '../../errors.js';
import { AFTER_ARG, Connection, FIRST_ARG, paginate } from '../../graphql/connection.js';
import type { Context } from '../../graphql/context.js';
import { refuseEnumsInJsonLiteral } from '../../graphql/json-literal.js';
import { pubSub } from '../../graphql/pubsub.js';
import { ApiKeyFilter } from '../api-key/api-key.resolver.js';
import { canManage, requireManager, requireReader } from '../auth/actor.js';
import { currentActor } from '../auth/session.js';
import { BroadcastFilter } from '../broadcast/broadcast.resolver.js';
import { ContactFilter } from '../contact/contact.resolver.js';
import { DomainFilter } from '../domain/domain.resolver.js';
import { EmailFilter } from '../email/email.resolver.js';
import { User } from '../team/team.entity.js';
import { UsageLogFilter } from '../usage-log/usage-log.resolver.js';
import { Export, ExportResource, ExportStatus, effectiveStatus, whereEffectiveStatus } from './export.entity.js';
import { createExport, downloadUrl, estimateExport, findExport, INLINE_MAX_ROWS } from './export.service.js';

@ObjectType({ description: 'The rows an export would hold' })
class ExportEstimateResult {
  @Field(() => Int, { description: `Exact up to ${INLINE_MAX_ROWS.toLocaleString('en-US')} rows; above, PostgreSQL's estimate` }) rowCount!: number;
  @Field(() => Boolean, { description: 'true when rowCount is exact, false when it is an estimate' }) exact!: boolean;
}

const ExportConnection = Connection(Export, 'Export');
type ExportConnection = InstanceType<typeof ExportConnection>;

@InputType({ description: 'An export to create: the resource, and the filter of its list (the field named after it), the same input its page sends' })
class CreateExportInput {
  @Field(() => ExportResource, { description: 'What to export' }) resource!: ExportResource;
  @Field(() => JSONResolver, {
    nullable: true,
    description: 'The filters of the resource page: from, to, status, apiKeyId, statusCode, permission…',
    deprecationReason: "Use the resource's own typed filter: emails, broadcasts, contacts, domains, logs or apiKeys",
  })
  filters?: unknown;
  @Field(() => EmailFilter, { nullable: true, description: 'EMAILS: the emails(filter:) of the Emails page' }) emails?: EmailFilter | null;
  @Field(() => BroadcastFilter, { nullable: true, description: 'BROADCASTS: the broadcasts(filter:) of the Broadcasts page' })
  broadcasts?: BroadcastFilter | null;
  @Field(() => ContactFilter, { nullable: true, description: 'CONTACTS: the contacts(filter:) of the Contacts page' }) contacts?: ContactFilter | null;
  @Field(() => DomainFilter, { nullable: true, description: 'DOMAINS: the domains(filter:) of the Domains page' }) domains?: DomainFilter | null;
  @Field(() => UsageLogFilter, { nullable: true, description: 'LOGS: the usageLogs(filter:) of the Logs page' }) logs?: UsageLogFilter | null;
  @Field(() => ApiKeyFilter, { nullable: true, description: 'API_KEYS: the apiKeys(filter:) of the API Keys page' }) apiKeys?: ApiKeyFilter | null;
}

@InputType({ description: 'Narrows the exports; the conditions given must all hold' })
class ExportFilter {
  @Field(() => ExportStatus, {
    nullable: true,
    description: 'Only exports in this status, as the status field reads it (a READY export past expiresAt is EXPIRED)',
  })
  status?: ExportStatus | null;
}

const TERMINAL = new Set([ExportStatus.READY, ExportStatus.FAILED, ExportStatus.EXPIRED]);

/** This instance's subscriptions: the export each follows, and the key it was made with (null for a session). */
const followers = new Set<{ id: string; apiKeyId: string | null }>();

/**
 * Wakes subscriptions of this instance to read their export (and their caller) again: every one
 * after LISTEN was lost, as the notifications of exports finished meanwhile (by another instance)
 * never came and a subscription would wait on a READY export for ever; only those made with a
 * key when that key changed. Every key change of every team woke every subscription, each then
 * read its caller and export again and told its watcher its last progress once more.
 */
export function republishFollowedExports(apiKeyId?: string): void {
  const ids = new Set<string>();
  for (const f of followers) if (apiKeyId === undefined || f.apiKeyId === apiKeyId) ids.add(f.id);
  for (const id of ids) pubSub.publish('EXPORT_PROGRESS', id, { id });
}

/** What a watcher of an export can be told about it: an event that would tell the same is not sent. */
const seen = (exp: Export, ctx: Context) =>
  JSON.stringify([
    effectiveStatus(exp),
    exp.processedRows,
    exp.rowCount,
    exp.estimatedRowCount,
    exp.error,
    exp.completedAt,
    exp.expiresAt,
    exp.fileSize,
    exp.createdBy?.id,
    ctx.actor?.kind === 'user' ? ctx.actor.role : null,
  ]);

/**
 * The export's current state first, then one event per progress notification until it ends.
 * Ended by its client (complete, or the socket closed), it stops at once: an async generator
 * waiting for its next event cannot be returned until that event comes, so the subscriber's wait
 * is ended first. Otherwise each subscription closed while its export made no progress stayed
 * followed, with its context, until the export's next notification (never, for one stuck).
 */
function progress(ctx: Context, id: string): AsyncIterableIterator<Export> {
  const events = pubSub.subscribe('EXPORT_PROGRESS', id);
  const run = follow(ctx, id, events);
  return {
    next: () => run.next(),
    return: async () => {
      await events.return?.();
      return run.return(undefined);
    },
    throw: async (err: unknown) => {
      await events.return?.();
      return run.throw(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

async function* follow(ctx: Context, id: string, events: AsyncIterableIterator<{ id: string }>): AsyncGenerator<Export> {
  const actor = requireReader(ctx.actor);
  const teamId = actor.teamId;
  const follower = { id, apiKeyId: actor.kind === 'apiKey' ? actor.apiKeyId : null };
  followers.add(follower);
  try {
    let exp = await findExport(ctx.em.fork(), teamId, id);
    if (!exp) throw notFound('Export');
    let told = seen(exp, ctx);
    yield exp;
    if (TERMINAL.has(effectiveStatus(exp))) return;
    for await (const _ of events) {
      // Signed out, removed from the team, its key deleted meanwhile: the subscription ends
      // rather than go on telling a caller the gate would now refuse. Still let in, the caller is
      // read again: an admin demoted meanwhile gets no downloadUrl or streamUrl from now on.
      const now = await currentActor(ctx.em.fork(), ctx.actor!, ctx.admission.key);
      if (!now) throw unauthenticated('Your session or key is no longer valid.');
      ctx.actor = now;
      exp = await findExport(ctx.em.fork(), teamId, id);
      if (!exp) return;
      // Woken with nothing new (its key renamed, LISTEN back with the export where it was).
      if (seen(exp, ctx) === told) continue;
      told = seen(exp, ctx);
      yield exp;
      if (TERMINAL.has(effectiveStatus(exp))) return;
    }
  } finally {
    followers.delete(follower);
    await events.return?.();
  }
}

@Resolver(() => Export)
export class ExportResolver {
  @Query(() => ExportConnection, { description: "The team's exports, newest first" })
  exports(
    @Arg('filter', () => ExportFilter, { nullable: true, description: 'Only the exports that match; all when omitted' }) filter:
      | ExportFilter
      | null
      | undefined,
    @Arg('first', () => Int, FIRST_ARG) first: number | undefined,
    @Arg('after', () => String, AFTER_ARG) after: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<ExportConnection> {
    const team = requireReader(ctx.actor).teamId;
    const where: FilterQuery<Export> = filter?.status ? { $and: [{ team }, whereEffectiveStatus(filter.status)] } : { team };
    return paginate(ctx.em, Export, where, { first, after });
  }

  @Query(() => Export, { nullable: true, description: "One of the team's exports; null when there is none with this id (another team's included)" })
  export(@Arg('id', () => ID, { description: "The export's id" }) id: string, @Ctx() ctx: Context): Promise<Export | null> {
    return findExport(ctx.em, requireReader(ctx.actor).teamId, id);
  }

  @Query(() => ExportEstimateResult, {
    description:
      'How many rows an export of these filters would hold, to show before creating it; refuses bad filters as createExport does. Admins and full-access keys only',
  })
  exportEstimate(
    @Arg('input', () => CreateExportInput, { description: 'What would be exported, and its filters' }) input: CreateExportInput,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ExportEstimateResult> {
    const actor = requireManager(ctx.actor);
    refuseEnumsInJsonLiteral(info, 'input', 'filters');
    return estimateExport(ctx.em, actor, input, ctx.services.config.EXPORT_COUNT_TIMEOUT_MS);
  }

  @Mutation(() => Export, { description: `Admins and full-access keys only. READY at once for ${INLINE_MAX_ROWS.toLocaleString('en-US')} rows or fewer` })
  createExport(
    @Arg('input', () => CreateExportInput, { description: 'What to export, and its filters' }) input: CreateExportInput,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Export> {
    const actor = requireManager(ctx.actor);
    refuseEnumsInJsonLiteral(info, 'input', 'filters');
    return createExport(ctx.em, ctx.services, actor, input);
  }

  @Subscription(() => Export, {
    description: 'Emits as processedRows grows, then once READY or FAILED',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { id: string }, Context>) => progress(context, args.id),
  })
  exportProgress(@Root() exp: Export, @Arg('id', () => ID, { description: "The export's id" }) _id: string): Export {
    return exp;
  }

  @FieldResolver(() => ExportStatus, { description: 'PROCESSING, READY, FAILED, or EXPIRED once past expiresAt' })
  status(@Root() exp: Export): ExportStatus {
    return effectiveStatus(exp);
  }

  @FieldResolver(() => JSONResolver, { description: 'The filters it was created with, as validated (dates as ISO-8601 strings)' })
  filters(@Root() exp: Export): unknown {
    return exp.filters;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Null for members, and until READY or once expired' })
  downloadUrl(@Root() exp: Export, @Ctx() ctx: Context): string | null {
    const actor = ctx.actor;
    const mayDownload = actor !== null && canManage(actor);
    return mayDownload && effectiveStatus(exp) === ExportStatus.READY ? downloadUrl(ctx.services, exp.id) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The download link from the moment the export is created: while PROCESSING it streams the file as it is written (chunked, no Content-Length; cut short, never ended, if the export fails), then it serves the file as downloadUrl does. Null for members, and once FAILED or expired',
  })
  streamUrl(@Root() exp: Export, @Ctx() ctx: Context): string | null {
    const actor = ctx.actor;
    const status = effectiveStatus(exp);
    const mayDownload = actor !== null && canManage(actor);
    return mayDownload && (status === ExportStatus.PROCESSING || status === ExportStatus.READY) ? downloadUrl(ctx.services, exp.id) : null;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: 'Size of the CSV in bytes while it fits an Int: null for a file of 2 GiB (2^31 bytes) or more, whose size is in fileSizeBytes',
    deprecationReason: "Use fileSizeBytes: GraphQL's Int stops at 2^31 - 1, so a file of 2 GiB or more has no fileSize",
  })
  fileSize(@Root() exp: Export): number | null {
    // Given as it is, a larger size failed the whole field (Int cannot represent it) with an error.
    return exp.fileSize != null && exp.fileSize <= GRAPHQL_MAX_INT ? exp.fileSize : null;
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description:
      "Size of the CSV in bytes, whatever its size: a whole number (a Float because GraphQL's Int stops at 2^31 - 1; exact up to 2^53). Null until READY",
  })
  fileSizeBytes(@Root() exp: Export): number | null {
    return exp.fileSize ?? null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who created it; null when an API key did. A member since removed from the team still shows' })
  createdBy(@Root() exp: Export, @Ctx() ctx: Context): Promise<User | null> | null {
    return exp.createdBy ? ctx.loaders.user.load(exp.createdBy.id) : null;
  }
}
