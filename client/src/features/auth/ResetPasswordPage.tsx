import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useFields } from '../../app/form';
import { usePageTitle } from '../../app/page-title';
import { textFromUrl } from '../../app/url-filters';
import { TextField } from '../../ui/TextField';
import { AuthCard, AuthForm } from './components/AuthCard';
import { useResetPasswordMutation } from './hooks/useResetPasswordMutation';

const PASSWORD_MIN = 10;

const NEW_LINK = (
  <>
    Link not working? <Link to="/forgot-password">Ask for a new one</Link>
  </>
);

export function ResetPasswordPage() {
  usePageTitle('Choose a new password');
  const [params] = useSearchParams();
  const token = textFromUrl(params.get('token') ?? '');
  const navigate = useNavigate();
  const { reset, loading, fieldErrors, formError, setFieldErrors } = useResetPasswordMutation();
  const { values, field } = useFields({ password: '' }, fieldErrors);
  const [noTeam, setNoTeam] = useState(false);

  if (!token) {
    return (
      <AuthCard title="Reset link is incomplete" footer={<Link to="/sign-in">Go to sign in</Link>}>
        <p className="muted">
          This page needs the full link from your password reset email. <Link to="/forgot-password">Ask for a new link</Link>.
        </p>
      </AuthCard>
    );
  }

  if (noTeam) {
    return (
      <AuthCard title="Your password is changed" footer={<Link to="/sign-in">Go to sign in</Link>}>
        <p className="muted">Your account is no longer a member of any team, so there is nowhere to sign in to: ask a team admin to invite you again.</p>
      </AuthCard>
    );
  }

  const onSubmit = async () => {
    // Characters as the server counts them: code points, not UTF-16 units.
    if ([...values.password].length < PASSWORD_MIN) return setFieldErrors({ password: `Password must be at least ${PASSWORD_MIN} characters.` });
    const outcome = await reset({ token, password: values.password });
    if (outcome === 'signed-in') navigate('/api-keys', { replace: true });
    else if (outcome === 'no-team') setNoTeam(true);
  };

  return (
    <AuthCard title="Choose a new password" subtitle="Every session of your account is signed out, and you are signed in here." footer={NEW_LINK}>
      <AuthForm label="Choose a new password" submitLabel="Set new password" loading={loading} onSubmit={onSubmit} formError={formError}>
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN} characters.`}
          {...field('password')}
          autoFocus
        />
      </AuthForm>
    </AuthCard>
  );
}
