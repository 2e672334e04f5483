import { Link, useLocation } from 'react-router';
import { blankFields, useFields } from '../../app/form';
import { sessionEnded } from '../../app/guards';
import { usePageTitle } from '../../app/page-title';
import { TextField } from '../../ui/TextField';
import { AuthCard, AuthForm } from './components/AuthCard';
import { useSignInMutation } from './hooks/useSignInMutation';

export function SignInPage() {
  usePageTitle('Sign in');
  const { signIn, loading, fieldErrors, formError, setFieldErrors } = useSignInMutation();
  const { values, field } = useFields({ email: '', password: '' }, fieldErrors);
  const ended = sessionEnded(useLocation().state);

  const onSubmit = async () => {
    const blank = blankFields(values, { email: 'Email is required.', password: 'Password is required.' });
    if (blank) return setFieldErrors(blank);
    // On success the session changes and the public layout redirects into the dashboard.
    await signIn({ email: values.email.trim(), password: values.password });
  };

  return (
    <AuthCard
      title="Sign in to Keyring"
      subtitle={ended ? <span role="status">Your session has ended. Sign in again to go back to where you were.</span> : undefined}
      footer={
        <>
          New to Keyring? <Link to="/sign-up">Create an account</Link>
        </>
      }
    >
      <AuthForm label="Sign in" submitLabel="Sign in" loading={loading} onSubmit={onSubmit} formError={formError}>
        <TextField label="Email" type="email" autoComplete="email" {...field('email')} autoFocus />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          hint={
            <Link to="/forgot-password" state={{ email: values.email.trim() }}>
              Forgot password?
            </Link>
          }
          {...field('password')}
        />
      </AuthForm>
    </AuthCard>
  );
}
