import { DateTimeISOResolver } from 'graphql-scalars';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { cappedList } from '../../graphql/cost.js';
import { SecretField } from '../../graphql/secret-field.js';
import type { Context } from '../../graphql/context.js';
import { requireReader, requireManager } from '../auth/actor.js';
import { Domain } from '../domain/domain.entity.js';
import { User } from '../team/team.entity.js';
import { ApiKey, Permission, UsageStatus, usageStatusOf } from './api-key.entity.js';
import {
  apiKeyHealth,
  createApiKey,
  deleteApiKey,
  findApiKey,
  listApiKeys,
  MAX_API_KEYS_PER_TEAM,
  rollApiKey,
  updateApiKey,
} from './api-key.service.js';

@InputType()
class CreateApiKeyInput {
  @Field(() => String, { description: '1–50 characters' }) name!: string;
  @Field(() => Permission) permission!: Permission;
  @Field(() => ID, { nullable: true, description: 'Only with SENDING_ACCESS' }) domainId?: string | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Optional; must be in the future' })
  expiresAt?: Date | null;
}

@InputType()
class UpdateApiKeyInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => Permission, { nullable: true, description: 'Changing to FULL_ACCESS clears the domain' })
  permission?: Permission | null;
  @Field(() => ID, { nullable: true, description: 'null removes the restriction; omitted keeps it' })
  domainId?: string | null;
}

@InputType()
class ApiKeyFilter {
  @Field(() => String, { nullable: true, description: 'Matches the name or the token start' }) search?: string | null;
  @Field(() => Permission, { nullable: true }) permission?: Permission | null;
  @Field(() => UsageStatus, { nullable: true }) usageStatus?: UsageStatus | null;
  @Field(() => Boolean, { nullable: true, description: 'Keys that expire within 7 days' }) expiringSoon?: boolean | null;
}

@InputType()
class RollApiKeyInput {
  @Field(() => Int, { description: '0 … 604800 (7 days): how long the old token keeps working' })
  gracePeriodSeconds!: number;
}

@ObjectType()
class CreateApiKeyPayload {
  @Field(() => ApiKey) apiKey!: ApiKey;
  @Field(() => String, { description: 'Shown exactly once' })
  @SecretField()
  token!: string;
}

@ObjectType()
class ApiKeyHealth {
  @Field(() => Int) total!: number;
  @Field(() => Int) neverUsed!: number;
  @Field(() => Int) inactive!: number;
  @Field(() => Int) fullAccess!: number;
  @Field(() => Int) expiringSoon!: number;
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Query(() => [ApiKey], {
    description: `The team's keys, newest first: all of them (a team holds at most ${MAX_API_KEYS_PER_TEAM}), or the first \`first\``,
    complexity: cappedList(MAX_API_KEYS_PER_TEAM),
  })
  apiKeys(
    @Arg('filter', () => ApiKeyFilter, { nullable: true }) filter: ApiKeyFilter | undefined,
    @Arg('first', () => Int, { nullable: true, description: `1 … ${MAX_API_KEYS_PER_TEAM}` }) first: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<ApiKey[]> {
    return listApiKeys(ctx.em, requireReader(ctx.actor).teamId, filter ?? {}, first);
  }

  @Query(() => ApiKey, { nullable: true })
  apiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey | null> {
    return findApiKey(ctx.em, requireReader(ctx.actor).teamId, id);
  }

  @Query(() => ApiKeyHealth)
  apiKeyHealth(@Ctx() ctx: Context): Promise<ApiKeyHealth> {
    return apiKeyHealth(ctx.em, requireReader(ctx.actor).teamId);
  }

  @Mutation(() => CreateApiKeyPayload)
  createApiKey(
    @Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<CreateApiKeyPayload> {
    return createApiKey(ctx.em, requireManager(ctx.actor), input);
  }

  @Mutation(() => ApiKey)
  updateApiKey(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateApiKeyInput) input: UpdateApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<ApiKey> {
    return updateApiKey(ctx.em, ctx.services.apiKeyVerifier, requireManager(ctx.actor), id, input);
  }

  @Mutation(() => ID)
  deleteApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<string> {
    return deleteApiKey(ctx.em, ctx.services.apiKeyVerifier, requireManager(ctx.actor), id);
  }

  @Mutation(() => CreateApiKeyPayload, { description: 'A new token for the same key; the old one works for the grace period' })
  rollApiKey(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => RollApiKeyInput) input: RollApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<CreateApiKeyPayload> {
    return rollApiKey(ctx.em, ctx.services.apiKeyVerifier, requireManager(ctx.actor), id, input.gracePeriodSeconds);
  }

  @FieldResolver(() => UsageStatus)
  usageStatus(@Root() key: ApiKey): UsageStatus {
    return usageStatusOf(key.lastUsedAt);
  }

  @FieldResolver(() => Domain, { nullable: true })
  domain(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<Domain | null> | null {
    return key.domain ? ctx.loaders.domain.load(key.domain.id) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  createdBy(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<User | null> | null {
    return key.createdBy ? ctx.loaders.user.load(key.createdBy.id) : null;
  }
}
