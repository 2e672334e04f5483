import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { changePassword, liveSessions, revokeSession, signOutOtherSessions } from './account.service.js';
import { requireUser } from './actor.js';
import { setCookie } from './auth.resolver.js';
import { Session } from './session.entity.js';

@InputType({ description: 'A new password, with the current one to prove it is the owner asking' })
class ChangePasswordInput {
  @Field(() => String, { description: "The account's password now" }) currentPassword!: string;
  @Field(() => String, { description: '10–256 characters, not the current one' }) newPassword!: string;
}

/** The signed-in user's own account: their password and their sessions. Never an API key. */
@Resolver(() => Session)
export class AccountResolver {
  @Query(() => [Session], { description: "The signed-in user's live sessions, in every team, newest first. Not with an API key" })
  sessions(@Ctx() ctx: Context): Promise<Session[]> {
    return liveSessions(ctx.em, requireUser(ctx.actor));
  }

  @FieldResolver(() => Boolean, { description: 'Whether this is the session making the request' })
  current(@Root() session: Session, @Ctx() ctx: Context): boolean {
    return ctx.actor?.kind === 'user' && ctx.actor.sessionId === session.id;
  }

  // The team's name only: a Team here would answer for its members and invitations with the role
  // this request has in its own team.
  @FieldResolver(() => String, { description: 'The name of the team this session works in' })
  teamName(@Root() session: Session): string {
    return session.team.name;
  }

  @Mutation(() => Int, { description: 'Signs the user out of every session but this one, in every team; how many it ended. Not with an API key' })
  signOutOtherSessions(@Ctx() ctx: Context): Promise<number> {
    return signOutOtherSessions(ctx.em, requireUser(ctx.actor));
  }

  @Mutation(() => ID, { description: "Ends one of the user's own sessions (this one too); another user's is NOT_FOUND. Not with an API key" })
  revokeSession(@Arg('id', () => ID, { description: 'The session (Session.id)' }) id: string, @Ctx() ctx: Context): Promise<string> {
    return revokeSession(ctx.em, requireUser(ctx.actor), id);
  }

  @Mutation(() => Int, {
    description:
      'Changes the password after checking the current one (throttled as signIn is) and ends every other session of the user; how many it ended. Not with an API key',
  })
  async changePassword(
    @Arg('input', () => ChangePasswordInput, { description: 'The current and the new password' }) input: ChangePasswordInput,
    @Ctx() ctx: Context,
  ): Promise<number> {
    const changed = await changePassword(ctx.em, ctx.services, requireUser(ctx.actor), input, ctx.ip);
    setCookie(ctx, changed.token, changed.expiresAt);
    return changed.ended;
  }
}
