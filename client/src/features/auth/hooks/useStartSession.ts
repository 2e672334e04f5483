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
    try {
      const { data } = await mutate({ variables: { input } });
      if (!data) return false;
      await refreshSession();
      return true;
    } catch (e) {
      if (otherErrors === 'form') errors.reportInForm(e);
      else errors.report(e);
      return false;
    }
  };
  return { start, loading, ...errors };
}
