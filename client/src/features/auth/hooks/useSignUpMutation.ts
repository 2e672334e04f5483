import { useMutation } from '@apollo/client/react';
import { useFormErrors } from '../../../app/errors';
import { useRefreshSession } from '../../../app/session';
import { graphql } from '../../../gql';
import type { SignUpInput } from '../../../gql/graphql';

export const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      ...Session_user
    }
  }
`);

export function useSignUpMutation() {
  const [mutate, { loading }] = useMutation(SignUpMutation);
  const refreshSession = useRefreshSession();
  const errors = useFormErrors(['email', 'password', 'teamName'] as const);
  const signUp = async (input: SignUpInput): Promise<boolean> => {
    errors.clear();
    try {
      const { data } = await mutate({ variables: { input } });
      if (!data) return false;
      await refreshSession();
      return true;
    } catch (e) {
      errors.report(e);
      return false;
    }
  };
  return { signUp, loading, ...errors };
}
