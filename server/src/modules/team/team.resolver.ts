import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { forbidden } from '../../errors.js';
import type { Context } from '../../graphql/context.js';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { SecretField } from '../../graphql/secret-field.js';
import { requireNoKey, requireTeamAdmin, requireUser } from '../auth/actor.js';
import { setSessionCookie, writeSessionCookie } from '../auth/auth.resolver.js';
import { Invitation, Membership, Role, Team, User } from './team.entity.js';
import {
  acceptInvitation,
  findTeam,
  inviteMember,
  listMembers,
  listPendingInvitations,
  previewInvitation,
  removeMember,
  renewInvitationLink,
  revokeInvitation,
  switchTeam,
  teamsOf,
  updateMemberRole,
} from './team.service.js';
import { headerText } from '../../lib/header-text.js';

@InputType({ description: 'Whom to invite, and as what' })
class InviteMemberInput {
  @Field(() => String, { description: 'The address to invite; the invitation link is emailed there' }) email!: string;
  @Field(() => Role, { defaultValue: Role.MEMBER, description: 'The role given on accepting' }) role!: Role;
}

@InputType({ description: 'Accepting an invitation from its link' })
class AcceptInvitationInput {
  @Field(() => String, { description: 'The token from the invitation link (or InvitationPayload.token)' }) token!: string;
  @Field(() => String, {
    description: "A new account's password (10–256 characters), or the existing account's password when the address already has one",
  })
  password!: string;
}

@ObjectType({ description: 'What an invitation link is for, shown on the page that accepts it' })
class InvitationPreview {
  @Field(() => String, { description: 'The name of the team the invitation joins' }) teamName!: string;
  @Field(() => String, { description: 'The address the invitation was sent to: the account that joins' }) email!: string;
  @Field(() => DateTimeISOResolver, { description: 'After this, the link no longer works' }) expiresAt!: Date;
}

@ObjectType({ description: 'A sent invitation, with its token' })
class InvitationPayload {
  @Field(() => Invitation, { description: 'The invitation' }) invitation!: Invitation;
  @Field(() => String, { description: 'Shown once; also emailed to the invitee as a link' })
  @SecretField()
  token!: string;
}

@ObjectType({ description: 'A pending invitation with a new link' })
class InvitationLinkPayload {
  @Field(() => Invitation, { description: 'The invitation, with its new expiry' }) invitation!: Invitation;
  @Field(() => String, { description: 'The new accept-invitation link (PUBLIC_URL/accept-invitation?token=…), shown once; the previous link no longer works' })
  @SecretField()
  link!: string;
}

@ObjectType({ description: 'A team the signed-in user belongs to, and their role there: what switchTeam takes' })
class UserTeam {
  @Field(() => ID, { description: "The team's id (what switchTeam takes)" }) id!: string;
  @Field(() => String, { description: "The team's name" }) name!: string;
  @Field(() => Role, { description: "The user's role in that team" }) role!: Role;
  @Field(() => Boolean, { description: 'Whether this session acts for that team' }) current!: boolean;
}

@Resolver(() => User)
export class UserFieldsResolver {
  @FieldResolver(() => [UserTeam], {
    description: "The teams the signed-in user belongs to, the one a sign-in lands in first; empty for anyone else's user",
  })
  async teams(@Root() user: User, @Ctx() ctx: Context): Promise<UserTeam[]> {
    const actor = ctx.actor;
    if (actor?.kind !== 'user' || actor.userId !== user.id) return [];
    return (await teamsOf(ctx.em, user.id)).map((m) => ({ id: m.team.id, name: m.team.name, role: m.role, current: m.team.id === actor.teamId }));
  }

  @FieldResolver(() => Role, { nullable: true, description: "The user's role in the current team" })
  role(@Root() user: User, @Ctx() ctx: Context): Role | null {
    return ctx.actor?.kind === 'user' && ctx.actor.userId === user.id ? ctx.actor.role : null;
  }

  @FieldResolver(() => Team, { nullable: true, description: 'The team this session acts for' })
  team(@Root() user: User, @Ctx() ctx: Context): Promise<Team> | null {
    return ctx.actor?.kind === 'user' && ctx.actor.userId === user.id ? findTeam(ctx.em, ctx.actor.teamId) : null;
  }
}

@Resolver(() => Team)
export class TeamResolver {
  @Query(() => Team, {
    description:
      'The team of the signed-in user. Never an API key: a key covers keys, domains, exports, emails, contacts, broadcasts and logs, not the team itself (FORBIDDEN)',
  })
  team(@Ctx() ctx: Context): Promise<Team> {
    return findTeam(ctx.em, requireUser(ctx.actor).teamId);
  }

  @FieldResolver(() => [Membership], { description: 'Members of the team (signed-in members only; never API keys)' })
  members(@Root() team: Team, @Ctx() ctx: Context): Promise<Membership[]> {
    if (requireUser(ctx.actor).teamId !== team.id) throw forbidden('Only members of this team can see its members.');
    return listMembers(ctx.em, team.id);
  }

  @FieldResolver(() => [Invitation], { description: 'Pending invitations (admins only)' })
  invitations(@Root() team: Team, @Ctx() ctx: Context): Promise<Invitation[]> {
    if (requireTeamAdmin(ctx.actor).teamId !== team.id) throw forbidden('Only admins of this team can see its invitations.');
    return listPendingInvitations(ctx.em, team.id);
  }

  @Mutation(() => InvitationPayload, {
    description: 'Invites someone by email: the link works once, for 7 days. Team admins only, signed in (never an API key)',
  })
  inviteMember(
    @Arg('input', () => InviteMemberInput, { description: 'Whom to invite, and as what' }) input: InviteMemberInput,
    @Ctx() ctx: Context,
  ): Promise<InvitationPayload> {
    return inviteMember(ctx.em, ctx.services, requireTeamAdmin(ctx.actor), input, ctx.ip);
  }

  @Query(() => InvitationPreview, {
    nullable: true,
    description:
      'The team and address of an invitation link; null when the token is unknown, used or expired. Readable signed out (the token is the secret); not with an API key',
  })
  invitationPreview(
    @Arg('token', () => String, { description: 'The token from the invitation link' }) token: string,
    @Ctx() ctx: Context,
  ): Promise<InvitationPreview | null> {
    requireNoKey(ctx.actor);
    return previewInvitation(ctx.em, token);
  }

  @Mutation(() => User, {
    description: 'Joins the team of an invitation and signs in (a new account, or an existing one with its password). Not with an API key',
  })
  async acceptInvitation(
    @Arg('input', () => AcceptInvitationInput, { description: 'The token and the password' }) input: AcceptInvitationInput,
    @Ctx() ctx: Context,
  ): Promise<User> {
    requireNoKey(ctx.actor);
    return setSessionCookie(ctx, await acceptInvitation(ctx.em, ctx.services, input, ctx.ip, headerText(ctx.req?.get('user-agent'))));
  }

  @Mutation(() => User, {
    description:
      "Moves the signed-in user's session to another of their teams (User.teams), with a new cookie; the session keeps its id and its expiry. A team they are not in is NOT_FOUND. Signed-in users only, never an API key",
  })
  async switchTeam(@Arg('teamId', () => ID, { description: "The team's id (UserTeam.id)" }) teamId: string, @Ctx() ctx: Context): Promise<User> {
    const actor = requireUser(ctx.actor);
    return writeSessionCookie(ctx, await switchTeam(ctx.em, actor, teamId));
  }

  @Mutation(() => Membership, { description: "Changes a member's role; the team always keeps at least one admin. Team admins only, signed in" })
  updateMemberRole(
    @Arg('id', () => ID, { description: "The membership's id (Member.id)" }) id: string,
    @Arg('role', () => Role, { description: 'The new role' }) role: Role,
    @Ctx() ctx: Context,
  ): Promise<Membership> {
    return updateMemberRole(ctx.em, requireTeamAdmin(ctx.actor), id, role);
  }

  @Mutation(() => ID, {
    description: 'Removes a member from the team and ends their sessions in it; the last admin cannot be removed. Returns the id. Team admins only, signed in',
  })
  removeMember(@Arg('id', () => ID, { description: "The membership's id (Member.id)" }) id: string, @Ctx() ctx: Context): Promise<string> {
    return removeMember(ctx.em, requireTeamAdmin(ctx.actor), id);
  }

  @Mutation(() => ID, { description: 'Cancels a pending invitation: its link stops working. Returns the id. Team admins only, signed in' })
  revokeInvitation(@Arg('id', () => ID, { description: "The invitation's id" }) id: string, @Ctx() ctx: Context): Promise<string> {
    return revokeInvitation(ctx.em, requireTeamAdmin(ctx.actor), id);
  }

  @Mutation(() => InvitationLinkPayload, {
    description:
      'Issues a new link for a pending invitation, to copy and pass on by hand (nothing is emailed): the previous link stops working and the new one works for 7 days. Throttled like inviteMember. Team admins only, signed in',
  })
  renewInvitationLink(@Arg('id', () => ID, { description: "The invitation's id" }) id: string, @Ctx() ctx: Context): Promise<InvitationLinkPayload> {
    return renewInvitationLink(ctx.em, ctx.services, requireTeamAdmin(ctx.actor), id, ctx.ip);
  }
}
