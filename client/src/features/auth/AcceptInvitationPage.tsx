import { useApolloClient } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { blankFields, useFields } from '../../app/form';
import { usePageTitle } from '../../app/page-title';
import { textFromUrl } from '../../app/url-filters';
import { graphql } from '../../gql';
import { TextField } from '../../ui/TextField';
import { bidi } from '../../ui/UserText';
import { AuthCard, AuthForm } from './components/AuthCard';
import { useAcceptInvitationMutation } from './hooks/useAcceptInvitationMutation';

export const InvitationPreviewQuery = graphql(`
  query InvitationPreview($token: String!) {
    invitationPreview(token: $token) {
      teamName
      email
      expiresAt
    }
  }
`);

export function AcceptInvitationPage() {
  usePageTitle('Accept invitation');
  const [params] = useSearchParams();
  const token = textFromUrl(params.get('token') ?? '');
  const navigate = useNavigate();
  const { acceptInvitation, loading, fieldErrors, formError, setFieldErrors } = useAcceptInvitationMutation();
  const { values, field } = useFields({ password: '' }, fieldErrors);
  // The team and address the link is for; the form works without them should this fail. Asked
  // once, not watched: accepting resets the store, and a watched query would then refetch the
  // (now used) invitation and flash "no longer works" on the way out.
  const client = useApolloClient();
  const [preview, setPreview] = useState<{ teamName: string; email: string } | null | undefined>(undefined);
  useEffect(() => {
    if (!token) return;
    let live = true;
    client
      .query({ query: InvitationPreviewQuery, variables: { token }, fetchPolicy: 'no-cache' })
      .then((r) => live && r.data && setPreview(r.data.invitationPreview ?? null))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [client, token]);
  const invitation = preview ?? undefined;

  if (!token) {
    return (
      <AuthCard title="Invitation link is incomplete" footer={<Link to="/sign-in">Go to sign in</Link>}>
        <p className="muted">This page needs the full link from your invitation email. Ask a team admin to send a new one.</p>
      </AuthCard>
    );
  }

  if (preview === null) {
    return (
      <AuthCard title="This invitation no longer works" footer={<Link to="/sign-in">Go to sign in</Link>}>
        <p className="muted">It was already used, revoked or has expired. Ask a team admin to send a new one.</p>
      </AuthCard>
    );
  }

  const onSubmit = async () => {
    const blank = blankFields(values, { password: 'Password is required.' });
    if (blank) return setFieldErrors(blank);
    if (await acceptInvitation({ token, password: values.password })) navigate('/api-keys', { replace: true });
  };

  return (
    <AuthCard
      title={invitation ? bidi`Join ${invitation.teamName} on Keyring` : 'Join your team on Keyring'}
      subtitle={
        invitation ? (
          <>
            You were invited as <strong dir="auto">{invitation.email}</strong>. Choose a password to accept, or enter the password of your Keyring account with
            this email if you have one.
          </>
        ) : (
          'Choose a password to accept the invitation. If you already have a Keyring account with this email, enter its password.'
        )
      }
    >
      <AuthForm label="Accept invitation" submitLabel="Accept invitation" loading={loading} onSubmit={onSubmit} formError={formError}>
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters for a new account."
          {...field('password')}
          autoFocus
        />
      </AuthForm>
    </AuthCard>
  );
}
