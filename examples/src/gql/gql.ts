/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment ExportAndWait_export on Export {\n    id\n    resource\n    status\n    processedRows\n    estimatedRowCount\n    rowCount\n    fileSizeBytes\n    downloadUrl\n    error\n  }\n": typeof types.ExportAndWait_ExportFragmentDoc,
    "\n  mutation ExportAndWaitCreate($input: CreateExportInput!) {\n    createExport(input: $input) {\n      ...ExportAndWait_export\n    }\n  }\n": typeof types.ExportAndWaitCreateDocument,
    "\n  subscription ExportAndWaitProgress($id: ID!) {\n    exportProgress(id: $id) {\n      ...ExportAndWait_export\n    }\n  }\n": typeof types.ExportAndWaitProgressDocument,
    "\n  query KeyReport {\n    apiKeys {\n      id\n      name\n      tokenStart\n      permission\n      domain {\n        name\n      }\n      usageStatus\n      lastUsedAt\n      requestCount\n      expiresAt\n    }\n    expiring: apiKeys(filter: { expiringSoon: true }) {\n      id\n    }\n    apiKeyHealth {\n      total\n      neverUsed\n      inactive\n      fullAccess\n      expiringSoon\n    }\n  }\n": typeof types.KeyReportDocument,
    "\n  fragment WatchExports_export on Export {\n    id\n    resource\n    status\n    processedRows\n    estimatedRowCount\n    rowCount\n    fileSizeBytes\n    downloadUrl\n    error\n  }\n": typeof types.WatchExports_ExportFragmentDoc,
    "\n  query WatchExportsPage($after: String) {\n    exports(filter: { status: PROCESSING }, first: 100, after: $after) {\n      edges {\n        node {\n          ...WatchExports_export\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.WatchExportsPageDocument,
    "\n  subscription WatchExportsProgress($id: ID!) {\n    exportProgress(id: $id) {\n      ...WatchExports_export\n    }\n  }\n": typeof types.WatchExportsProgressDocument,
    "\n  query KeyringClientTest {\n    apiKeyHealth {\n      total\n    }\n  }\n": typeof types.KeyringClientTestDocument,
};
const documents: Documents = {
    "\n  fragment ExportAndWait_export on Export {\n    id\n    resource\n    status\n    processedRows\n    estimatedRowCount\n    rowCount\n    fileSizeBytes\n    downloadUrl\n    error\n  }\n": types.ExportAndWait_ExportFragmentDoc,
    "\n  mutation ExportAndWaitCreate($input: CreateExportInput!) {\n    createExport(input: $input) {\n      ...ExportAndWait_export\n    }\n  }\n": types.ExportAndWaitCreateDocument,
    "\n  subscription ExportAndWaitProgress($id: ID!) {\n    exportProgress(id: $id) {\n      ...ExportAndWait_export\n    }\n  }\n": types.ExportAndWaitProgressDocument,
    "\n  query KeyReport {\n    apiKeys {\n      id\n      name\n      tokenStart\n      permission\n      domain {\n        name\n      }\n      usageStatus\n      lastUsedAt\n      requestCount\n      expiresAt\n    }\n    expiring: apiKeys(filter: { expiringSoon: true }) {\n      id\n    }\n    apiKeyHealth {\n      total\n      neverUsed\n      inactive\n      fullAccess\n      expiringSoon\n    }\n  }\n": types.KeyReportDocument,
    "\n  fragment WatchExports_export on Export {\n    id\n    resource\n    status\n    processedRows\n    estimatedRowCount\n    rowCount\n    fileSizeBytes\n    downloadUrl\n    error\n  }\n": types.WatchExports_ExportFragmentDoc,
    "\n  query WatchExportsPage($after: String) {\n    exports(filter: { status: PROCESSING }, first: 100, after: $after) {\n      edges {\n        node {\n          ...WatchExports_export\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.WatchExportsPageDocument,
    "\n  subscription WatchExportsProgress($id: ID!) {\n    exportProgress(id: $id) {\n      ...WatchExports_export\n    }\n  }\n": types.WatchExportsProgressDocument,
    "\n  query KeyringClientTest {\n    apiKeyHealth {\n      total\n    }\n  }\n": types.KeyringClientTestDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ExportAndWait_export on Export {\n    id\n    resource\n    status\n    processedRows\n    estimatedRowCount\n    rowCount\n    fileSizeBytes\n    downloadUrl\n    error\n  }\n"): (typeof documents)["\n  fragment ExportAndWait_export on Export {\n    id\n    resource\n    status\n    processedRows\n    estimatedRowCount\n    rowCount\n    fileSizeBytes\n    downloadUrl\n    error\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ExportAndWaitCreate($input: CreateExportInput!) {\n    createExport(input: $input) {\n      ...ExportAndWait_export\n    }\n  }\n"): (typeof documents)["\n  mutation ExportAndWaitCreate($input: CreateExportInput!) {\n    createExport(input: $input) {\n      ...ExportAndWait_export\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ExportAndWaitProgress($id: ID!) {\n    exportProgress(id: $id) {\n      ...ExportAndWait_export\n    }\n  }\n"): (typeof documents)["\n  subscription ExportAndWaitProgress($id: ID!) {\n    exportProgress(id: $id) {\n      ...ExportAndWait_export\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyReport {\n    apiKeys {\n      id\n      name\n      tokenStart\n      permission\n      domain {\n        name\n      }\n      usageStatus\n      lastUsedAt\n      requestCount\n      expiresAt\n    }\n    expiring: apiKeys(filter: { expiringSoon: true }) {\n      id\n    }\n    apiKeyHealth {\n      total\n      neverUsed\n      inactive\n      fullAccess\n      expiringSoon\n    }\n  }\n"): (typeof documents)["\n  query KeyReport {\n    apiKeys {\n      id\n      name\n      tokenStart\n      permission\n      domain {\n        name\n      }\n      usageStatus\n      lastUsedAt\n      requestCount\n      expiresAt\n    }\n    expiring: apiKeys(filter: { expiringSoon: true }) {\n      id\n    }\n    apiKeyHealth {\n      total\n      neverUsed\n      inactive\n      fullAccess\n      expiringSoon\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WatchExports_export on Export {\n    id\n    resource\n    status\n    processedRows\n    estimatedRowCount\n    rowCount\n    fileSizeBytes\n    downloadUrl\n    error\n  }\n"): (typeof documents)["\n  fragment WatchExports_export on Export {\n    id\n    resource\n    status\n    processedRows\n    estimatedRowCount\n    rowCount\n    fileSizeBytes\n    downloadUrl\n    error\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WatchExportsPage($after: String) {\n    exports(filter: { status: PROCESSING }, first: 100, after: $after) {\n      edges {\n        node {\n          ...WatchExports_export\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query WatchExportsPage($after: String) {\n    exports(filter: { status: PROCESSING }, first: 100, after: $after) {\n      edges {\n        node {\n          ...WatchExports_export\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WatchExportsProgress($id: ID!) {\n    exportProgress(id: $id) {\n      ...WatchExports_export\n    }\n  }\n"): (typeof documents)["\n  subscription WatchExportsProgress($id: ID!) {\n    exportProgress(id: $id) {\n      ...WatchExports_export\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyringClientTest {\n    apiKeyHealth {\n      total\n    }\n  }\n"): (typeof documents)["\n  query KeyringClientTest {\n    apiKeyHealth {\n      total\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;