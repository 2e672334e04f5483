import type { ReactNode } from 'react';
import { Button } from './Button';
import { Dialog, DialogClose } from './Dialog';

export type ConfirmDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: string;
  /** The dismiss button's label (default Cancel). */
  cancelLabel?: string;
  onConfirm: () => void;
  loading?: boolean;
  destructive?: boolean;
  /** No confirm button: the dialog only explains why the action cannot be done (yet). */
  blocked?: boolean;
};

export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  confirmLabel,
  cancelLabel = 'Cancel',
  onConfirm,
  loading,
  destructive = true,
  blocked = false,
}: ConfirmDialogProps) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={title}
      description={description}
      size="sm"
      footer={
        <>
          <DialogClose>
            <Button>{blocked ? 'Close' : cancelLabel}</Button>
          </DialogClose>
          {!blocked && (
            <Button variant={destructive ? 'danger' : 'primary'} loading={loading} onClick={onConfirm}>
              {confirmLabel}
            </Button>
          )}
        </>
      }
    />
  );
}
