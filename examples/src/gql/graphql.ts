/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** An export to create */
export type CreateExportInput = {
  /** The filters of the resource page: from, to, status, apiKeyId, statusCode, permission… */
  filters?: unknown;
  /** What to export */
  resource: ExportResource;
};

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

/** What an API key may do */
export type Permission =
  /** Create, delete, get and update any resource */
  | 'FULL_ACCESS'
  /** Only send emails, optionally only from one domain */
  | 'SENDING_ACCESS';

/** Whether an API key is in use, from its last request */
export type UsageStatus =
  /** Used within the last 30 days */
  | 'ACTIVE'
  /** Not used for 30 days or more */
  | 'INACTIVE'
  /** No request has been made with the key yet */
  | 'NEVER_USED';

export type ExportAndWait_ExportFragment = { id: string, resource: ExportResource, status: ExportStatus, processedRows: number, estimatedRowCount: number | null, rowCount: number | null, fileSize: number | null, downloadUrl: string | null, error: string | null };

export type ExportAndWaitCreateMutationVariables = Exact<{
  input: CreateExportInput;
}>;


export type ExportAndWaitCreateMutation = { createExport: { id: string, resource: ExportResource, status: ExportStatus, processedRows: number, estimatedRowCount: number | null, rowCount: number | null, fileSize: number | null, downloadUrl: string | null, error: string | null } };

export type ExportAndWaitProgressSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type ExportAndWaitProgressSubscription = { exportProgress: { id: string, resource: ExportResource, status: ExportStatus, processedRows: number, estimatedRowCount: number | null, rowCount: number | null, fileSize: number | null, downloadUrl: string | null, error: string | null } };

export type KeyReportQueryVariables = Exact<{ [key: string]: never; }>;


export type KeyReportQuery = { apiKeys: Array<{ id: string, name: string, tokenStart: string, permission: Permission, usageStatus: UsageStatus, lastUsedAt: string | null, requestCount: number, expiresAt: string | null, domain: { name: string } | null }>, expiring: Array<{ id: string }>, apiKeyHealth: { total: number, neverUsed: number, inactive: number, fullAccess: number, expiringSoon: number } };

export type WatchExports_ExportFragment = { id: string, resource: ExportResource, status: ExportStatus, processedRows: number, estimatedRowCount: number | null, rowCount: number | null, fileSize: number | null, downloadUrl: string | null, error: string | null };

export type WatchExportsPageQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type WatchExportsPageQuery = { exports: { edges: Array<{ node: { id: string, resource: ExportResource, status: ExportStatus, processedRows: number, estimatedRowCount: number | null, rowCount: number | null, fileSize: number | null, downloadUrl: string | null, error: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type WatchExportsProgressSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type WatchExportsProgressSubscription = { exportProgress: { id: string, resource: ExportResource, status: ExportStatus, processedRows: number, estimatedRowCount: number | null, rowCount: number | null, fileSize: number | null, downloadUrl: string | null, error: string | null } };

export type KeyringClientTestQueryVariables = Exact<{ [key: string]: never; }>;


export type KeyringClientTestQuery = { apiKeyHealth: { total: number } };

export const ExportAndWait_ExportFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExportAndWait_export"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Export"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processedRows"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedRowCount"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<ExportAndWait_ExportFragment, unknown>;
export const WatchExports_ExportFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WatchExports_export"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Export"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processedRows"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedRowCount"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<WatchExports_ExportFragment, unknown>;
export const ExportAndWaitCreateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ExportAndWaitCreate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateExportInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createExport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ExportAndWait_export"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExportAndWait_export"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Export"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processedRows"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedRowCount"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<ExportAndWaitCreateMutation, ExportAndWaitCreateMutationVariables>;
export const ExportAndWaitProgressDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ExportAndWaitProgress"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"exportProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ExportAndWait_export"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExportAndWait_export"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Export"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processedRows"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedRowCount"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<ExportAndWaitProgressSubscription, ExportAndWaitProgressSubscriptionVariables>;
export const KeyReportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"KeyReport"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"tokenStart"}},{"kind":"Field","name":{"kind":"Name","value":"permission"}},{"kind":"Field","name":{"kind":"Name","value":"domain"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"usageStatus"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestCount"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"expiring"},"name":{"kind":"Name","value":"apiKeys"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"expiringSoon"},"value":{"kind":"BooleanValue","value":true}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"apiKeyHealth"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"neverUsed"}},{"kind":"Field","name":{"kind":"Name","value":"inactive"}},{"kind":"Field","name":{"kind":"Name","value":"fullAccess"}},{"kind":"Field","name":{"kind":"Name","value":"expiringSoon"}}]}}]}}]} as unknown as DocumentNode<KeyReportQuery, KeyReportQueryVariables>;
export const WatchExportsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WatchExportsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"exports"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"PROCESSING"}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WatchExports_export"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WatchExports_export"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Export"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processedRows"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedRowCount"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<WatchExportsPageQuery, WatchExportsPageQueryVariables>;
export const WatchExportsProgressDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WatchExportsProgress"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"exportProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WatchExports_export"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WatchExports_export"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Export"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processedRows"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedRowCount"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<WatchExportsProgressSubscription, WatchExportsProgressSubscriptionVariables>;
export const KeyringClientTestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"KeyringClientTest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiKeyHealth"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]} as unknown as DocumentNode<KeyringClientTestQuery, KeyringClientTestQueryVariables>;