import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ApiKeyResolver } from '../modules/api-key/api-key.resolver.js';
import { AuditEventResolver } from '../modules/audit/audit.resolver.js';
import { AccountResolver } from '../modules/auth/account.resolver.js';
import { AuthResolver } from '../modules/auth/auth.resolver.js';
import { BroadcastResolver } from '../modules/broadcast/broadcast.resolver.js';
import { ContactResolver } from '../modules/contact/contact.resolver.js';
import { DomainResolver } from '../modules/domain/domain.resolver.js';
import { EmailResolver } from '../modules/email/email.resolver.js';
import { ExportResolver } from '../modules/export/export.resolver.js';
import { TeamResolver, UserFieldsResolver } from '../modules/team/team.resolver.js';
import { ThresholdsResolver } from '../modules/thresholds/thresholds.resolver.js';
import { ApiKeyUsageResolver, UsageLogResolver } from '../modules/usage-log/usage-log.resolver.js';
import { countListsAsResolved } from './cost.js';
import { pubSub } from './pubsub.js';

export const resolvers = [
  AuthResolver,
  AccountResolver,
  TeamResolver,
  UserFieldsResolver,
  DomainResolver,
  ApiKeyResolver,
  EmailResolver,
  UsageLogResolver,
  ApiKeyUsageResolver,
  ContactResolver,
  BroadcastResolver,
  ExportResolver,
  AuditEventResolver,
  ThresholdsResolver,
] as const;

export async function createSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers,
    pubSub,
    validate: false,
    emitSchemaFile: false,
  });
  // type-graphql has no option for the root types' descriptions.
  const roots = {
    Query: "Reads, over HTTP. Everything is scoped to the caller's team: a session's, or a full-access API key's",
    Mutation: 'Changes, over HTTP. Keys, domains, exports and emails: admins and full-access keys; members, invitations and sessions: people only',
    Subscription: 'Live updates, over the graphql-ws WebSocket at /graphql (the key goes in connectionParams.authorization)',
  };
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (type) type.description = roots[type.name as keyof typeof roots];
  }
  countListsAsResolved(schema);
  return schema;
}
