import { graphql } from '../../gql';

export const ExportRowFragment = graphql(`
  fragment ExportsTable_export on Export {
    id
    resource
    status
    filters
    rowCount
    estimatedRowCount
    processedRows
    createdAt
    expiresAt
    createdBy {
      id
      email
    }
  }
`);

export const ExportDetailFragment = graphql(`
  fragment ExportDetail_export on Export {
    ...ExportsTable_export
    completedAt
    downloadUrl
    streamUrl
    error
    fileSizeBytes
  }
`);

export const ExportsPageQuery = graphql(`
  query ExportsPage($first: Int, $after: String) {
    exports(first: $first, after: $after) {
      edges {
        cursor
        node {
          ...ExportsTable_export
        }
      }
      pageInfo {
        ...CursorList_pageInfo
      }
    }
  }
`);

export const ExportDetailQuery = graphql(`
  query ExportDetail($id: ID!) {
    export(id: $id) {
      ...ExportDetail_export
    }
  }
`);

/** Emits as the export's rows are written, then once when it is READY or FAILED. */
export const ExportProgressSubscription = graphql(`
  subscription ExportProgress($id: ID!) {
    exportProgress(id: $id) {
      ...ExportDetail_export
    }
  }
`);
