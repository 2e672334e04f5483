import { useState } from 'react';
import { useIsAdmin } from '../../../app/session';
import { Button } from '../../../ui/Button';
import { DownloadIcon } from '../../../ui/icons';
import type { ExportFilterLabel, ExportInput } from '../filters';
import { ExportDialog } from './ExportDialog';

export type ExportButtonProps = {
  /** The resource and the page's current filter, as its list query takes it. */
  input: ExportInput;
  /** The same filters in words, shown in the confirmation; empty when nothing is filtered. */
  filterLabels: readonly ExportFilterLabel[];
};

/**
 * "Export" for a resource page, with the page's current filters. Admins only: renders nothing for
 * members, who may neither create nor download exports.
 */
export function ExportButton({ input, filterLabels }: ExportButtonProps) {
  const isAdmin = useIsAdmin();
  const [open, setOpen] = useState(false);
  if (!isAdmin) return null;
  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <DownloadIcon />
        Export
      </Button>
      <ExportDialog open={open} onOpenChange={setOpen} input={input} filterLabels={filterLabels} />
    </>
  );
}
