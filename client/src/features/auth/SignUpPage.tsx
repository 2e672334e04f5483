import { useQuery } from '@apollo/client/react';
import { Link } from 'react-router';
import { blankFields, useFields } from '../../app/form';
import { usePageTitle } from '../../app/page-title';
import { graphql } from '../../gql';
import { TextField } from '../../ui/TextField';
import { AuthCard, AuthForm } from './components/AuthCard';
import { useSignUpMutation } from './hooks/useSignUpMutation';

const PASSWORD_MIN = 10;

export const SignUpAllowedQuery = graphql(`
  query SignUpAllowed {
    signUpAllowed
  }
`);

const SIGN_IN_INSTEAD = (
  <>
    Already have an account? <Link to="/sign-in">Sign in</Link>
  </>
);

export function SignUpPage() {
  usePageTitle('Sign up');
  // The form shows while this loads (or fails): the server refuses a closed sign-up anyway.
  const allowed = useQuery(SignUpAllowedQuery, { fetchPolicy: 'network-only' });
  const { signUp, loading, fieldErrors, setFieldErrors } = useSignUpMutation();
  const { values, field } = useFields({ email: '', password: '', teamName: '' }, fieldErrors);

  const onSubmit = async () => {
    const problems = {
      ...blankFields(values, { email: 'Email is required.', teamName: 'Team name is required.' }),
      // Characters as the server counts them: code points, not UTF-16 units.
      ...([...values.password].length < PASSWORD_MIN ? { password: `Password must be at least ${PASSWORD_MIN} characters.` } : {}),
    };
    if (Object.keys(problems).length) return setFieldErrors(problems);
    await signUp({ email: values.email.trim(), password: values.password, teamName: values.teamName.trim() });
  };

  if (allowed.data?.signUpAllowed === false) {
    return (
      <AuthCard
        title="Sign-up is closed"
        subtitle="This Keyring server does not take new sign-ups. Ask an admin of your team for an invitation: it comes by email with a link to join."
        footer={SIGN_IN_INSTEAD}
      >
        {null}
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Create your Keyring account" subtitle="A team is created for you; invite the others once you are in." footer={SIGN_IN_INSTEAD}>
      <AuthForm label="Create account" submitLabel="Create account" loading={loading} onSubmit={onSubmit}>
        <TextField label="Email" type="email" autoComplete="email" {...field('email')} autoFocus />
        <TextField label="Password" type="password" autoComplete="new-password" hint={`At least ${PASSWORD_MIN} characters.`} {...field('password')} />
        <TextField label="Team name" autoComplete="organization" {...field('teamName')} />
      </AuthForm>
    </AuthCard>
  );
}
