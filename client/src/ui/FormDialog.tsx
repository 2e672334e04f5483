import { type FormEvent, type ReactNode, useId } from 'react';
import { Button } from './Button';
import { Dialog, DialogClose, type DialogProps } from './Dialog';
import { useFocusOnError } from './focus-on-error';

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
  /** The form's accessible name; the dialog's title when left out. */
  formLabel?: string;
  /** Shown above the form, e.g. a notice. */
  intro?: ReactNode;
  children: ReactNode;
}) {
  const formId = useId();
  const focus = useFocusOnError();
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
      <form ref={focus.ref} id={formId} className="form" onSubmit={submit} noValidate aria-label={formLabel ?? dialog.title}>
        {children}
      </form>
    </Dialog>
  );
}

/**
 * A dialog that shows what an action made (a token, a link) until Done (or Close) closes it: not
 * Escape nor a click outside, since what it shows is never shown again.
 */
export function DoneDialog(dialog: Omit<DialogProps, 'footer' | 'trigger' | 'dismiss'>) {
  return (
    <Dialog
      {...dialog}
      dismiss="buttons"
      footer={
        <DialogClose>
          <Button variant="primary">Done</Button>
        </DialogClose>
      }
    />
  );
}
