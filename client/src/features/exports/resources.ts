import type { ExportResource } from '../../gql/graphql';

/** How each resource is named: a title ("API keys") and the noun inside a sentence ("API keys"). */
export const RESOURCES: Record<ExportResource, { title: string; noun: string }> = {
  EMAILS: { title: 'Emails', noun: 'emails' },
  BROADCASTS: { title: 'Broadcasts', noun: 'broadcasts' },
  CONTACTS: { title: 'Contacts', noun: 'contacts' },
  DOMAINS: { title: 'Domains', noun: 'domains' },
  LOGS: { title: 'Logs', noun: 'logs' },
  API_KEYS: { title: 'API keys', noun: 'API keys' },
};
