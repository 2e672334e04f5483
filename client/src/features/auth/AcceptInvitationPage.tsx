import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/TextField';
import { AuthCard, FormAlert } from './components/AuthCard';
import { useAcceptInvitationMutation } from './hooks/useAcceptInvitationMutation';

export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const { acceptInvitation, loading, fieldErrors, formError, setFieldErrors } = useAcceptInvitationMutation();
  const [password, setPassword] = useState('');

  if (!token) {
    return (
      <AuthCard title="Invitation link is incomplete" footer={<Link to="/sign-in">Go to sign in</Link>}>
        <p className="muted">
          This page needs the full link from your invitation email. Ask a team admin to send a new one.
        </p>
      </AuthCard>
    );
  }

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!password) {
      setFieldErrors({ password: 'Password is required.' });
      return;
    }
    if (await acceptInvitation({ token, password })) navigate('/api-keys', { replace: true });
  };

  return (
    <AuthCard
      title="Join your team on Keyring"
      subtitle="Choose a password to accept the invitation. If you already have a Keyring account with this email, enter its password."
    >
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Accept invitation">
        <FormAlert message={formError} />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint="At least 10 characters for a new account."
          error={fieldErrors.password}
          autoFocus
        />
        <Button type="submit" variant="primary" loading={loading} className="btn-block">
          Accept invitation
        </Button>
      </form>
    </AuthCard>
  );
}
