import { useQuery } from '@apollo/client/react';
import { useNavigate } from 'react-router';
import { queryErrorMessage } from '../../../app/errors';
import { useMailRelay } from '../../../app/mail-relay';
import { useThresholds } from '../../../app/session';
import { graphql } from '../../../gql';
import { Button } from '../../../ui/Button';
import { Dialog, DialogClose } from '../../../ui/Dialog';
import { toast } from '../../../ui/toast';
import { startDownload } from '../download';
import type { ExportFilterLabel, ExportInput } from '../filters';
import { useCreateExportMutation } from '../hooks/useCreateExportMutation';
import { RESOURCES } from '../resources';
import { formatEstimate } from './ExportsTable';
import { UserText } from '../../../ui/UserText';

export type ExportDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  input: ExportInput;
  filterLabels: readonly ExportFilterLabel[];
};

export const ExportEstimateQuery = graphql(`
  query ExportEstimate($input: CreateExportInput!) {
    exportEstimate(input: $input) {
      rowCount
      exact
    }
  }
`);

const rows = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;

/** Confirms what will be exported, then downloads a small export at once or follows a large one. */
export function ExportDialog({ open, onOpenChange, input, filterLabels }: ExportDialogProps) {
  const { createExport, loading, filterErrors, clearErrors } = useCreateExportMutation();
  const navigate = useNavigate();
  const { title, noun } = RESOURCES[input.resource];
  const { exportInlineMaxRows } = useThresholds();
  const relay = useMailRelay();
  // The rows it would hold, shown before confirming; asked afresh each time the dialog opens.
  const estimate = useQuery(ExportEstimateQuery, { variables: { input }, skip: !open, fetchPolicy: 'network-only' });
  const count = estimate.data?.exportEstimate;

  const close = (next: boolean) => {
    if (!next) clearErrors();
    onOpenChange(next);
  };

  const onConfirm = async () => {
    const exp = await createExport(input);
    if (!exp) return;
    close(false);
    if (exp.status === 'READY' && exp.downloadUrl) {
      startDownload(exp.downloadUrl);
      toast.success(`Exported ${rows(exp.rowCount ?? 0)}. Your download has started.`);
    } else {
      if (exp.status === 'PROCESSING') {
        const total = exp.rowCount != null ? rows(exp.rowCount) : `${formatEstimate(exp.estimatedRowCount ?? 0, exportInlineMaxRows)} rows`;
        const href = `/exports/${encodeURIComponent(exp.id)}`;
        // The toast names where the file will be: without a relay, no email ever says so.
        toast.success(
          relay === false
            ? `Preparing ${total}. The file will be on its page when ready.`
            : `Preparing ${total}. We will email you a link when the file is ready.`,
          { action: { label: 'Open export', onClick: () => navigate(href) } },
        );
      }
      navigate(`/exports/${exp.id}`);
    }
  };

  // Errors about a filter the dialog does not list (or about all of them) still belong here.
  const shown = new Set(filterLabels.map((l) => l.filter));
  const otherErrors = Object.entries(filterErrors).filter(([filter]) => !shown.has(filter));

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title={`Export ${noun}`}
      description={
        <>
          A CSV file of the {noun} that match these filters. Up to {exportInlineMaxRows.toLocaleString('en-US')} rows download at once; a larger export is
          prepared in the background, {relay === false ? 'and the file will be on its page when it is ready.' : 'and we email you a link when it is ready.'}
        </>
      }
      footer={
        <>
          <DialogClose>
            <Button>Cancel</Button>
          </DialogClose>
          <Button variant="primary" loading={loading} onClick={onConfirm}>
            Export
          </Button>
        </>
      }
    >
      <dl className="details" aria-label="What will be exported">
        <div className="details-row">
          <dt>Resource</dt>
          <dd>{title}</dd>
        </div>
        {filterLabels.length === 0 && (
          <div className="details-row">
            <dt>Filters</dt>
            <dd>None: every one of your team's {noun}</dd>
          </div>
        )}
        {filterLabels.map((l) => (
          <div className="details-row" key={l.filter}>
            <dt>{l.label}</dt>
            <dd>
              <UserText>{l.value}</UserText>
              {filterErrors[l.filter] && <p className="field-error">{filterErrors[l.filter]}</p>}
            </dd>
          </div>
        ))}
      </dl>
      <p className="muted export-estimate" aria-live="polite">
        {count
          ? `This export holds ${count.exact ? rows(count.rowCount) : `${formatEstimate(count.rowCount, exportInlineMaxRows)} rows`}.`
          : estimate.loading
            ? 'Counting the rows…'
            : // A failed count said nothing at all; the export itself may still work.
              estimate.error
              ? `The rows could not be counted: ${queryErrorMessage(estimate.error)}`
              : null}
      </p>
      {otherErrors.length > 0 && (
        <div className="form-alert" role="alert">
          {otherErrors.map(([filter, message]) => (
            <p key={filter}>{message}</p>
          ))}
        </div>
      )}
    </Dialog>
  );
}
