import { type FormEvent, type ReactNode, useEffect, useId } from 'react';
import { useBlocker } from 'react-router';
import { Button } from './Button';
import { ConfirmDialog } from './ConfirmDialog';
import { Dialog, DialogClose, type DialogProps } from './Dialog';
import { useFocusOnError } from './focus-on-error';
import { useHoldForm, useHoldSecret } from './secret-shown';

/**
 * A dialog that holds one form: Cancel and the submit button in its footer, the form's fields in
 * its body (after `intro`, if any). The browser does not validate: `onSubmit` checks and sends.
 * A click outside leaves it open, so a stray click does not throw away what was typed.
 */
export function FormDialog({
  submitLabel,
  loading,
  onSubmit,
  formLabel,
  intro,
  children,
  ...dialog
}: Omit<DialogProps, 'footer' | 'trigger'> & {
  submitLabel: string;
  loading?: boolean;
  onSubmit: () => void;
  /** The form's accessible name; the dialog's title when left out (needed when the title holds elements). */
  formLabel?: string;
  /** Shown above the form, e.g. a notice. */
  intro?: ReactNode;
  children: ReactNode;
}) {
  const formId = useId();
  const focus = useFocusOnError();
  // A session ending meanwhile asks to sign in again over the form instead of taking it away.
  useHoldForm(Boolean(dialog.open));
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    focus.submitted();
    onSubmit();
  };
  return (
    <Dialog
      dismiss="escape"
      {...dialog}
      footer={
        <>
          <DialogClose>
            <Button>Cancel</Button>
          </DialogClose>
          <Button type="submit" form={formId} variant="primary" loading={loading}>
            {submitLabel}
          </Button>
        </>
      }
    >
      {intro}
      <form
        ref={focus.ref}
        id={formId}
        className="form"
        onSubmit={submit}
        noValidate
        aria-label={formLabel ?? (typeof dialog.title === 'string' ? dialog.title : undefined)}
      >
        {children}
      </form>
    </Dialog>
  );
}

/** What leaving a DoneDialog by a navigation loses, asked before it happens. */
export type LeaveWarning = { title: string; description: ReactNode };

/**
 * A dialog that shows what an action made (a token, a link) until Done (or Close) closes it: not
 * Escape nor a click outside, since what it shows is never shown again. Leaving the page while it
 * is open asks first: browser Back or a link (`leave`, in the app's own dialog: Stay or Leave),
 * a reload, closing the tab or another site (the browser's own prompt).
 */
export function DoneDialog({ leave, ...dialog }: Omit<DialogProps, 'footer' | 'trigger' | 'dismiss'> & { leave: LeaveWarning }) {
  const guarding = dialog.open !== false;
  // A session ending meanwhile does not take the page (and the secret) to sign-in before Done.
  useHoldSecret(guarding);
  // Another page would unmount the dialog and its secret; the same page with another query keeps it.
  const blocker = useBlocker(({ currentLocation, nextLocation }) => guarding && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!guarding) return;
    const ask = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Chromium before 119 and Safari ask only when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [guarding]);
  return (
    <>
      <Dialog
        {...dialog}
        dismiss="buttons"
        footer={
          <DialogClose>
            <Button variant="primary">Done</Button>
          </DialogClose>
        }
      />
      <ConfirmDialog
        open={blocker.state === 'blocked'}
        onOpenChange={(open) => {
          if (!open && blocker.state === 'blocked') blocker.reset();
        }}
        title={leave.title}
        description={leave.description}
        cancelLabel="Stay"
        confirmLabel="Leave"
        onConfirm={() => {
          if (blocker.state !== 'blocked') return;
          blocker.proceed();
          dialog.onOpenChange?.(false);
        }}
      />
    </>
  );
}
