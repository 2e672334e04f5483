import { graphql } from '../../../gql';
import { useStartSession } from './useStartSession';

export const SignInMutation = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      ...Session_user
    }
  }
`);

export function useSignInMutation() {
  // Wrong credentials and throttling are about the form as a whole, so they show in it.
  const { start: signIn, ...rest } = useStartSession(SignInMutation, { fields: ['email', 'password'] as const, otherErrors: 'form' });
  return { signIn, ...rest };
}
