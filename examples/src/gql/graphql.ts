/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Narrows the key list; the conditions given must all hold */
export type ApiKeyFilter = {
  /** Only enabled keys (true) or only disabled ones (false) */
  enabled?: boolean | null | undefined;
  /** Keys that expire within 7 days */
  expiringSoon?: boolean | null | undefined;
  /** Created at or after this time */
  from?: string | null | undefined;
  /** Only keys with this permission */
  permission?: Permission | null | undefined;
  /** Matches the name or the token start */
  search?: string | null | undefined;
  /** Created at or before this time */
  to?: string | null | undefined;
  /** Only keys with this usage status */
  usageStatus?: UsageStatus | null | undefined;
};

/** Narrows the broadcasts, as on the Broadcasts page; the conditions given must all hold */
export type BroadcastFilter = {
  /** Only broadcasts in this status */
  broadcastStatus?: BroadcastStatus | null | undefined;
  /** Created at or after */
  from?: string | null | undefined;
  /** Part of the name or the subject, any case */
  search?: string | null | undefined;
  /**
   * draft or sent
   * @deprecated Use broadcastStatus, an enum
   */
  status?: string | null | undefined;
  /** Created at or before */
  to?: string | null | undefined;
};

/** A broadcast's status, as the Broadcasts page filters by it (Broadcast.status reads it in lower case) */
export type BroadcastStatus =
  /** Not sent yet */
  | 'DRAFT'
  /** Sent to its audience */
  | 'SENT';

/** Narrows the contacts, as on the Contacts page; the conditions given must all hold */
export type ContactFilter = {
  /** Created at or after */
  from?: string | null | undefined;
  /** Part of the email address or the name, any case */
  search?: string | null | undefined;
  /** Created at or before */
  to?: string | null | undefined;
  /** true for unsubscribed contacts only, false for subscribed ones */
  unsubscribed?: boolean | null | undefined;
};

/** An export to create: the resource, and the filter of its list (the field named after it), the same input its page sends */
export type CreateExportInput = {
  /** API_KEYS: the apiKeys(filter:) of the API Keys page */
  apiKeys?: ApiKeyFilter | null | undefined;
  /** BROADCASTS: the broadcasts(filter:) of the Broadcasts page */
  broadcasts?: BroadcastFilter | null | undefined;
  /** CONTACTS: the contacts(filter:) of the Contacts page */
  contacts?: ContactFilter | null | undefined;
  /** DOMAINS: the domains(filter:) of the Domains page */
  domains?: DomainFilter | null | undefined;
  /** EMAILS: the emails(filter:) of the Emails page */
  emails?: EmailFilter | null | undefined;
  /**
   * The filters of the resource page: from, to, status, apiKeyId, statusCode, permission…
   * @deprecated Use the resource's own typed filter: emails, broadcasts, contacts, domains, logs or apiKeys
   */
  filters?: unknown;
  /** LOGS: the usageLogs(filter:) of the Logs page */
  logs?: UsageLogFilter | null | undefined;
  /** What to export */
  resource: ExportResource;
};

/** Narrows the domains; the conditions given must all hold */
export type DomainFilter = {
  /** Added at or after this time */
  from?: string | null | undefined;
  /** Added at or before this time */
  to?: string | null | undefined;
};

/** Narrows the emails, as on the Emails page; the conditions given must all hold */
export type EmailFilter = {
  /** Only emails sent with this key */
  apiKeyId?: string | number | null | undefined;
  /** Only emails in this status */
  emailStatus?: EmailStatus | null | undefined;
  /** Accepted at or after this time */
  from?: string | null | undefined;
  /** Part of the subject, the sender or a recipient, any case */
  search?: string | null | undefined;
  /**
   * scheduled, queued, sent, failed or canceled
   * @deprecated Use emailStatus, an enum
   */
  status?: string | null | undefined;
  /** Accepted at or before this time */
  to?: string | null | undefined;
};

/** An email's status, as the Emails page filters by it (Email.status reads it in lower case) */
export type EmailStatus =
  /** A scheduled email canceled before it was due */
  | 'CANCELED'
  /** Delivery failed; Email.error says why */
  | 'FAILED'
  /** Accepted, waiting for delivery */
  | 'QUEUED'
  /** Waiting for its scheduledAt */
  | 'SCHEDULED'
  /** Handed to the mail server */
  | 'SENT';

/** What an export holds: the rows of one of the dashboard pages, with its filters */
export type ExportResource =
  /** API keys, never their tokens (filters: from, to, permission, usageStatus, expiringSoon, enabled, search) */
  | 'API_KEYS'
  /** Broadcasts (filters: from, to, status, search) */
  | 'BROADCASTS'
  /** Contacts (filters: from, to, unsubscribed, search) */
  | 'CONTACTS'
  /** Domains (filters: from, to) */
  | 'DOMAINS'
  /** Emails accepted by the API (filters: from, to, status, apiKeyId, search) */
  | 'EMAILS'
  /** Request logs (filters: from, to, apiKeyId, statusCode, statusClass, method, endpoint) */
  | 'LOGS';

/** Where an export is in its life */
export type ExportStatus =
  /** Past its 7 days: the file is deleted and the download answers 410 */
  | 'EXPIRED'
  /** Could not be written after its retries; error says why */
  | 'FAILED'
  /** Being written, on the job queue; follow it with exportProgress */
  | 'PROCESSING'
  /** Written: downloadUrl works until expiresAt */
  | 'READY';

/** An HTTP method a request log can be filtered by */
export type HttpMethod =
  /** Deletions */
  | 'DELETE'
  /** Reads */
  | 'GET'
  /** A GET's headers without its body */
  | 'HEAD'
  /** What a path allows (CORS preflights) */
  | 'OPTIONS'
  /** Partial updates */
  | 'PATCH'
  /** Creates and sends */
  | 'POST'
  /** Replacements */
  | 'PUT';

/** What an API key may do */
export type Permission =
  /** Create, delete, get and update any resource */
  | 'FULL_ACCESS'
  /** Only send emails, optionally only from one domain */
  | 'SENDING_ACCESS';

/** A class of HTTP statuses, by its first digit */
export type StatusClass =
  /** 4xx */
  | 'CLIENT_ERROR'
  /** 1xx */
  | 'INFORMATIONAL'
  /** 3xx */
  | 'REDIRECTION'
  /** 5xx */
  | 'SERVER_ERROR'
  /** 2xx */
  | 'SUCCESS';

/** Narrows the logs, as on the Logs page; the conditions given must all hold */
export type UsageLogFilter = {
  /** Only requests made with this key (deleted keys included) */
  apiKeyId?: string | number | null | undefined;
  /** A path and everything under it: /emails is /emails, /emails/batch and /emails/:id; /graphql is every GraphQL operation */
  endpoint?: string | null | undefined;
  /** Only answers with a status of 400 or more (4xx and 5xx); with statusCode or responseClass, both apply */
  errorsOnly?: boolean | null | undefined;
  /** Made at or after this time */
  from?: string | null | undefined;
  /** Only requests made with this method */
  httpMethod?: HttpMethod | null | undefined;
  /**
   * An HTTP method in capitals: GET, POST, PATCH, PUT, DELETE, HEAD, OPTIONS or any other a request was made with
   * @deprecated Use httpMethod, an enum
   */
  method?: string | null | undefined;
  /** Only answers of this class (every 2xx, 4xx, 5xx…) */
  responseClass?: StatusClass | null | undefined;
  /**
   * 2, 4 or 5 for every 2xx, 4xx or 5xx status
   * @deprecated Use responseClass, an enum
   */
  statusClass?: number | null | undefined;
  /** Only answers with this HTTP status, e.g. 422 */
  statusCode?: number | null | undefined;
  /** Made at or before this time */
  to?: string | null | undefined;
};

/** Whether an API key is in use, from its last request */
export type UsageStatus =
  /** Used within the last 30 days */
  | 'ACTIVE'
  /** Not used for 30 days or more */
  | 'INACTIVE'
  /** No request has been made with the key yet */
  | 'NEVER_USED';

export type ExportAndWait_ExportFragment = { id: string, resource: ExportResource, status: ExportStatus, processedRows: number, estimatedRowCount: number | null, rowCount: number | null, fileSizeBytes: number | null, downloadUrl: string | null, error: string | null };

export type ExportAndWaitCreateMutationVariables = Exact<{
  input: CreateExportInput;
}>;


export type ExportAndWaitCreateMutation = { createExport: { id: string, resource: ExportResource, status: ExportStatus, processedRows: number, estimatedRowCount: number | null, rowCount: number | null, fileSizeBytes: number | null, downloadUrl: string | null, error: string | null } };

export type ExportAndWaitProgressSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type ExportAndWaitProgressSubscription = { exportProgress: { id: string, resource: ExportResource, status: ExportStatus, processedRows: number, estimatedRowCount: number | null, rowCount: number | null, fileSizeBytes: number | null, downloadUrl: string | null, error: string | null } };

export type KeyReportQueryVariables = Exact<{ [key: string]: never; }>;


export type KeyReportQuery = { apiKeys: Array<{ id: string, name: string, tokenStart: string, permission: Permission, usageStatus: UsageStatus, lastUsedAt: string | null, requestCount: number, expiresAt: string | null, domain: { name: string } | null }>, expiring: Array<{ id: string }>, apiKeyHealth: { total: number, neverUsed: number, inactive: number, fullAccess: number, expiringSoon: number } };

export type WatchExports_ExportFragment = { id: string, resource: ExportResource, status: ExportStatus, processedRows: number, estimatedRowCount: number | null, rowCount: number | null, fileSizeBytes: number | null, downloadUrl: string | null, error: string | null };

export type WatchExportsPageQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type WatchExportsPageQuery = { exports: { edges: Array<{ node: { id: string, resource: ExportResource, status: ExportStatus, processedRows: number, estimatedRowCount: number | null, rowCount: number | null, fileSizeBytes: number | null, downloadUrl: string | null, error: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type WatchExportsProgressSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type WatchExportsProgressSubscription = { exportProgress: { id: string, resource: ExportResource, status: ExportStatus, processedRows: number, estimatedRowCount: number | null, rowCount: number | null, fileSizeBytes: number | null, downloadUrl: string | null, error: string | null } };

export type KeyringClientTestQueryVariables = Exact<{ [key: string]: never; }>;


export type KeyringClientTestQuery = { apiKeyHealth: { total: number } };

export const ExportAndWait_ExportFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExportAndWait_export"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Export"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processedRows"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedRowCount"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"fileSizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<ExportAndWait_ExportFragment, unknown>;
export const WatchExports_ExportFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WatchExports_export"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Export"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processedRows"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedRowCount"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"fileSizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<WatchExports_ExportFragment, unknown>;
export const ExportAndWaitCreateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ExportAndWaitCreate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateExportInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createExport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ExportAndWait_export"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExportAndWait_export"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Export"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processedRows"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedRowCount"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"fileSizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<ExportAndWaitCreateMutation, ExportAndWaitCreateMutationVariables>;
export const ExportAndWaitProgressDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ExportAndWaitProgress"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"exportProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ExportAndWait_export"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExportAndWait_export"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Export"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processedRows"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedRowCount"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"fileSizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<ExportAndWaitProgressSubscription, ExportAndWaitProgressSubscriptionVariables>;
export const KeyReportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"KeyReport"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"tokenStart"}},{"kind":"Field","name":{"kind":"Name","value":"permission"}},{"kind":"Field","name":{"kind":"Name","value":"domain"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"usageStatus"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"expiring"},"name":{"kind":"Name","value":"apiKeys"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"expiringSoon"},"value":{"kind":"BooleanValue","value":true}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"apiKeyHealth"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"neverUsed"}},{"kind":"Field","name":{"kind":"Name","value":"inactive"}},{"kind":"Field","name":{"kind":"Name","value":"fullAccess"}},{"kind":"Field","name":{"kind":"Name","value":"expiringSoon"}}]}}]}}]} as unknown as DocumentNode<KeyReportQuery, KeyReportQueryVariables>;
export const WatchExportsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WatchExportsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"exports"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"PROCESSING"}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WatchExports_export"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WatchExports_export"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Export"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processedRows"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedRowCount"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"fileSizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<WatchExportsPageQuery, WatchExportsPageQueryVariables>;
export const WatchExportsProgressDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WatchExportsProgress"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"exportProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WatchExports_export"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WatchExports_export"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Export"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processedRows"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedRowCount"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"fileSizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<WatchExportsProgressSubscription, WatchExportsProgressSubscriptionVariables>;
export const KeyringClientTestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"KeyringClientTest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiKeyHealth"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]} as unknown as DocumentNode<KeyringClientTestQuery, KeyringClientTestQueryVariables>;