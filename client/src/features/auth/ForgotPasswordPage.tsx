import { useState } from 'react';
import { Link, useLocation } from 'react-router';
import { blankFields, useFields } from '../../app/form';
import { usePageTitle } from '../../app/page-title';
import { TextField } from '../../ui/TextField';
import { AuthCard, AuthForm } from './components/AuthCard';
import { useRequestPasswordResetMutation } from './hooks/useRequestPasswordResetMutation';

const BACK_TO_SIGN_IN = <Link to="/sign-in">Back to sign in</Link>;

export function ForgotPasswordPage() {
  usePageTitle('Forgot password');
  const { request, loading, fieldErrors, formError, setFieldErrors } = useRequestPasswordResetMutation();
  // The address typed on the sign-in page, if any, to start from.
  const state: unknown = useLocation().state;
  const typed = state && typeof state === 'object' && 'email' in state && typeof state.email === 'string' ? state.email : '';
  const { values, field } = useFields({ email: typed }, fieldErrors);
  const [sentTo, setSentTo] = useState<string>();

  const onSubmit = async () => {
    const blank = blankFields(values, { email: 'Email is required.' });
    if (blank) return setFieldErrors(blank);
    const email = values.email.trim();
    if (await request(email)) setSentTo(email);
  };

  if (sentTo) {
    return (
      <AuthCard title="Check your email" footer={BACK_TO_SIGN_IN}>
        <p role="status">
          If an account exists for <strong>{sentTo}</strong>, we sent a link to reset its password. The link works once and expires in 1 hour.
        </p>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Reset your password"
      subtitle="Enter the email you sign in with and we will send you a link to choose a new password."
      footer={BACK_TO_SIGN_IN}
    >
      <AuthForm label="Reset password" submitLabel="Send reset link" loading={loading} onSubmit={onSubmit} formError={formError}>
        <TextField label="Email" type="email" autoComplete="email" {...field('email')} autoFocus />
      </AuthForm>
    </AuthCard>
  );
}
