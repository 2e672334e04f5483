import { useApolloClient, useMutation } from '@apollo/client/react';
import { type FormEvent, useId, useState } from 'react';
import { useFormErrors } from '../../../app/errors';
import { enterTeam, type SessionUser } from '../../../app/session';
import { SwitchTeamMutation } from '../../../app/TeamSwitcher';
import { Button } from '../../../ui/Button';
import { Dialog } from '../../../ui/Dialog';
import { useFocusOnError } from '../../../ui/focus-on-error';
import { TextField } from '../../../ui/TextField';
import { SignInMutation } from '../hooks/useSignInMutation';
import { FormAlert } from './AuthCard';

const FIELDS = ['password'] as const;

/**
 * Over a form being filled in when the session ends (expired, signed out elsewhere): sign in again
 * here, as the same user, and the page and what was typed stay. Going to the sign-in page instead
 * (`onLeave`) leaves them.
 */
export function SessionEndedDialog({ user, onLeave }: { user: SessionUser; onLeave: () => void }) {
  const client = useApolloClient();
  const [signIn, { loading: signingIn }] = useMutation(SignInMutation);
  const [switchTeam, { loading: switching }] = useMutation(SwitchTeamMutation);
  const errors = useFormErrors(FIELDS);
  const [password, setPassword] = useState('');
  const [resuming, setResuming] = useState(false);
  const formId = useId();
  const focus = useFocusOnError();

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    focus.submitted();
    if (!password) return errors.setFieldErrors({ password: 'Password is required.' });
    errors.clear();
    const signedIn = await signIn({ variables: { input: { email: user.email, password } } }).then(
      (result) => result.data?.signIn,
      (error: unknown) => {
        errors.reportInForm(error);
        return undefined;
      },
    );
    if (!signedIn) return;
    // A sign-in lands in the user's oldest team; the form was being filled in for this one.
    if (user.team && signedIn.team?.id !== user.team.id) {
      try {
        await switchTeam({ variables: { teamId: user.team.id } });
      } catch {
        // No longer in this team (removed meanwhile): its form has nowhere to go.
        enterTeam();
        return;
      }
    }
    setResuming(true);
    // The session as it is now (its role may have changed there) and what the page shows, asked
    // again; the cache is kept, not reset, so the page and its form stay mounted.
    await client.refetchQueries({ include: 'active' }).catch(() => undefined);
  };

  return (
    <Dialog
      open
      onOpenChange={(open) => {
        if (!open) onLeave();
      }}
      dismiss="buttons"
      size="sm"
      title="Your session has ended"
      description={
        <>
          You were signed in as <strong dir="auto">{user.email}</strong>. Sign in again to carry on here: what you typed is kept. Going to the sign-in page
          leaves this page.
        </>
      }
      footer={
        <>
          <Button onClick={onLeave}>Go to sign-in</Button>
          <Button type="submit" form={formId} variant="primary" loading={signingIn || switching || resuming}>
            Sign in
          </Button>
        </>
      }
    >
      <form ref={focus.ref} id={formId} className="form" onSubmit={submit} noValidate aria-label="Sign in again">
        <FormAlert message={errors.formError} />
        {/* For password managers; the address is in the description, and focus goes to the password. */}
        <input className="sr-only" type="email" name="email" autoComplete="username" value={user.email} readOnly tabIndex={-1} aria-hidden />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.fieldErrors.password}
        />
      </form>
    </Dialog>
  );
}
