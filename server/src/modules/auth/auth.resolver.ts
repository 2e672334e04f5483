import { Arg, Ctx, Field, InputType, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { User } from '../team/team.entity.js';
import { requireNoKey } from './actor.js';
import { type SignedIn, signIn, signOut, signUp, signUpAllowed } from './auth.service.js';
import { readCookie } from './cookies.js';
import { requestPasswordReset, resetPassword } from './password-reset.service.js';
import { SESSION_COOKIE } from './session.js';
import { headerText } from '../../lib/header-text.js';

@InputType({ description: 'A new account and its team' })
class SignUpInput {
  @Field(() => String, { description: 'The address to sign in with' }) email!: string;
  @Field(() => String, { description: '10–256 characters' }) password!: string;
  @Field(() => String, { description: 'The name of the team created with the account' }) teamName!: string;
}

@InputType({ description: 'Credentials of an existing account' })
class SignInInput {
  @Field(() => String, { description: 'The address the account signs in with' }) email!: string;
  @Field(() => String, { description: "The account's password" }) password!: string;
}

@InputType({ description: 'The address of an account whose password was forgotten' })
class RequestPasswordResetInput {
  @Field(() => String, { description: 'The address the account signs in with' }) email!: string;
}

@InputType({ description: 'A new password, with the token of a password reset link' })
class ResetPasswordInput {
  @Field(() => String, { description: 'The token of the link (its `token` parameter)' }) token!: string;
  @Field(() => String, { description: '10–256 characters' }) password!: string;
}

export async function setSessionCookie(ctx: Context, signedIn: SignedIn): Promise<User> {
  // The session this browser held is replaced, not left valid beside the new one for its 30 days.
  if (ctx.actor?.kind === 'user') await ctx.em.getConnection().execute('delete from session where id = ?', [ctx.actor.sessionId]);
  return writeSessionCookie(ctx, signedIn);
}

/** Sets the cookie of a session (new, or moved to another team: switchTeam) and acts for it from here on. */
export function writeSessionCookie(ctx: Context, signedIn: SignedIn): User {
  setCookie(ctx, signedIn.token, signedIn.expiresAt);
  // The rest of this operation (me, role, team) answers for the new session. Only anonymous or
  // session requests get here (requireNoKey), so a key's usage log never changes hands.
  ctx.actor = signedIn.actor;
  return signedIn.user;
}

/** The session cookie of a session's token, until the session expires. */
export function setCookie(ctx: Context, token: string, expires: Date): void {
  ctx.res?.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    // Over HTTPS, also when PUBLIC_URL was left unset behind a TLS proxy on loopback (X-Forwarded-Proto).
    secure: ctx.services.config.PUBLIC_URL.startsWith('https:') || ctx.req?.secure === true,
    path: '/',
    expires,
  });
}

@Resolver()
export class AuthResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user; null when signed out' })
  async me(@Ctx() ctx: Context): Promise<User | null> {
    if (ctx.actor?.kind !== 'user') return null;
    return ctx.loaders.user.load(ctx.actor.userId);
  }

  @Query(() => Boolean, { description: 'Whether signUp is open: ALLOW_SIGNUP, or no account exists yet. Invitations work either way' })
  signUpAllowed(@Ctx() ctx: Context): Promise<boolean> {
    return signUpAllowed(ctx.em, ctx.services);
  }

  @Mutation(() => User, { description: 'Creates a team whose ADMIN is the new user, and signs them in' })
  async signUp(@Arg('input', () => SignUpInput, { description: 'The account and its team' }) input: SignUpInput, @Ctx() ctx: Context): Promise<User> {
    requireNoKey(ctx.actor);
    return setSessionCookie(ctx, await signUp(ctx.em, ctx.services, input, ctx.ip, headerText(ctx.req?.get('user-agent'))));
  }

  @Mutation(() => User, { description: 'Signs in: sets the session cookie and returns the user. Throttled per account and per address; not with an API key' })
  async signIn(@Arg('input', () => SignInInput, { description: 'The credentials' }) input: SignInInput, @Ctx() ctx: Context): Promise<User> {
    requireNoKey(ctx.actor);
    return setSessionCookie(ctx, await signIn(ctx.em, ctx.services, input, ctx.ip, headerText(ctx.req?.get('user-agent'))));
  }

  @Mutation(() => Boolean, {
    description:
      'Emails a link to choose a new password (PUBLIC_URL/reset-password?token=…, for 1 hour) to the account of this address, if there is one. Always true: the answer never says whether an account exists. Throttled per address and per email; not with an API key',
  })
  async requestPasswordReset(
    @Arg('input', () => RequestPasswordResetInput, { description: 'The address' }) input: RequestPasswordResetInput,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    requireNoKey(ctx.actor);
    await requestPasswordReset(ctx.services, input, ctx.ip);
    return true;
  }

  @Mutation(() => User, {
    nullable: true,
    description:
      "Sets a new password with a reset link's token (once; BAD_USER_INPUT when it is used, expired or unknown), ends every session of the account and signs the user in (sets the session cookie). Null when the account belongs to no team: the password is set, but there is nowhere to sign in to. Not with an API key",
  })
  async resetPassword(
    @Arg('input', () => ResetPasswordInput, { description: 'The token and the new password' }) input: ResetPasswordInput,
    @Ctx() ctx: Context,
  ): Promise<User | null> {
    requireNoKey(ctx.actor);
    const signedIn = await resetPassword(ctx.em, ctx.services, input, { ip: ctx.ip, userAgent: headerText(ctx.req?.get('user-agent')) });
    return signedIn ? setSessionCookie(ctx, signedIn) : null;
  }

  @Mutation(() => Boolean, { description: 'Ends the current session and clears its cookie; true even when no one was signed in. Not with an API key' })
  async signOut(@Ctx() ctx: Context): Promise<boolean> {
    requireNoKey(ctx.actor);
    await signOut(ctx.em, ctx.actor?.kind === 'user' ? ctx.actor : null, ctx.req ? readCookie(ctx.req, SESSION_COOKIE) : undefined);
    ctx.res?.clearCookie(SESSION_COOKIE, { path: '/' });
    return true;
  }
}
