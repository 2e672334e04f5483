import { useMutation } from '@apollo/client/react';
import { reportErrors } from '../../../app/errors';
import { leaveToSignIn } from '../../../app/session';
import { graphql } from '../../../gql';

export const SignOutMutation = graphql(`
  mutation SignOut {
    signOut
  }
`);

export function useSignOutMutation() {
  const [mutate, { loading, called, error }] = useMutation(SignOutMutation);
  const signOut = async () => {
    try {
      await mutate();
    } catch (e) {
      reportErrors(e);
      return;
    }
    leaveToSignIn();
  };
  // Stays busy while the page reloads.
  return { signOut, loading: loading || (called && !error) };
}
