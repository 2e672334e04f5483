import { useMutation } from '@apollo/client/react';
import { useFormErrors } from '../../../app/errors';
import { useRefreshSession } from '../../../app/session';
import { graphql } from '../../../gql';
import type { SignInInput } from '../../../gql/graphql';

export const SignInMutation = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      ...Session_user
    }
  }
`);

export function useSignInMutation() {
  const [mutate, { loading }] = useMutation(SignInMutation);
  const refreshSession = useRefreshSession();
  // Wrong credentials and throttling are about the form as a whole, so they show in it.
  const errors = useFormErrors(['email', 'password'] as const);
  const signIn = async (input: SignInInput): Promise<boolean> => {
    errors.clear();
    try {
      const { data } = await mutate({ variables: { input } });
      if (!data) return false;
      await refreshSession();
      return true;
    } catch (e) {
      errors.reportInForm(e);
      return false;
    }
  };
  return { signIn, loading, ...errors };
}
