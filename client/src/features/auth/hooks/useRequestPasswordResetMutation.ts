import { useMutation } from '@apollo/client/react';
import { useFormErrors } from '../../../app/errors';
import { graphql } from '../../../gql';

export const RequestPasswordResetMutation = graphql(`
  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input)
  }
`);

/** Asks for a reset link; true once asked (the server says the same whether or not the account exists). */
export function useRequestPasswordResetMutation() {
  const [mutate, { loading }] = useMutation(RequestPasswordResetMutation);
  const errors = useFormErrors(['email'] as const);
  const request = async (email: string): Promise<boolean> => {
    errors.clear();
    try {
      return Boolean((await mutate({ variables: { input: { email } } })).data?.requestPasswordReset);
    } catch (e) {
      // A throttled request is about the form as a whole.
      errors.reportInForm(e);
      return false;
    }
  };
  return { request, loading, ...errors };
}
