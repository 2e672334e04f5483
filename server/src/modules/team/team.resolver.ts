import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { SecretField } from '../../graphql/secret-field.js';
import type { Context } from '../../graphql/context.js';
import { requireNoKey, requireReader, requireTeamAdmin, requireUser } from '../auth/actor.js';
import { setSessionCookie } from '../auth/auth.resolver.js';
import { Invitation, Membership, Role, Team, User } from './team.entity.js';
import {
  acceptInvitation,
  findTeam,
  inviteMember,
  listMembers,
  listPendingInvitations,
  removeMember,
  revokeInvitation,
  updateMemberRole,
} from './team.service.js';

@InputType()
class InviteMemberInput {
  @Field(() => String) email!: string;
  @Field(() => Role, { defaultValue: Role.MEMBER }) role!: Role;
}

@InputType()
class AcceptInvitationInput {
  @Field(() => String) token!: string;
  @Field(() => String) password!: string;
}

@ObjectType()
class InvitationPayload {
  @Field(() => Invitation) invitation!: Invitation;
  @Field(() => String, { description: 'Shown once; also emailed to the invitee as a link' })
  @SecretField()
  token!: string;
}

@Resolver(() => User)
export class UserFieldsResolver {
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
  @Query(() => Team, { description: 'The team of the signed-in user or API key' })
  team(@Ctx() ctx: Context): Promise<Team> {
    return findTeam(ctx.em, requireReader(ctx.actor).teamId);
  }

  @FieldResolver(() => [Membership], { description: 'Members of the team (signed-in members only; never API keys)' })
  members(@Root() team: Team, @Ctx() ctx: Context): Promise<Membership[]> {
    requireUser(ctx.actor);
    return listMembers(ctx.em, team.id);
  }

  @FieldResolver(() => [Invitation], { description: 'Pending invitations (admins only)' })
  invitations(@Root() team: Team, @Ctx() ctx: Context): Promise<Invitation[]> {
    requireTeamAdmin(ctx.actor);
    return listPendingInvitations(ctx.em, team.id);
  }

  @Mutation(() => InvitationPayload)
  inviteMember(
    @Arg('input', () => InviteMemberInput) input: InviteMemberInput,
    @Ctx() ctx: Context,
  ): Promise<InvitationPayload> {
    return inviteMember(ctx.em, ctx.services, requireTeamAdmin(ctx.actor), input, ctx.ip);
  }

  @Mutation(() => User)
  async acceptInvitation(
    @Arg('input', () => AcceptInvitationInput) input: AcceptInvitationInput,
    @Ctx() ctx: Context,
  ): Promise<User> {
    requireNoKey(ctx.actor);
    return setSessionCookie(ctx, await acceptInvitation(ctx.em, ctx.services, input, ctx.ip));
  }

  @Mutation(() => Membership)
  updateMemberRole(
    @Arg('id', () => ID) id: string,
    @Arg('role', () => Role) role: Role,
    @Ctx() ctx: Context,
  ): Promise<Membership> {
    return updateMemberRole(ctx.em, requireTeamAdmin(ctx.actor), id, role);
  }

  @Mutation(() => ID)
  removeMember(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<string> {
    return removeMember(ctx.em, requireTeamAdmin(ctx.actor), id);
  }

  @Mutation(() => ID)
  revokeInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<string> {
    return revokeInvitation(ctx.em, requireTeamAdmin(ctx.actor), id);
  }
}
