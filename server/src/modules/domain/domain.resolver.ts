import { Arg, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireReader, requireManager } from '../auth/actor.js';
import { Domain } from './domain.entity.js';
import { createDomain, deleteDomain, listDomains } from './domain.service.js';

@InputType()
class CreateDomainInput {
  @Field(() => String) name!: string;
  @Field(() => String, { defaultValue: 'us-east-1', description: 'us-east-1, eu-west-1, sa-east-1 or ap-northeast-1' })
  region!: string;
}

@Resolver(() => Domain)
export class DomainResolver {
  @Query(() => [Domain])
  domains(@Ctx() ctx: Context): Promise<Domain[]> {
    return listDomains(ctx.em, requireReader(ctx.actor).teamId);
  }

  @Mutation(() => Domain)
  createDomain(@Arg('input', () => CreateDomainInput) input: CreateDomainInput, @Ctx() ctx: Context): Promise<Domain> {
    return createDomain(ctx.em, requireManager(ctx.actor), input);
  }

  @Mutation(() => ID)
  deleteDomain(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<string> {
    return deleteDomain(ctx.em, requireManager(ctx.actor), id);
  }
}
