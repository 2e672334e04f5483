import { useState } from 'react';
import { useIsAdmin } from '../../../app/session';
import type { ExportResource } from '../../../gql/graphql';
import { Button } from '../../../ui/Button';
import { DownloadIcon } from '../../../ui/icons';
import type { ExportFilterLabel, ExportFilters } from '../filters';
import { ExportDialog } from './ExportDialog';

export type ExportButtonProps = {
  resource: ExportResource;
  /** The page's current filters, as `createExport` takes them: `{ from, to, status, apiKeyId, permission… }` (ISO dates). */
  filters: ExportFilters;
  /** The same filters in words, shown in the confirmation; empty when nothing is filtered. */
  filterLabels: readonly ExportFilterLabel[];
};

/**
 * "Export" for a resource page, with the page's current filters. Admins only: renders nothing for
 * members, who may neither create nor download exports.
 */
export function ExportButton({ resource, filters, filterLabels }: ExportButtonProps) {
  const isAdmin = useIsAdmin();
  const [open, setOpen] = useState(false);
  if (!isAdmin) return null;
  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <DownloadIcon />
        Export
      </Button>
      <ExportDialog open={open} onOpenChange={setOpen} resource={resource} filters={filters} filterLabels={filterLabels} />
    </>
  );
}
