import { Arg, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ErrorCode } from '../../errors.js';
import { AFTER_ARG, Connection, checkFirst, decodeCursor, encodeCursor, FIRST_ARG } from '../../graphql/connection.js';
import { type Context, isAppError } from '../../graphql/context.js';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { ApiKey } from '../api-key/api-key.entity.js';
import { requireManager, requireReader } from '../auth/actor.js';
import { Email } from './email.entity.js';
import { EmailFilter } from './email.filter.js';
import { scheduleDue } from './email.jobs.js';
import { cancelEmail, getEmail, listEmails, rescheduleEmail } from './email.service.js';

/** Fields of EmailConnection beyond a page's (inherited by it). */
@ObjectType()
class EmailSearch {
  @Field(() => DateTimeISOResolver, {
    nullable: true,
    description:
      'Set when a search, or the status SENT (which no index serves), stopped before filling the page: emails older than this were not searched yet. Ask for the next page (`after: pageInfo.endCursor`) to search further back',
  })
  searchedUntil!: Date | null;
}

const EmailConnection = Connection(Email, 'Email', EmailSearch);
type EmailConnection = InstanceType<typeof EmailConnection>;

export { EmailFilter };

@Resolver(() => Email)
export class EmailResolver {
  @Query(() => EmailConnection, { description: 'Emails accepted by the API, newest first' })
  async emails(
    @Arg('filter', () => EmailFilter, { nullable: true, description: 'Only the emails that match; all when omitted' }) filter: EmailFilter | null | undefined,
    @Arg('first', () => Int, FIRST_ARG) first: number | undefined,
    @Arg('after', () => String, AFTER_ARG) after: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<EmailConnection> {
    const teamId = requireReader(ctx.actor).teamId;
    const limit = checkFirst(first);
    const page = await listEmails(ctx.em, teamId, filter, { limit, after: after ? decodeCursor(after) : null });
    return {
      edges: page.emails.map((node) => ({ node, cursor: encodeCursor(node) })),
      pageInfo: { hasNextPage: page.hasMore, endCursor: page.next ? encodeCursor(page.next) : null },
      searchedUntil: page.searchedUntil,
    };
  }

  @Query(() => Email, { nullable: true, description: "One email with its bodies; null when there is none with this id (another team's included)" })
  async email(@Arg('id', () => ID, { description: "The email's id" }) id: string, @Ctx() ctx: Context): Promise<Email | null> {
    try {
      return await getEmail(ctx.em, requireReader(ctx.actor).teamId, id);
    } catch (e) {
      if (isAppError(e, ErrorCode.NOT_FOUND)) return null;
      throw e;
    }
  }

  @Mutation(() => Email, { description: 'Cancels a scheduled email: it is never sent (status canceled)' })
  cancelEmail(@Arg('id', () => ID, { description: "The scheduled email's id" }) id: string, @Ctx() ctx: Context): Promise<Email> {
    return cancelEmail(ctx.em, requireManager(ctx.actor).teamId, id);
  }

  @Mutation(() => Email, { description: 'Moves a scheduled email to another time (at most 30 days ahead); a time now or past sends it at once' })
  async rescheduleEmail(
    @Arg('id', () => ID, { description: "The scheduled email's id" }) id: string,
    @Arg('scheduledAt', () => DateTimeISOResolver, { description: 'The new time, ISO-8601; at most 30 days ahead' }) scheduledAt: Date,
    @Ctx() ctx: Context,
  ): Promise<Email> {
    const email = await rescheduleEmail(ctx.em, requireManager(ctx.actor).teamId, id, scheduledAt.toISOString());
    if (email.status === 'scheduled') await scheduleDue(ctx.services.jobs, [email.scheduledAt!], ctx.services.logger);
    else ctx.services.emailDelivery.kick();
    return email;
  }

  // A list reads no bodies (lazy): a page that asks for them loads them all at once, within 16 MB (loadEmailBodies).
  @FieldResolver()
  async html(@Root() email: Email, @Ctx() ctx: Context): Promise<string | null> {
    return (email.html === undefined ? (await ctx.loaders.emailBodies.load(email)).html : email.html) ?? null;
  }

  @FieldResolver()
  async text(@Root() email: Email, @Ctx() ctx: Context): Promise<string | null> {
    return (email.text === undefined ? (await ctx.loaders.emailBodies.load(email)).text : email.text) ?? null;
  }

  @FieldResolver(() => ApiKey, { nullable: true, description: 'The key that sent it; null once the key is deleted' })
  apiKey(@Root() email: Email, @Ctx() ctx: Context): Promise<ApiKey | null> | null {
    return email.apiKeyId ? ctx.loaders.apiKey.load(email.apiKeyId) : null;
  }
}
