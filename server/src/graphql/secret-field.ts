import type { GraphQLField } from 'graphql';
import { Extensions } from 'type-graphql';

/**
 * Marks an output field whose value is a secret shown once (a new API key's token, an
 * invitation's): usage logs never keep it, whatever alias or fragment the query reads it through
 * (usage-log/redact.ts finds such fields by the schema, not by the response's key names).
 */
export const SecretField = () => Extensions({ secret: true });

export const isSecretField = (field: GraphQLField<unknown, unknown> | undefined): boolean => field?.extensions?.secret === true;
