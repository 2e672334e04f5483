import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { cappedList } from '../../graphql/cost.js';
import { isUuid } from '../../lib/ids.js';
import { requireManager, requireReader } from '../auth/actor.js';
import { Domain } from './domain.entity.js';
import { DomainFilter } from './domain.filter.js';
import { domainRecords } from './domain.records.js';
import { createDomain, deleteDomain, findDomain, listDomains, sendingPolicy, verifyDomain } from './domain.service.js';

/** A domain's records: the return-path MX and SPF, and DKIM (domain.records.ts expectedRecords). */
const RECORDS_PER_DOMAIN = 3;

@ObjectType({ description: 'A DNS record to publish for a domain, and what the last check found' })
class DomainRecord {
  @Field(() => String, { description: 'SPF or DKIM' }) record!: string;
  @Field(() => String, { description: 'The name relative to the domain, as Resend gives it (send, keyring._domainkey)' }) name!: string;
  @Field(() => String, { description: 'The full name to publish' }) fqdn!: string;
  @Field(() => String, { description: 'MX or TXT' }) type!: string;
  @Field(() => String, { description: 'The content to publish: the MX host, the SPF policy or the DKIM public key' }) value!: string;
  @Field(() => Int, { nullable: true, description: 'The MX preference (lower is tried first); null for TXT records' }) priority?: number;
  @Field(() => String, { description: 'not_started, pending (not found), verified, failed (another value is published) or temporary_failure' })
  status!: string;
}

@ObjectType({ description: "This server's rules for sending, the same for every team" })
class SendingPolicy {
  @Field(() => Boolean, { description: 'REQUIRE_VERIFIED_DOMAINS: only verified domains may send' }) requireVerifiedDomains!: boolean;
  @Field(() => String, { description: 'The host the return-path MX and SPF records point at' }) mailHost!: string;
  @Field(() => Boolean, {
    description: 'SMTP_URL is set: mail (sent email, invitations, export links) is relayed. false: it stays in the built-in outbox and never leaves the server',
  })
  mailRelay!: boolean;
}

@InputType({ description: 'A domain to add' })
class CreateDomainInput {
  @Field(() => String, { description: 'The domain name, e.g. mail.example.com; unique within the team' }) name!: string;
  @Field(() => String, { defaultValue: 'us-east-1', description: 'us-east-1, eu-west-1, sa-east-1 or ap-northeast-1' })
  region!: string;
}

export { DomainFilter };

@Resolver(() => Domain)
export class DomainResolver {
  @Query(() => [Domain], { description: "The team's domains, newest first" })
  domains(
    @Arg('filter', () => DomainFilter, { nullable: true, description: 'Only the domains that match; all when omitted' }) filter:
      | DomainFilter
      | null
      | undefined,
    @Ctx() ctx: Context,
  ): Promise<Domain[]> {
    // Up to 1,000 (MAX_DOMAINS_PER_TEAM): counted at their number once read (graphql/cost.ts countListsAsResolved).
    return listDomains(ctx.em, requireReader(ctx.actor).teamId, filter);
  }

  @Mutation(() => Domain, { description: 'Adds a domain to send from. Admins and full-access keys' })
  createDomain(@Arg('input', () => CreateDomainInput, { description: 'The domain' }) input: CreateDomainInput, @Ctx() ctx: Context): Promise<Domain> {
    return createDomain(ctx.em, requireManager(ctx.actor), input);
  }

  @Query(() => Domain, { nullable: true, description: 'One of the team’s domains; null when missing (or another team’s)' })
  domain(@Arg('id', () => ID, { description: "The domain's id" }) id: string, @Ctx() ctx: Context): Promise<Domain | null> | null {
    const teamId = requireReader(ctx.actor).teamId;
    return isUuid(id) ? findDomain(ctx.em, teamId, id) : null;
  }

  @Query(() => SendingPolicy, { description: 'Whether unverified domains may send on this server' })
  sendingPolicy(@Ctx() ctx: Context): SendingPolicy {
    requireReader(ctx.actor);
    return sendingPolicy(ctx.services.config);
  }

  @Mutation(() => Domain, {
    description:
      'Checks the domain’s DNS records now and moves its status (pending, verified or failed); refused when another team verified the name. Admins and full-access keys',
  })
  verifyDomain(@Arg('id', () => ID, { description: "The domain's id" }) id: string, @Ctx() ctx: Context): Promise<Domain> {
    return verifyDomain(ctx.em, ctx.services.config, requireManager(ctx.actor), id);
  }

  @FieldResolver(() => [DomainRecord], {
    description: 'The DNS records to publish (SPF and DKIM), with what the last check found',
    complexity: cappedList(RECORDS_PER_DOMAIN),
  })
  records(@Root() domain: Domain, @Ctx() ctx: Context): DomainRecord[] {
    return domainRecords(domain, ctx.services.config);
  }

  @Mutation(() => ID, { description: 'Deletes a domain; refused while an API key is tied to it. Returns the id. Admins and full-access keys' })
  deleteDomain(@Arg('id', () => ID, { description: "The domain's id" }) id: string, @Ctx() ctx: Context): Promise<string> {
    return deleteDomain(ctx.em, requireManager(ctx.actor), id);
  }
}
