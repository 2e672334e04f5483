import type { FormEvent, ReactNode } from 'react';
import { Button } from '../../../ui/Button';
import { useFocusOnError } from '../../../ui/focus-on-error';
import { Logo } from '../../../ui/Logo';

export function AuthCard({ title, subtitle, children, footer }: { title: ReactNode; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth-card">
        <Logo />
        <h1 className="auth-title">{title}</h1>
        {subtitle && <p className="auth-subtitle">{subtitle}</p>}
        {children}
      </div>
      {footer && <p className="auth-footer">{footer}</p>}
    </main>
  );
}

/** A form's error that is about no one field; focusable, so a failed submit can move focus to it. */
export function FormAlert({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p className="form-alert" role="alert" tabIndex={-1}>
      {message}
    </p>
  );
}

/** An auth page's form: its alert (if any), its fields and one wide submit button. */
export function AuthForm({
  label,
  submitLabel,
  loading,
  onSubmit,
  formError,
  children,
}: {
  label: string;
  submitLabel: string;
  loading: boolean;
  onSubmit: () => void;
  formError?: string;
  children: ReactNode;
}) {
  const focus = useFocusOnError();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    focus.submitted();
    onSubmit();
  };
  return (
    <form ref={focus.ref} className="form" onSubmit={submit} noValidate aria-label={label}>
      <FormAlert message={formError} />
      {children}
      <Button type="submit" variant="primary" loading={loading} className="btn-block">
        {submitLabel}
      </Button>
    </form>
  );
}
