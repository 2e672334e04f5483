import { DateTimeISOResolver } from 'graphql-scalars';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from 'type-graphql';
import { ErrorCode } from '../../errors.js';
import { Connection, paginate } from '../../graphql/connection.js';
import { type Context, isAppError } from '../../graphql/context.js';
import { requireReader } from '../auth/actor.js';
import { ApiKey } from '../api-key/api-key.entity.js';
import { Email, type EmailStatus } from './email.entity.js';
import { emailWhere, getEmail } from './email.service.js';

const EmailConnection = Connection(Email, 'Email');
type EmailConnection = InstanceType<typeof EmailConnection>;

@InputType()
export class EmailFilter {
  @Field(() => String, { nullable: true, description: 'queued, sent or failed' }) status?: EmailStatus | null;
  @Field(() => DateTimeISOResolver, { nullable: true }) from?: Date | null;
  @Field(() => DateTimeISOResolver, { nullable: true }) to?: Date | null;
  @Field(() => ID, { nullable: true }) apiKeyId?: string | null;
  @Field(() => String, { nullable: true, description: 'Part of the subject, the sender or a recipient, any case' }) search?: string | null;
}

@Resolver(() => Email)
export class EmailResolver {
  @Query(() => EmailConnection, { description: 'Emails accepted by the API, newest first' })
  emails(
    @Arg('filter', () => EmailFilter, { nullable: true }) filter: EmailFilter | null | undefined,
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<EmailConnection> {
    return paginate(ctx.em, Email, emailWhere(requireReader(ctx.actor).teamId, filter), { first, after });
  }

  @Query(() => Email, { nullable: true })
  async email(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Email | null> {
    try {
      return await getEmail(ctx.em, requireReader(ctx.actor).teamId, id);
    } catch (e) {
      if (isAppError(e, ErrorCode.NOT_FOUND)) return null;
      throw e;
    }
  }

  @FieldResolver(() => ApiKey, { nullable: true, description: 'The key that sent it; null once the key is deleted' })
  apiKey(@Root() email: Email, @Ctx() ctx: Context): Promise<ApiKey | null> | null {
    return email.apiKeyId ? ctx.loaders.apiKey.load(email.apiKeyId) : null;
  }
}
