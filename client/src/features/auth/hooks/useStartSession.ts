import type { TypedDocumentNode } from '@apollo/client';
import { useMutation } from '@apollo/client/react';
import { useFormErrors } from '../../../app/errors';
import { useRefreshSession } from '../../../app/session';

export type StartSessionOptions<F extends string> = {
  /** Errors shown beside these fields. */
  fields: readonly F[];
  /** Where any other error goes: the form itself, or a toast. */
  otherErrors: 'form' | 'toast';
};

/**
 * A mutation that signs the browser in (sign up, sign in, accept an invitation): on success the
 * store is reset, so every query is fetched again as the new session's user.
 */
export function useStartSession<TData, TInput, F extends string>(
  mutation: TypedDocumentNode<TData, { input: TInput }>,
  { fields, otherErrors }: StartSessionOptions<F>,
) {
  const [mutate, { loading }] = useMutation(mutation);
  const refreshSession = useRefreshSession();
  const errors = useFormErrors(fields);
  const start = async (input: TInput): Promise<boolean> => {
    errors.clear();
    let signedIn: boolean;
    try {
      signedIn = Boolean((await mutate({ variables: { input } })).data);
    } catch (e) {
      if (otherErrors === 'form') errors.reportInForm(e);
      else errors.report(e);
      return false;
    }
    if (!signedIn) return false;
    // Signed in. The refetch cancels the queries of the page being left (it unmounts as the guards
    // move on), which is no error of the sign-in; a real failure shows in the guards' own queries.
    await refreshSession().catch(() => undefined);
    return true;
  };
  return { start, loading, ...errors };
}
