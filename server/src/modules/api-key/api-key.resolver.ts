import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Field, FieldResolver, ID, Info, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { cappedList } from '../../graphql/cost.js';
import { DateTimeISOResolver } from '../../graphql/date-time.js';
import { SecretField } from '../../graphql/secret-field.js';
import { requireManager, requireReader } from '../auth/actor.js';
import { Domain } from '../domain/domain.entity.js';
import { User } from '../team/team.entity.js';
import { lastUsedAtOf } from '../usage-log/usage-log.resolver.js';
import { ApiKey, EXPIRING_SOON_DAYS, INACTIVE_AFTER_DAYS, livePreviousToken, Permission, UsageStatus, usageStatusOf } from './api-key.entity.js';
import { ApiKeyFilter } from './api-key.filter.js';
import {
  apiKeyHealth,
  createApiKey,
  deleteApiKey,
  expirePreviousToken,
  findApiKey,
  listApiKeys,
  MAX_API_KEYS_PER_TEAM,
  MAX_GRACE_SECONDS,
  rollApiKey,
  updateApiKey,
} from './api-key.service.js';

@InputType({ description: 'A new API key' })
class CreateApiKeyInput {
  @Field(() => String, { description: '1–50 characters' }) name!: string;
  @Field(() => Permission, { description: 'FULL_ACCESS, or SENDING_ACCESS to send email only' }) permission!: Permission;
  @Field(() => ID, { nullable: true, description: 'Only with SENDING_ACCESS' }) domainId?: string | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'Optional; must be in the future' })
  expiresAt?: Date | null;
}

@InputType({ description: 'Changes to an API key; omitted fields keep their value. The token does not change (see rollApiKey)' })
class UpdateApiKeyInput {
  @Field(() => String, { nullable: true, description: 'A new name, 1–50 characters' }) name?: string | null;
  @Field(() => Permission, { nullable: true, description: 'Changing to FULL_ACCESS clears the domain' })
  permission?: Permission | null;
  @Field(() => ID, { nullable: true, description: 'null removes the restriction; omitted keeps it' })
  domainId?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'false disables the key (its token is refused until it is enabled again), true enables it; omitted keeps it',
  })
  enabled?: boolean | null;
  @Field(() => DateTimeISOResolver, { nullable: true, description: 'A new expiry, in the future; null removes the expiry; omitted keeps it' })
  expiresAt?: Date | null;
}

@InputType({ description: "How to replace a key's token" })
class RollApiKeyInput {
  @Field(() => Int, { description: `0 … ${MAX_GRACE_SECONDS} (${MAX_GRACE_SECONDS / 86_400} days): how long the old token keeps working` })
  gracePeriodSeconds!: number;
}

@ObjectType({ description: 'A created or rolled key, with its token' })
class CreateApiKeyPayload {
  @Field(() => ApiKey, { description: 'The key' }) apiKey!: ApiKey;
  @Field(() => String, { description: 'Shown exactly once' })
  @SecretField()
  token!: string;
}

@ObjectType({ description: "Counts over the team's keys, for the overview above the key list; each is also an ApiKeyFilter" })
class ApiKeyHealth {
  @Field(() => Int, { description: 'Keys in the team' }) total!: number;
  @Field(() => Int, { description: 'Keys that have never made a request (usageStatus NEVER_USED)' }) neverUsed!: number;
  @Field(() => Int, { description: `Keys not used for ${INACTIVE_AFTER_DAYS} days or more (usageStatus INACTIVE)` }) inactive!: number;
  @Field(() => Int, { description: 'Keys with FULL_ACCESS' }) fullAccess!: number;
  @Field(() => Int, { description: `Keys that expire within ${EXPIRING_SOON_DAYS} days (not yet expired)` }) expiringSoon!: number;
  @Field(() => Int, { description: 'Keys that are disabled (enabled false)' }) disabled!: number;
}

export { ApiKeyFilter };

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Query(() => [ApiKey], {
    description: `The team's keys, newest first: all of them (a team holds at most ${MAX_API_KEYS_PER_TEAM}), or the first \`first\``,
    complexity: cappedList(MAX_API_KEYS_PER_TEAM),
  })
  apiKeys(
    @Arg('filter', () => ApiKeyFilter, { nullable: true, description: 'Only the keys that match; all when omitted' }) filter: ApiKeyFilter | undefined,
    @Arg('first', () => Int, { nullable: true, description: `1 … ${MAX_API_KEYS_PER_TEAM}` }) first: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<ApiKey[]> {
    return listApiKeys(ctx.em, requireReader(ctx.actor).teamId, filter ?? {}, first);
  }

  @Query(() => ApiKey, { nullable: true, description: "One of the team's keys; null when there is none with this id (another team's included)" })
  apiKey(@Arg('id', () => ID, { description: "The key's id" }) id: string, @Ctx() ctx: Context): Promise<ApiKey | null> {
    return findApiKey(ctx.em, requireReader(ctx.actor).teamId, id);
  }

  @Query(() => ApiKeyHealth, { description: "Counts of the team's keys by usage, permission and expiry" })
  apiKeyHealth(@Ctx() ctx: Context): Promise<ApiKeyHealth> {
    return apiKeyHealth(ctx.em, requireReader(ctx.actor).teamId);
  }

  @Mutation(() => CreateApiKeyPayload, { description: 'Creates a key and returns its token, the only time it can be read. Admins and full-access keys' })
  createApiKey(
    @Arg('input', () => CreateApiKeyInput, { description: 'The new key' }) input: CreateApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<CreateApiKeyPayload> {
    return createApiKey(ctx.em, requireManager(ctx.actor), input);
  }

  @Mutation(() => ApiKey, {
    description: 'Renames a key or changes its permission or domain; every instance sees the change at once. Admins and full-access keys',
  })
  updateApiKey(
    @Arg('id', () => ID, { description: "The key's id" }) id: string,
    @Arg('input', () => UpdateApiKeyInput, { description: 'What changes' }) input: UpdateApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<ApiKey> {
    return updateApiKey(ctx.em, ctx.services.apiKeyVerifier, requireManager(ctx.actor), id, input);
  }

  @Mutation(() => ID, { description: 'Deletes a key: its token stops working at once on every instance. Returns the id. Admins and full-access keys' })
  deleteApiKey(@Arg('id', () => ID, { description: "The key's id" }) id: string, @Ctx() ctx: Context): Promise<string> {
    return deleteApiKey(ctx.em, ctx.services.apiKeyVerifier, requireManager(ctx.actor), id);
  }

  @Mutation(() => CreateApiKeyPayload, {
    description:
      'A new token for the same key; the old one works for the grace period. A key keeps one previous token: a previous token still in its grace period stops at once',
  })
  rollApiKey(
    @Arg('id', () => ID, { description: "The key's id" }) id: string,
    @Arg('input', () => RollApiKeyInput, { description: 'The grace period' }) input: RollApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<CreateApiKeyPayload> {
    return rollApiKey(ctx.em, ctx.services.apiKeyVerifier, requireManager(ctx.actor), id, input.gracePeriodSeconds);
  }

  @Mutation(() => ApiKey, {
    description:
      "Ends a roll's grace period now: the key's previous token stops working at once on every instance. Without a previous token still working, the key is returned unchanged. Admins and full-access keys",
  })
  expirePreviousToken(@Arg('id', () => ID, { description: "The key's id" }) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return expirePreviousToken(ctx.em, ctx.services.apiKeyVerifier, requireManager(ctx.actor), id);
  }

  @Mutation(() => ApiKey, {
    description: "The name expirePreviousToken had first: ends a roll's grace period now, exactly as it does",
    deprecationReason: 'Use expirePreviousToken, the name the contract gives it (this one does the same)',
  })
  expirePreviousApiKeyToken(@Arg('id', () => ID, { description: "The key's id" }) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return this.expirePreviousToken(id, ctx);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The start of the token replaced by the last roll while it still works (see previousTokenExpiresAt); null when there is none, or for a roll made before this was kept',
  })
  previousTokenStart(@Root() key: ApiKey): string | null {
    return livePreviousToken(key)?.tokenStart ?? null;
  }

  @FieldResolver(() => DateTimeISOResolver, {
    nullable: true,
    description: 'When the token replaced by the last roll stops working; null when no replaced token works any more',
  })
  previousTokenExpiresAt(@Root() key: ApiKey): Date | null {
    return livePreviousToken(key)?.expiresAt ?? null;
  }

  @FieldResolver(() => UsageStatus, { description: `NEVER_USED, ACTIVE (used within ${INACTIVE_AFTER_DAYS} days) or INACTIVE, from lastUsedAt` })
  usageStatus(@Root() key: ApiKey, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): UsageStatus | Promise<UsageStatus> {
    // The same snapshot as the key's lastUsedAt and counts (usage-log.resolver.ts).
    const last = lastUsedAtOf(key, ctx, info);
    return last instanceof Promise ? last.then(usageStatusOf) : usageStatusOf(last);
  }

  @FieldResolver(() => Domain, { nullable: true, description: 'The only domain a sending-access key may send from; null when unrestricted' })
  domain(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<Domain | null> | null {
    return key.domain ? ctx.loaders.domain.load(key.domain.id) : null;
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who created the key; null when an API key created it. A member since removed from the team still shows: who did it stays known',
  })
  createdBy(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<User | null> | null {
    return key.createdBy ? ctx.loaders.user.load(key.createdBy.id) : null;
  }
}
