/** An export as the server answers it, for MockedProvider results. */
export const anExport = (id: string, overrides: Record<string, unknown> = {}) => ({
  __typename: 'Export',
  id,
  resource: 'LOGS',
  status: 'READY',
  filters: {},
  rowCount: 4,
  estimatedRowCount: 4,
  processedRows: 4,
  createdAt: new Date(Date.now() - 2 * 60_000).toISOString(),
  // A minute over 7 days, so that the seconds a slow run takes still read "in 7 days".
  expiresAt: new Date(Date.now() + 7 * 86_400_000 + 60_000).toISOString(),
  createdBy: { __typename: 'User', id: 'u-1', email: 'ada@example.com' },
  completedAt: new Date(Date.now() - 2 * 60_000).toISOString(),
  downloadUrl: `http://keyring.test/api/exports/${id}/download`,
  streamUrl: `http://keyring.test/api/exports/${id}/download`,
  error: null,
  fileSizeBytes: 512,
  ...overrides,
});
