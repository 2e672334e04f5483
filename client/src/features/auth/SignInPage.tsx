import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/TextField';
import { AuthCard, FormAlert } from './components/AuthCard';
import { useSignInMutation } from './hooks/useSignInMutation';

export function SignInPage() {
  const { signIn, loading, fieldErrors, formError, setFieldErrors } = useSignInMutation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!email.trim() || !password) {
      setFieldErrors({
        email: email.trim() ? undefined : 'Email is required.',
        password: password ? undefined : 'Password is required.',
      });
      return;
    }
    // On success the session changes and the public layout redirects into the dashboard.
    await signIn({ email: email.trim(), password });
  };

  return (
    <AuthCard
      title="Sign in to Keyring"
      footer={
        <>
          New to Keyring? <Link to="/sign-up">Create an account</Link>
        </>
      }
    >
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Sign in">
        <FormAlert message={formError} />
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldErrors.email}
          autoFocus
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldErrors.password}
        />
        <Button type="submit" variant="primary" loading={loading} className="btn-block">
          Sign in
        </Button>
      </form>
    </AuthCard>
  );
}
