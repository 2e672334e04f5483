import { useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import type { FieldErrors } from '../../app/errors';
import { graphql } from '../../gql';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/TextField';
import { AuthCard } from './components/AuthCard';
import { useSignUpMutation } from './hooks/useSignUpMutation';

const PASSWORD_MIN = 10;

export const SignUpAllowedQuery = graphql(`
  query SignUpAllowed {
    signUpAllowed
  }
`);

type Values = { email: string; password: string; teamName: string };

function validate(v: Values): FieldErrors<keyof Values> | null {
  const errors: FieldErrors<keyof Values> = {};
  if (!v.email.trim()) errors.email = 'Email is required.';
  if (v.password.length < PASSWORD_MIN) errors.password = `Password must be at least ${PASSWORD_MIN} characters.`;
  if (!v.teamName.trim()) errors.teamName = 'Team name is required.';
  return Object.keys(errors).length ? errors : null;
}

export function SignUpPage() {
  // The form shows while this loads (or fails): the server refuses a closed sign-up anyway.
  const allowed = useQuery(SignUpAllowedQuery, { fetchPolicy: 'network-only' });
  const { signUp, loading, fieldErrors, setFieldErrors } = useSignUpMutation();
  const [values, setValues] = useState<Values>({ email: '', password: '', teamName: '' });
  const set = (key: keyof Values) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: e.target.value }));

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const problems = validate(values);
    if (problems) {
      setFieldErrors(problems);
      return;
    }
    await signUp({ email: values.email.trim(), password: values.password, teamName: values.teamName.trim() });
  };

  if (allowed.data?.signUpAllowed === false) {
    return (
      <AuthCard
        title="Sign-up is closed"
        subtitle="This Keyring server does not take new sign-ups. Ask an admin of your team for an invitation: it comes by email with a link to join."
        footer={
          <>
            Already have an account? <Link to="/sign-in">Sign in</Link>
          </>
        }
      >
        {null}
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Create your Keyring account"
      subtitle="A team is created for you; invite the others once you are in."
      footer={
        <>
          Already have an account? <Link to="/sign-in">Sign in</Link>
        </>
      }
    >
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Create account">
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          value={values.email}
          onChange={set('email')}
          error={fieldErrors.email}
          autoFocus
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          value={values.password}
          onChange={set('password')}
          hint={`At least ${PASSWORD_MIN} characters.`}
          error={fieldErrors.password}
        />
        <TextField
          label="Team name"
          name="teamName"
          autoComplete="organization"
          value={values.teamName}
          onChange={set('teamName')}
          error={fieldErrors.teamName}
        />
        <Button type="submit" variant="primary" loading={loading} className="btn-block">
          Create account
        </Button>
      </form>
    </AuthCard>
  );
}
