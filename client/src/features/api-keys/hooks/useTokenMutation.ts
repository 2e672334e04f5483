import type { OperationVariables, TypedDocumentNode } from '@apollo/client';
import { useMutation } from '@apollo/client/react';
import { useFormErrors } from '../../../app/errors';
import type { ApiKeysTable_ApiKeyFragment } from '../../../gql/graphql';

export type CreatedApiKey = { apiKey: ApiKeysTable_ApiKeyFragment; token: string };

/**
 * A mutation that answers a key and its one-time token (create, roll). The payload has no id, so
 * Apollo keeps it (and the token) only under ROOT_MUTATION, which it clears right after the
 * write: the normalized ApiKey never holds the token, and `forget` drops the last result.
 */
export function useTokenMutation<TData, TVariables extends OperationVariables, F extends string>(
  mutation: TypedDocumentNode<TData, TVariables>,
  options: {
    fields: readonly F[];
    payload: (data: TData) => CreatedApiKey;
    refetchQueries?: useMutation.Options<TData, TVariables>['refetchQueries'];
    /** Errors the caller deals with itself: `run` reports nothing and answers 'handled'. */
    handle?: (error: unknown) => boolean;
  },
) {
  const [mutate, { loading, reset }] = useMutation<TData, TVariables>(mutation, { refetchQueries: options.refetchQueries });
  const errors = useFormErrors(options.fields);
  /** Resolves to the key and its one-time token, or null when it failed (errors are reported). */
  const run = async (variables: TVariables): Promise<CreatedApiKey | 'handled' | null> => {
    errors.clear();
    try {
      // Apollo's options type cannot be spelled for a generic TVariables; the call is the same.
      const send = mutate as (options: { variables: TVariables }) => Promise<{ data?: TData | null }>;
      const { data } = await send({ variables });
      return data ? options.payload(data) : null;
    } catch (e) {
      if (options.handle?.(e)) return 'handled';
      errors.report(e);
      return null;
    }
  };
  /** Forgets the last result, token included. */
  const forget = () => {
    reset();
    errors.clear();
  };
  return { run, loading, forget, ...errors };
}
