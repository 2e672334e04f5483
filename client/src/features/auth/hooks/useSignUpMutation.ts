import { graphql } from '../../../gql';
import { useStartSession } from './useStartSession';

export const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      ...Session_user
    }
  }
`);

export function useSignUpMutation() {
  const { start: signUp, ...rest } = useStartSession(SignUpMutation, { fields: ['email', 'password', 'teamName'] as const, otherErrors: 'toast' });
  return { signUp, ...rest };
}
