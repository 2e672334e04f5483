import { Arg, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireReader, requireManager } from '../auth/actor.js';
import { Domain } from './domain.entity.js';
import { createDomain, deleteDomain, listDomains } from './domain.service.js';

@InputType({ description: 'A domain to add' })
class CreateDomainInput {
  @Field(() => String, { description: 'The domain name, e.g. mail.example.com; unique within the team' }) name!: string;
  @Field(() => String, { defaultValue: 'us-east-1', description: 'us-east-1, eu-west-1, sa-east-1 or ap-northeast-1' })
  region!: string;
}

@Resolver(() => Domain)
export class DomainResolver {
  @Query(() => [Domain], { description: "The team's domains, newest first" })
  domains(@Ctx() ctx: Context): Promise<Domain[]> {
    return listDomains(ctx.em, requireReader(ctx.actor).teamId);
  }

  @Mutation(() => Domain, { description: 'Adds a domain to send from. Admins and full-access keys' })
  createDomain(@Arg('input', () => CreateDomainInput, { description: 'The domain' }) input: CreateDomainInput, @Ctx() ctx: Context): Promise<Domain> {
    return createDomain(ctx.em, requireManager(ctx.actor), input);
  }

  @Mutation(() => ID, { description: 'Deletes a domain; refused while an API key is tied to it. Returns the id. Admins and full-access keys' })
  deleteDomain(@Arg('id', () => ID, { description: "The domain's id" }) id: string, @Ctx() ctx: Context): Promise<string> {
    return deleteDomain(ctx.em, requireManager(ctx.actor), id);
  }
}
