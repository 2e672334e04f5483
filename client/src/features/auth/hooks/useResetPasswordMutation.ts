import { useMutation } from '@apollo/client/react';
import { useFormErrors } from '../../../app/errors';
import { useRefreshSession } from '../../../app/session';
import { graphql } from '../../../gql';

export const ResetPasswordMutation = graphql(`
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input) {
      ...Session_user
    }
  }
`);

/** How a reset ended: signed in, or the password set for an account in no team (nowhere to sign in to). */
export type ResetOutcome = 'signed-in' | 'no-team';

export function useResetPasswordMutation() {
  const [mutate, { loading }] = useMutation(ResetPasswordMutation);
  const refreshSession = useRefreshSession();
  // A used or expired link is about the form as a whole; a refused password, about its field.
  const errors = useFormErrors(['password'] as const);
  const reset = async (input: { token: string; password: string }): Promise<ResetOutcome | null> => {
    errors.clear();
    let signedIn: boolean;
    try {
      const { data } = await mutate({ variables: { input } });
      if (!data) return null;
      signedIn = Boolean(data.resetPassword);
    } catch (e) {
      errors.reportInForm(e);
      return null;
    }
    if (!signedIn) return 'no-team';
    // As after signing in (useStartSession): every query again as the new session's user.
    await refreshSession().catch(() => undefined);
    return 'signed-in';
  };
  return { reset, loading, ...errors };
}
